"""Refund delivery is single-flight and the order counts only what the provider confirmed."""

import threading
import time
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from oms.core.adapters import AdapterError, register_adapter, unregister_adapter
from oms.core.errors import DomainError
from returns import services
from returns.models import Refund
from tests.concurrency import run_together
from tests.conftest import client_for

from .factories import ACTOR, LocationFactory, SkuFactory, authorized, fresh, receive_return, shipped_order


class Provider:
    """A payment provider that pays each idempotency key once, however often it is asked."""

    def __init__(self, delay: float = 0, fail: bool = False):
        self.delay, self.fail = delay, fail
        self.calls: list[dict] = []
        self.paid: dict[str, str] = {}
        self.lock = threading.Lock()

    def request_refund(self, payload: dict) -> str:
        with self.lock:
            self.calls.append(payload)
        time.sleep(self.delay)
        if self.fail:
            raise AdapterError("provider unavailable")
        with self.lock:
            return self.paid.setdefault(payload["idempotency_key"], f"psp-{len(self.paid) + 1}")


@pytest.fixture
def provider():
    provider = Provider()

    @register_adapter("test-psp")
    class Adapter:
        def __init__(self, channel):
            self.channel = channel

        def request_refund(self, payload):
            return provider.request_refund(payload)

    yield provider
    unregister_adapter("test-psp")


@pytest.fixture
def worker_like_retries():
    """Eager tasks retry in process; let their failures be recorded as a worker's would."""
    from returns.tasks import request_refund

    conf = request_refund.app.conf
    before = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = before


def refundable(east, *, adapter="test-psp"):
    shirt = SkuFactory(code="SHIRT-SF")
    order = shipped_order(east, [{"sku": shirt, "quantity": 2, "unit_price": "25.00", "tax": "4.00"}])
    order.channel.adapter_kind = adapter
    order.channel.save()
    rma = authorized(order, (order.lines.get(), 2))
    receive_return(rma, east, (rma.lines.get(), 2, "new", "restock"))
    return order, rma


@pytest.mark.django_db
@pytest.mark.defer_on_commit
def test_the_order_reads_pending_until_the_provider_confirms(
    provider, django_capture_on_commit_callbacks, api
):
    order, rma = refundable(LocationFactory(code="wh-east"))
    with django_capture_on_commit_callbacks() as callbacks:
        refund = services.return_refund(rma=rma, actor=ACTOR)
    order = fresh(order)
    assert (order.payment_status, order.refunded_total, order.refund_pending_total) == (
        "paid",
        D("0"),
        D("54"),
    )
    totals = api.get(f"/api/v1/orders/{order.number}/").json()["totals"]
    assert (totals["refunded"], totals["refund_pending"]) == ("0.00", "54.00")
    with pytest.raises(DomainError, match="left to refund"):  # pending money is not refunded twice
        from orders import services as order_services

        order_services.order_record_refund(order=order, amount="1.00", actor=ACTOR)

    for callback in callbacks:  # the task runs after the commit
        callback()
    order = fresh(order)
    assert (order.payment_status, order.refunded_total, order.refund_pending_total) == (
        "refunded",
        D("54"),
        D("0"),
    )
    assert fresh(refund).status == "succeeded"
    assert [call["idempotency_key"] for call in provider.calls] == [str(refund.pk)]


@pytest.mark.django_db
@pytest.mark.defer_on_commit
def test_every_attempt_carries_the_same_idempotency_key(provider, django_capture_on_commit_callbacks):
    order, rma = refundable(LocationFactory(code="wh-east"))
    with django_capture_on_commit_callbacks():
        refund = services.return_refund(rma=rma, actor=ACTOR)
    provider.fail = True
    with pytest.raises(AdapterError):
        services.refund_send(refund=refund)
    assert fresh(refund).status == "failed"
    assert fresh(order).refund_pending_total == D("54")  # still owed, still pending
    provider.fail = False
    services.refund_send(refund=refund)
    assert {call["idempotency_key"] for call in provider.calls} == {str(refund.pk)}
    assert len(provider.calls) == 2 and fresh(refund).attempts == 2


@pytest.mark.django_db
@pytest.mark.defer_on_commit
def test_a_resend_while_a_sender_holds_the_claim_is_refused(
    provider, django_capture_on_commit_callbacks, cs_user
):
    _order, rma = refundable(LocationFactory(code="wh-east"))
    with django_capture_on_commit_callbacks():
        refund = services.return_refund(rma=rma, actor=ACTOR)
    Refund.objects.filter(pk=refund.pk).update(status="sending", claimed_at=timezone.now())
    response = client_for(cs_user).post(f"/api/v1/returns/{rma.number}/resend-refund/", {"refund": refund.pk})
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    assert "being sent right now" in response.json()["detail"]
    assert services.refund_send(refund=refund).status == "sending"  # the task leaves it to that sender
    assert provider.calls == []


@pytest.mark.django_db
@pytest.mark.defer_on_commit
def test_a_stale_claim_is_taken_over_with_the_same_key(provider, django_capture_on_commit_callbacks):
    order, rma = refundable(LocationFactory(code="wh-east"))
    with django_capture_on_commit_callbacks():
        refund = services.return_refund(rma=rma, actor=ACTOR)
    long_ago = timezone.now() - services.refunds.CLAIM_TIMEOUT - timedelta(minutes=1)
    Refund.objects.filter(pk=refund.pk).update(status="sending", claimed_at=long_ago, attempts=1)
    assert services.refund_send(refund=refund).status == "succeeded"
    assert [call["idempotency_key"] for call in provider.calls] == [str(refund.pk)]
    assert fresh(order).refunded_total == D("54")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_automatic_retry_and_an_agents_resend_never_send_one_refund_twice(
    provider, cs_user, worker_like_retries
):
    """Today's fault: both senders called the provider. Now one claims it; the other finds it
    claimed (or already paid back) and leaves it."""
    order, rma = refundable(LocationFactory(code="wh-east"))
    provider.fail = True
    refund = services.return_refund(rma=rma, actor=ACTOR)  # the task fails once, then retries...
    assert fresh(refund).status == "failed"
    provider.fail, provider.delay, provider.calls = False, 0.5, []

    def sender(index):
        if index == 0:
            return services.refund_send(refund=refund).status  # the automatic retry
        time.sleep(0.1)
        response = client_for(cs_user).post(
            f"/api/v1/returns/{rma.number}/resend-refund/", {"refund": refund.pk}
        )
        return response.status_code

    results = run_together(sender, 2)
    assert results[0] == "succeeded", results
    assert results[1] in (200, 409), results
    assert len(provider.calls) == 1, provider.calls
    refund = fresh(refund)
    assert (refund.status, refund.external_reference) == ("succeeded", "psp-1")
    order = fresh(order)
    assert (order.refunded_total, order.refund_pending_total, order.payment_status) == (
        D("54"),
        D("0"),
        "refunded",
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_senders_call_the_provider_once(provider, worker_like_retries):
    order, rma = refundable(LocationFactory(code="wh-east"))
    provider.fail = True
    refund = services.return_refund(rma=rma, actor=ACTOR)
    provider.fail, provider.delay, provider.calls = False, 0.3, []

    results = run_together(lambda index: services.refund_send(refund=refund).status, 4)
    assert "succeeded" in results and all(isinstance(r, str) for r in results), results
    assert len(provider.calls) == 1
    assert fresh(order).refunded_total == D("54")
