"""Outbox rows reach every subscribed endpoint, signed, in order, through failures."""

import json
from datetime import timedelta
from itertools import pairwise

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from oms.core.models import OutboxEvent
from oms.core.roles import OMS_ADMIN
from oms.integrations.webhooks import services
from oms.integrations.webhooks.events import PAYLOAD_VERSION, topic_matches
from oms.integrations.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.conftest import make_user

from .conftest import subscribe
from .helpers import SYSTEM, an_order, note, run_until_settled

pytestmark = pytest.mark.django_db
Status = WebhookDelivery.Status


def test_an_order_event_arrives_signed_with_the_api_order_representation(receiver, api):
    endpoint = subscribe(receiver.url, ["order.*"])
    order = an_order()
    note(order, "gift wrap please")
    run_until_settled()

    [request] = receiver.received
    message = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert message["type"] == "order.note"
    assert message["version"] == PAYLOAD_VERSION
    assert message["data"]["event"]["message"] == "gift wrap please"
    shown = api.get(f"/api/v1/orders/{order.number}/").json()
    assert message["data"]["order"]["number"] == order.number
    assert set(message["data"]["order"]) == set(shown)
    assert message["data"]["order"]["lines"] == shown["lines"]
    assert request.headers["webhook-id"].startswith("msg_")
    assert OutboxEvent.objects.get().status == OutboxEvent.Status.DELIVERED


def test_a_receiver_failing_twice_gets_the_event_on_the_third_attempt(failing_twice, fast_retries):
    endpoint = subscribe(failing_twice.url)
    note(an_order())
    run_until_settled()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.SUCCEEDED
    assert [a.status_code for a in delivery.attempt_log.order_by("started_at")] == [500, 500, 200]
    assert len(failing_twice.received) == 3
    assert len(failing_twice.message_ids()) == 1  # the same webhook-id on every attempt
    failing_twice.verify_all(endpoint.secret)
    excerpt = delivery.attempt_log.order_by("started_at").first().response_excerpt
    assert excerpt == "receiver says no"


def test_subscriptions_match_exact_prefix_and_star_and_skip_inactive(receiver):
    everything = subscribe(receiver.url, ["*"])
    orders = subscribe(receiver.url, ["order.*"])
    notes = subscribe(receiver.url, ["order.note"])
    stock = subscribe(receiver.url, ["stock.*"])
    off = subscribe(receiver.url, ["*"], active=False)
    note(an_order())
    run_until_settled()
    got = set(WebhookDelivery.objects.values_list("endpoint_id", flat=True))
    assert got == {everything.pk, orders.pk, notes.pk}
    assert stock.pk not in got and off.pk not in got
    assert topic_matches(["order.*"], "order.status_changed")
    assert not topic_matches(["order.*"], "orders.x")


def test_events_of_one_order_arrive_in_order_even_when_the_first_fails(fast_retries):
    from .receiver import Receiver

    hook = Receiver(fail_first=1)
    try:
        subscribe(hook.url)
        order = an_order()
        for text in ("first", "second", "third"):
            note(order, text)
        services.outbox_dispatch()
        first = WebhookDelivery.objects.order_by("sequence").first()
        services.delivery_chain_run(
            endpoint_id=first.endpoint_id, aggregate_type="order", aggregate_id=order.number
        )
        # The first failed: nothing after it went out.
        assert [json.loads(r.body)["data"]["event"]["message"] for r in hook.received] == ["first"]
        run_until_settled()
        got = [r.json["data"]["event"]["message"] for r in hook.successes()]
        assert got == ["first", "second", "third"]
    finally:
        hook.close()


def test_after_the_last_attempt_a_delivery_is_dead_lettered_and_the_next_goes_on(settings, fast_retries):
    from .receiver import Receiver

    settings.OMS_WEBHOOK_MAX_ATTEMPTS = 3
    hook = Receiver(status=503)
    try:
        subscribe(hook.url)
        order = an_order()
        note(order, "a")
        note(order, "b")
        run_until_settled()
        deliveries = list(WebhookDelivery.objects.order_by("sequence"))
        assert [d.status for d in deliveries] == [Status.DEAD, Status.DEAD]
        assert [d.attempts for d in deliveries] == [3, 3]
        assert WebhookAttempt.objects.count() == 6
    finally:
        hook.close()


def test_an_endpoint_that_keeps_failing_is_disabled_and_admins_are_told(settings, fast_retries):
    from .receiver import Receiver

    settings.OMS_WEBHOOK_DISABLE_AFTER_FAILURES = 3
    settings.OMS_WEBHOOK_DISABLE_AFTER_HOURS = 0
    make_user("boss", OMS_ADMIN, email="boss@example.com")
    hook = Receiver(status=500)
    try:
        endpoint = subscribe(hook.url)
        note(an_order())
        run_until_settled(timeout=3)
        endpoint.refresh_from_db()
        assert not endpoint.active
        assert "3 failed attempts" in endpoint.disabled_reason
        assert len(hook.received) == 3  # nothing more once disabled
        [notice] = mail.outbox
        assert notice.to == ["boss@example.com"] and hook.url in notice.body
        assert WebhookDelivery.objects.get().status == Status.RETRYING  # waits for the endpoint

        hook.status = 200
        services.endpoint_update(endpoint=endpoint, actor=SYSTEM, active=True)
        run_until_settled()
        assert WebhookDelivery.objects.get().status == Status.SUCCEEDED
    finally:
        hook.close()


