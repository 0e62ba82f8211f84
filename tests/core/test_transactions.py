"""The last line of defence behind the lock order: a transient failure runs the transaction
again, a bounded number of times, then answers 503 with Retry-After, never 500."""

import psycopg
import pytest
from django.db import OperationalError
from django.test import RequestFactory
from rest_framework.views import APIView

from oms.core.api.problems import CONTENT_TYPE, problem_exception_handler
from oms.core.middleware import TransientErrorMiddleware
from oms.core.transactions import ATTEMPTS, RetryTransaction, ServiceBusy, run_atomic, transient_reason

pytestmark = pytest.mark.django_db


def deadlock() -> OperationalError:
    """What Django raises when PostgreSQL reports `deadlock detected` (SQLSTATE 40P01)."""
    error = OperationalError("deadlock detected")
    error.__cause__ = psycopg.errors.DeadlockDetected("deadlock detected")
    return error


def test_transient_failures_are_recognised_by_their_sqlstate():
    assert transient_reason(deadlock()) == "deadlock detected"
    serialization = OperationalError("could not serialize")
    serialization.__cause__ = psycopg.errors.SerializationFailure("could not serialize")
    assert transient_reason(serialization) == "serialization failure"
    assert transient_reason(RetryTransaction("the lines changed")) == "the lines changed"
    assert transient_reason(OperationalError("connection refused")) is None
    assert transient_reason(ValueError("a bug")) is None


def test_a_transaction_that_deadlocks_is_run_again_until_it_commits():
    attempts = []

    def work():
        attempts.append(1)
        if len(attempts) < 3:
            raise deadlock()
        return "committed"

    assert run_atomic(work) == "committed"
    assert len(attempts) == 3


def test_a_transaction_that_keeps_failing_gives_up_with_service_busy():
    attempts = []

    def work():
        attempts.append(1)
        raise deadlock()

    with pytest.raises(ServiceBusy) as busy:
        run_atomic(work)
    assert len(attempts) == ATTEMPTS
    assert busy.value.status == 503 and busy.value.retry_after >= 1


def test_a_bug_is_not_retried():
    attempts = []

    def work():
        attempts.append(1)
        raise ValueError("a bug")

    with pytest.raises(ValueError):
        run_atomic(work)
    assert len(attempts) == 1


def test_the_api_answers_503_problem_details_with_retry_after():
    request = APIView().initialize_request(RequestFactory().post("/api/v1/orders/"))
    for error in (ServiceBusy("busy"), deadlock()):
        response = problem_exception_handler(error, {"request": request})
        assert response.status_code == 503
        assert response.content_type == CONTENT_TYPE
        assert response["Retry-After"] == "1"
        assert response.data["code"] == "service_busy"


def test_a_deadlock_escaping_a_staff_page_is_503_not_500():
    middleware = TransientErrorMiddleware(lambda request: None)
    request = RequestFactory().get("/orders/")
    request.user = None
    response = middleware.process_exception(request, deadlock())
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    api = middleware.process_exception(RequestFactory().get("/api/v1/orders/"), deadlock())
    assert (api.status_code, api["Content-Type"]) == (503, CONTENT_TYPE)
    assert middleware.process_exception(request, ValueError("a bug")) is None
