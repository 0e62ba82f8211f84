from rest_framework.pagination import CursorPagination


class StandardCursorPagination(CursorPagination):
    """Keyset pagination: stays fast on the millionth row, unlike OFFSET."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
