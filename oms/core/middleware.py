"""Answers for failures that escape a view: a contended database is 503, never 500."""

from django.shortcuts import render

from .api.problems import problem_response
from .transactions import RETRY_AFTER_SECONDS, transient_reason


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
        if request.path.startswith("/api/"):
            response = problem_response(
                503, "service_busy", "The system is busy with concurrent changes; try again.", request.path
            )
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
