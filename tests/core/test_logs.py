"""Structured logs: a line written while a request runs names that request and its order."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest

from oms.core.logs import JsonFormatter, RequestContextFilter
from tests.serving import REPO

pytestmark = pytest.mark.django_db


@pytest.fixture
def console():
    """What the configured console handler (settings.LOGGING) writes, with its formatter."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous, formatter = handler.setStream(stream), handler.formatter
    yield handler, stream
    handler.setStream(previous)
    handler.setFormatter(formatter)


def test_a_log_line_during_an_order_request_carries_the_request_id_and_order_number(client, cs_user, console):
    handler, stream = console
    handler.setFormatter(JsonFormatter())  # production's format; settings.test keep text

    client.force_login(cs_user)
    response = client.get("/orders/SO-NOPE-7/", headers={"X-Request-ID": "edge-4f2a"})

    assert response.status_code == 404  # django.request logs "Not Found" inside the request
    assert response["X-Request-ID"] == "edge-4f2a"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    not_found = next(line for line in lines if line["logger"] == "django.request")
    assert not_found["request_id"] == "edge-4f2a"
    assert not_found["order_number"] == "SO-NOPE-7"
    assert not_found["level"] == "WARNING"


def test_an_insane_incoming_request_id_is_replaced_and_other_routes_name_no_order(client, cs_user, console):
    _, stream = console
    client.force_login(cs_user)
    response = client.get("/returns/RMA-NOPE/", headers={"X-Request-ID": "x\ny 'forged'"})

    assert response.status_code == 404
    generated = response["X-Request-ID"]
    assert len(generated) == 32 and "forged" not in generated
    line = next(line for line in stream.getvalue().splitlines() if "Not Found" in line)
    assert f"[{generated} -]" in line  # the text format: a return's number is not an order's


def test_each_request_gets_its_own_id_and_logs_outside_requests_have_none(client):
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert first != second
    record = logging.LogRecord("oms", logging.INFO, __file__, 1, "outside", None, None)
    RequestContextFilter().filter(record)
    assert json.loads(JsonFormatter().format(record))["message"] == "outside"
    assert "request_id" not in json.loads(JsonFormatter().format(record))


@pytest.mark.parametrize(("fmt", "expected"), [(None, "json"), ("text", "text")])
def test_production_settings_log_json_unless_told_otherwise(fmt, expected):
    env = {k: v for k, v in os.environ.items() if k != "OMS_LOG_FORMAT"}
    env.update(DJANGO_SETTINGS_MODULE="oms.settings.production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="h")
    if fmt:
        env["OMS_LOG_FORMAT"] = fmt
    code = "from django.conf import settings; print(settings.LOGGING['handlers']['console']['formatter'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == expected


def test_an_api_order_request_names_its_order_too(api, console):
    _, stream = console
    response = api.get("/api/v1/orders/SO-API-404/", HTTP_X_REQUEST_ID="api-1")
    assert response.status_code == 404
    line = next(line for line in stream.getvalue().splitlines() if "Not Found" in line)
    assert "[api-1 SO-API-404]" in line
