"""Structured logs: every line carries the request id (and the order number when the request is
about one order), so that an operator can follow one request or one order across processes.

`RequestContextMiddleware` sets both in context variables; `RequestContextFilter` copies them
onto each record; `JsonFormatter` writes one JSON object a line (production's default,
`OMS_LOG_FORMAT=json|text`).
"""

import contextvars
import json
import logging
import re
import time
import uuid
from contextlib import contextmanager

from django.core.signals import request_finished

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
order_number_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("order_number", default=None)

#: An incoming X-Request-ID (from the proxy) is kept only when it cannot forge a log line.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
#: Routes whose `number` is an order's: desk, fulfillment, inbox pages and the orders API.
ORDER_ROUTE = re.compile(r"(^|/)\^?orders/(<(str:)?number>|\(\?P<number>)")

#: What every LogRecord has; anything else on a record came as `extra=` and goes into the JSON.
_RECORD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


@contextmanager
def log_context(*, order_number: str | None = None):
    """Tags the logs written inside (a task, a command) with an order number."""
    token = order_number_var.set(order_number)
    try:
        yield
    finally:
        order_number_var.reset(token)


def incoming_request_id(request) -> str:
    candidate = request.headers.get("X-Request-ID", "")
    return candidate if SANE_REQUEST_ID.fullmatch(candidate) else uuid.uuid4().hex


class RequestContextMiddleware:
    """First in the chain: the request id for every log line of the request, echoed back as
    `X-Request-ID`; the order number once the URL resolves to an order route."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Not reset on the way out: Django logs a 4xx ("Not Found: ...") after the middleware
        # chain. `request_finished` (the response is closed) clears them.
        request.request_id = incoming_request_id(request)
        request_id_var.set(request.request_id)
        order_number_var.set(None)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        number = view_kwargs.get("number")
        if number and ORDER_ROUTE.search(request.resolver_match.route or ""):
            order_number_var.set(str(number))


def clear_request_context(**kwargs):
    request_id_var.set(None)
    order_number_var.set(None)


request_finished.connect(clear_request_context, dispatch_uid="oms.core.logs.clear_request_context")


class RequestContextFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get() or "-"
        record.order_number = order_number_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, order number, the
    record's `extra=` fields and the traceback."""

    converter = time.gmtime  # UTC, as the "Z" says

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRS and value not in (None, "-"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