def test_during_a_rotation_both_secrets_sign_then_only_the_new_one(receiver):
    endpoint = subscribe(receiver.url)
    old = endpoint.secret
    rotated = services.endpoint_rotate_secret(endpoint=endpoint, actor=SYSTEM, overlap=timedelta(hours=1))
    assert rotated.secret != old and rotated.secret.startswith("whsec_")
    order = an_order()
    note(order, "overlap")
    run_until_settled()
    [during] = receiver.received
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(during.body, during.headers)
    Webhook(rotated.secret).verify(during.body, during.headers)

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(previous_secret_expires_at=timezone.now())
    note(order, "after")
    run_until_settled()
    after = receiver.received[1]
    Webhook(rotated.secret).verify(after.body, after.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(after.body, after.headers)


def test_redelivery_sends_the_same_message_again(receiver):
    endpoint = subscribe(receiver.url)
    order = an_order()
    note(order, "one")
    note(order, "two")
    run_until_settled()
    first = WebhookDelivery.objects.order_by("sequence").first()
    services.delivery_redeliver(delivery=first, actor=SYSTEM)
    run_until_settled()
    assert [r.message_id for r in receiver.received].count(first.message_id) == 2
    assert receiver.received[-1].body == receiver.received[0].body

    count = services.endpoint_redeliver_range(
        endpoint=endpoint, since=timezone.now() - timedelta(hours=1), actor=SYSTEM
    )
    run_until_settled()
    assert count == 2 and len(receiver.received) == 5
    receiver.verify_all(endpoint.secret)


def test_retries_back_off_exponentially_with_jitter_over_about_three_days(settings, monkeypatch):
    attempts = settings.OMS_WEBHOOK_MAX_ATTEMPTS
    assert attempts >= 8
    jittered = {services.backoff(3).total_seconds() for _ in range(5)}
    assert len(jittered) > 1 and all(0.75 * 160 <= wait <= 1.25 * 160 for wait in jittered)
    monkeypatch.setattr("oms.integrations.webhooks.services.delivery.random.uniform", lambda low, high: 1.0)
    waits = [services.backoff(n).total_seconds() for n in range(1, attempts)]
    assert waits[:4] == [10, 40, 160, 640]  # x4 each time, then capped at 30 hours
    assert all(later >= earlier for earlier, later in pairwise(waits))
    assert 2.5 * 86400 < sum(waits) < 3.5 * 86400


def test_purge_deletes_only_handed_over_outbox_rows_older_than_the_retention(settings, receiver):
    settings.OMS_OUTBOX_RETENTION_DAYS = 7
    subscribe(receiver.url)
    order = an_order()
    note(order, "old")
    run_until_settled()
    note(order, "pending")  # not handed over yet
    OutboxEvent.objects.filter(status=OutboxEvent.Status.DELIVERED).update(
        delivered_at=timezone.now() - timedelta(days=8)
    )
    assert services.outbox_purge() == 1
    assert list(OutboxEvent.objects.values_list("status", flat=True)) == [OutboxEvent.Status.PENDING]
    assert WebhookDelivery.objects.count() == 1  # the delivery log outlives the outbox row


def test_with_dispatch_on_commit_a_change_is_delivered_without_waiting_for_the_sweep(
    receiver, dispatch_on_commit
):
    subscribe(receiver.url)
    note(an_order(), "right away")
    assert receiver.wait_for(lambda: len(receiver.received) == 1, timeout=5)


def test_with_a_broker_commits_made_while_a_dispatcher_is_queued_wake_no_other(
    dispatch_on_commit, monkeypatch, django_capture_on_commit_callbacks
):
    from oms.celery import app
    from oms.integrations.webhooks import tasks

    queued = []
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(
        tasks.dispatch_outbox, "apply_async", lambda countdown: queued.append(("dispatch", countdown))
    )
    monkeypatch.setattr(tasks.deliver_chain, "delay", lambda *chain: None)
    subscribe("https://hooks.example.com/all")  # without a subscriber no commit wakes it at all
    gather = settings.OMS_WAKE_GATHER_SECONDS  # the run starts a moment later: commits join it
    order = an_order()
    for text in ("one", "two", "three"):
        with django_capture_on_commit_callbacks(execute=True):
            note(order, text)
    assert queued == [("dispatch", gather)]
    assert tasks.dispatch_outbox() == 3  # the queued run hands over every row
    with django_capture_on_commit_callbacks(execute=True):
        note(order, "four")
    assert queued == [("dispatch", gather), ("dispatch", gather)]
