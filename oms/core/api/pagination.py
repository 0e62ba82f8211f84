from rest_framework.pagination import CursorPagination

from .inputs import positive_page_size


class StandardCursorPagination(CursorPagination):
    """Keyset pagination: stays fast on the millionth row, unlike OFFSET.

    `?page_size=` outside 1..max_page_size is refused (400 naming it); a cursor that does not
    parse answers 404 (DRF's "Invalid cursor")."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return positive_page_size(raw, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = (
                    f"Rows per page, 1 to {self.max_page_size} (default {self.page_size})."
                )
            elif parameter["name"] == self.cursor_query_param:
                parameter["description"] = (
                    "The `next` or `previous` cursor of a page; one that does not parse answers 404."
                )
        return parameters
