"""The refund request goes to the channel's adapter through a Celery task."""

from decimal import Decimal as D

import pytest

from oms.core.adapters import AdapterError, get_adapter
from orders.models import OrderEvent
from returns import services
from returns.models import Refund
from returns.tasks import request_refund

from .factories import ACTOR, authorized, fresh, receive_return, shipped_order

# These tests capture the refund task's on_commit callback to run it (or not) themselves.
pytestmark = [pytest.mark.django_db, pytest.mark.defer_on_commit]


@pytest.fixture
def order(east, shirt):
    return shipped_order(east, [{"sku": shirt, "quantity": 2, "unit_price": "25.00", "tax": "4.00"}])


def requested_refund(order, east, django_capture_on_commit_callbacks, *, run=False):
    rma = authorized(order, (order.lines.get(), 2))
    receive_return(rma, east, (rma.lines.get(), 2, "new", "restock"))
    with django_capture_on_commit_callbacks(execute=run) as callbacks:
        refund = services.return_refund(rma=rma, actor=ACTOR)
    assert len(callbacks) == 1  # the request is enqueued after the commit, never inside it
    return fresh(refund)


def test_manual_adapter_succeeds_with_a_reference_after_commit(
    order, east, django_capture_on_commit_callbacks
):
    refund = requested_refund(order, east, django_capture_on_commit_callbacks, run=True)
    assert (refund.status, refund.external_reference, refund.attempts) == (
        "succeeded",
        f"manual:{refund.pk}",
        1,
    )
    assert refund.completed_at is not None
    event = OrderEvent.objects.get(order=order, kind="refund_succeeded")
    assert event.payload["reference"] == f"manual:{refund.pk}" and event.payload["amount"] == "54.00"
    # idempotent: a second delivery of the task does nothing
    assert request_refund.apply(args=[refund.pk]).get() == "skipped"
    assert fresh(refund).attempts == 1


def test_adapter_receives_amounts_per_line(order, east, django_capture_on_commit_callbacks):
    refund = requested_refund(order, east, django_capture_on_commit_callbacks)
    from returns.services.refunds import refund_payload

    assert refund_payload(refund) == {
        "refund_id": refund.pk,
        "idempotency_key": str(refund.pk),
        "order": order.number,
        "external_id": order.external_id,
        "rma": refund.rma.number,
        "currency": "USD",
        "amount": "54.00",
        "shipping_amount": "0.00",
        "lines": [{"sku": "SHIRT-M", "channel_line_id": "", "quantity": 2, "amount": "54.00"}],
    }


def test_a_failing_adapter_marks_the_refund_failed_and_retries(
    order, east, failing_adapter, django_capture_on_commit_callbacks, worker_like_retries
):
    order.channel.adapter_kind = "test-fail"
    order.channel.save()
    refund = requested_refund(order, east, django_capture_on_commit_callbacks)
    with pytest.raises(AdapterError):
        services.refund_send(refund=refund)
    refund = fresh(refund)
    assert (refund.status, refund.failure_reason, refund.attempts) == (
        "failed",
        "card processor timed out",
        1,
    )
    failed = OrderEvent.objects.get(order=order, kind="refund_failed")
    assert "card processor timed out" in failed.message
    # pending on the order until the provider confirms it
    assert (fresh(order).payment_status, fresh(order).refunded_total, fresh(order).refund_pending_total) == (
        "paid",
        D("0"),
        D("54.00"),
    )

    # the task retries with backoff (eagerly here: one call per attempt), then gives up failed
    result = request_refund.apply(args=[refund.pk])
    assert isinstance(result.result, AdapterError)
    assert len(failing_adapter) == 1 + 1 + request_refund.max_retries
    assert fresh(refund).status == "failed"

    # the channel is fixed: the next attempt succeeds
    order.channel.adapter_kind = "manual"
    order.channel.save()
    assert request_refund.apply(args=[refund.pk]).get() == "succeeded"
    refund = fresh(refund)
    assert (refund.status, refund.external_reference, refund.failure_reason) == (
        "succeeded",
        f"manual:{refund.pk}",
        "",
    )
    assert (fresh(order).payment_status, fresh(order).refunded_total, fresh(order).refund_pending_total) == (
        "refunded",
        D("54.00"),
        D("0"),
    )


def test_unknown_adapter_kind_is_an_adapter_error(order):
    order.channel.adapter_kind = "nobody"
    with pytest.raises(AdapterError, match="No adapter registered for kind 'nobody'"):
        get_adapter(order.channel)


def test_refund_rows_keep_their_amounts(order, east, django_capture_on_commit_callbacks):
    refund = requested_refund(order, east, django_capture_on_commit_callbacks)
    assert (refund.lines_amount, refund.shipping_amount, refund.restocking_fee, refund.total) == (
        D("54.00"),
        D("0"),
        D("0"),
        D("54.00"),
    )
    assert Refund.objects.get().lines.get().quantity == 2


def test_staff_send_a_failed_refund_again_once_the_channel_is_fixed(
    order, east, failing_adapter, django_capture_on_commit_callbacks, worker_like_retries, cs_user
):
    from tests.conftest import client_for

    order.channel.adapter_kind = "test-fail"
    order.channel.save()
    refund = requested_refund(order, east, django_capture_on_commit_callbacks, run=True)
    assert fresh(refund).status == "failed"  # the task gave up
    api = client_for(cs_user)
    url = f"/api/v1/returns/{refund.rma.number}/resend-refund/"

    order.channel.adapter_kind = "manual"
    order.channel.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url, {"refund": refund.pk})
    assert response.status_code == 200, response.json()
    assert fresh(refund).status == "succeeded"
    kinds = list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds.index("refund_resent") < kinds.index("refund_succeeded")

    again = api.post(url, {"refund": refund.pk})  # nothing left to resend
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
