"""Answers for requests and failures that never reach a view's own handling: a contended
database is 503, an oversized body 413, a NUL character 400/404, never 500 or an HTML page
under /api/."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest
from django.shortcuts import render

from .api.inputs import NUL, NUL_MESSAGE, body_limit, query_nul_fields
from .api.problems import problem_response, request_too_large_response
from .transactions import RETRY_AFTER_SECONDS, transient_reason


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class InputGuardMiddleware:
    """Refuses, before any view or database query: a NUL character in the path (no resource
    has one: 404) or in a query parameter (400 naming it), and under /api/ a body whose
    Content-Length is over the limit (413). A body that turns out too big while it is read
    (no Content-Length) is 413 too, from `process_exception` and the 400 handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self._refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def _refusal(self, request):
        api = _is_api(request)
        if NUL in request.path:
            if api:
                return problem_response(
                    404,
                    "not_found",
                    "No resource has a NUL character in its name.",
                    request.path.replace(NUL, "\\u0000"),
                )
            return render(request, "404.html", status=404)
        bad = query_nul_fields(request.GET)
        if bad:
            if not api:
                return HttpResponseBadRequest(NUL_MESSAGE)
            return problem_response(
                400,
                "validation_error",
                "The request has invalid fields; see errors.",
                request.path,
                errors=[
                    {
                        "field": field.replace(NUL, "\\u0000"),
                        "code": "null_characters_not_allowed",
                        "message": NUL_MESSAGE,
                    }
                    for field in bad
                ],
            )
        if api and _content_length(request) > body_limit():
            return request_too_large_response(request.path)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig) and _is_api(request):
            return request_too_large_response(request.path)
        return None


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class TransientErrorMiddleware:
    """A deadlock or serialization failure that escaped `run_atomic` (or met a view that does
    not retry, a GET say) becomes 503 with Retry-After: the client may simply try again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if transient_reason(exception) is None:
            return None
        if _is_api(request):
            response = problem_response(
                503, "service_busy", "The system is busy with concurrent changes; try again.", request.path
            )
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
