"""One error shape for the whole API: RFC 9457 problem details.

{"type": "urn:oms:problem:validation_error", "title": "...", "status": 400,
 "detail": "...", "instance": "/api/v1/...", "code": "validation_error",
 "errors": [{"field": "lines.0.quantity", "code": "min_value", "message": "..."}]}
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from oms.core.errors import DomainError
from oms.core.transactions import ServiceBusy, transient_reason

CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Unprocessable request",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service busy",
}


def problem(status_code: int, code: str, detail: str, *, instance: str = "", **extra) -> dict:
    body = {
        "type": f"urn:oms:problem:{code}",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def flatten_errors(detail, path: str = "") -> list[dict]:
    """Turn DRF's nested error dict / list into [{field, code, message}] with dotted paths."""
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            field = key if not path else f"{path}.{key}"
            if key == "non_field_errors":
                field = path
            items += flatten_errors(value, field)
        return items
    if isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail | str) for item in detail):
            return [_field_error(path, item) for item in detail]
        items = []
        for index, value in enumerate(detail):
            if value:
                items += flatten_errors(value, f"{path}.{index}" if path else str(index))
        return items
    return [_field_error(path, detail)]


def _field_error(field: str, error) -> dict:
    return {"field": field or None, "code": getattr(error, "code", "invalid"), "message": str(error)}


def problem_exception_handler(exc, context):
    request = context.get("request")
    instance = request.path if request is not None else ""
    headers = {}
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, RequestDataTooBig):
        set_rollback()
        body = problem(413, "request_too_large", too_large_detail(), instance=instance)
        return Response(body, status=413, content_type=CONTENT_TYPE)
    if transient_reason(exc) is not None:  # escaped every retry, or met outside run_atomic
        exc = ServiceBusy("The system is busy with concurrent changes; try again.")
    if isinstance(exc, DomainError):
        body = problem(exc.status, exc.code, exc.message, instance=instance)
        if exc.details:
            body["details"] = exc.details
        if getattr(exc, "retry_after", None):
            headers["Retry-After"] = str(exc.retry_after)
        set_rollback()
        return Response(body, status=exc.status, headers=headers, content_type=CONTENT_TYPE)

    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: let Django log it and answer 500 (problem JSON via handler500)

    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        body = problem(
            status.HTTP_400_BAD_REQUEST,
            "validation_error",
            "The request has invalid fields; see errors.",
            instance=instance,
            errors=errors,
        )
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        body = problem(exc.status_code, code, detail, instance=instance)
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers, content_type=CONTENT_TYPE)


def problem_response(status_code: int, code: str, detail: str, instance: str = "", **extra) -> JsonResponse:
    """For plain Django views and middleware (404 / 500 handlers under /api/)."""
    return JsonResponse(
        problem(status_code, code, detail, instance=instance, **extra),
        status=status_code,
        content_type=CONTENT_TYPE,
    )


def too_large_detail() -> str:
    from django.conf import settings

    return f"The request body is over the limit of {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes."


def request_too_large_response(instance: str = "") -> JsonResponse:
    return problem_response(413, "request_too_large", too_large_detail(), instance)
