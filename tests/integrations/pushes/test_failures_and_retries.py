"""A push the channel refuses is failed at once and waits in the desk's exceptions queue and the
admin; a person with the right role sends it again from there. The sweep finds what a lost
wake-up left; the outbox purge keeps what the collector has not read."""

import pytest
from django.test import Client

from oms.core.outbox import outbox_oldest_needed
from oms.integrations.pushes.models import ChannelPush, PushCursor
from oms.integrations.pushes.services import pushes_collect
from oms.integrations.pushes.tasks import pushes_sweep
from tests.conftest import make_user

from .conftest import channel_order, fresh, last_outbox, ship

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def refused(shopify_store, shopify_channel, east, collecting):
    """A shipment Shopify refused (403): failed at once."""
    order = channel_order(shopify_channel, shopify_store, east, [("SOCK-M", 1, "111")])
    shopify_store.fail_next(403, body={"errors": "[API] Access denied for fulfillmentCreate field."})
    ship(order)
    push = ChannelPush.objects.get(order=order)
    assert push.status == "failed"
    return push


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_a_failed_push_is_in_the_exceptions_queue_and_retry_sends_it(refused, shopify_store, cs_user):
    agent = signed_in(cs_user)
    page = agent.get("/exceptions/").content.decode()
    assert f'data-push="{refused.pk}"' in page
    assert refused.order.number in page and "HTTP 403" in page and "Access denied" in page

    response = agent.post(f"/exceptions/pushes/{refused.pk}/retry/")
    assert response.status_code == 302 and response["Location"].endswith("/exceptions/#failed-pushes")
    push = fresh(refused)
    assert push.status == "sent" and push.attempts == 1
    assert len(shopify_store.orders["6001"]["fulfillments"]) == 1
    retried = refused.order.events.get(kind="channel_push_retried")
    assert retried.actor_label == cs_user.username
    assert refused.order.events.filter(kind="channel_push_sent").exists()
    page = agent.get("/exceptions/").content.decode()
    assert f'data-push="{refused.pk}"' not in page and "Sending to shopify-us again" in page
    order_page = agent.get(f"/orders/{refused.order.number}/").content.decode()
    for label in ("Channel not told", "Channel told again", "Told the channel"):
        assert label in order_page
    # a second click on the same (sent) push changes nothing
    agent.post(f"/exceptions/pushes/{refused.pk}/retry/")
    assert len(shopify_store.orders["6001"]["fulfillments"]) == 1


def test_retry_needs_post_csrf_and_an_agent_role(
    refused, shopify_store, cs_user, warehouse_user, no_role_user
):
    url = f"/exceptions/pushes/{refused.pk}/retry/"
    assert Client().post(url).status_code == 302  # anonymous: to the login page
    assert signed_in(warehouse_user).post(url).status_code == 403
    assert signed_in(no_role_user).post(url).status_code == 403
    assert signed_in(cs_user).get(url).status_code == 405
    assert signed_in(cs_user, enforce_csrf_checks=True).post(url).status_code == 403
    assert fresh(refused).status == "failed" and not shopify_store.orders["6001"]["fulfillments"]


def test_the_admin_lists_pushes_by_status_and_retries_failed_ones(refused, shopify_store, admin_client, db):
    listing = admin_client.get("/admin/pushes/channelpush/?status__exact=failed")
    assert listing.status_code == 200 and refused.aggregate in listing.content.decode()
    assert (
        refused.aggregate
        not in admin_client.get("/admin/pushes/channelpush/?status__exact=sent").content.decode()
    )
    answer = admin_client.post(
        "/admin/pushes/channelpush/", {"action": "retry", "_selected_action": [refused.pk]}, follow=True
    )
    assert "1 pushes queued again." in answer.content.decode()
    assert fresh(refused).status == "sent"
    assert refused.order.events.get(kind="channel_push_retried").actor_label == "ada"
    # an agent sees the pushes but has no retry action there
    agent = make_user("cory", "customer_service", is_staff=True)
    page = signed_in(agent).get("/admin/pushes/channelpush/")
    assert page.status_code == 200 and 'value="retry"' not in page.content.decode()


def test_the_sweep_pushes_what_a_lost_wake_up_left(shopify_store, shopify_channel, east):
    pushes_collect()  # the collector has run before; this shipment's commit wakes nobody
    order = channel_order(shopify_channel, shopify_store, east, [("SOCK-M", 1, "111")])
    ship(order)
    shipped = last_outbox("order.shipped")
    assert not ChannelPush.objects.exists()
    assert outbox_oldest_needed() <= shipped.pk  # the purge keeps it for the collector
    assert pushes_sweep.apply().get() == 0  # collected and sent (after the commit), nothing else due
    push = ChannelPush.objects.get(order=order)
    assert push.status == "sent" and len(shopify_store.orders["6001"]["fulfillments"]) == 1
    assert PushCursor.objects.get().position >= shipped.pk  # read: the purge may take it now


def test_channels_without_pushes_and_lines_the_channel_fulfils_are_not_pushed(
    shopify_store, shopify_channel, east, collecting
):
    from tests.fulfillment.factories import ChannelFactory

    manual = ChannelFactory(code="phone")  # the manual adapter: no push_fulfillment
    order = channel_order(manual, shopify_store, east, [("SOCK-M", 1, "111")], external_id="P-1")
    ship(order)
    assert not ChannelPush.objects.exists()
    own = channel_order(shopify_channel, shopify_store, east, [("CAP-1", 1, "112")], external_id="6002")
    ship(own)
    push = ChannelPush.objects.get()
    assert push.order == own and [line["sku"] for line in push.payload["lines"]] == ["CAP-1"]


def test_the_api_lists_failed_pushes_and_retries_one(refused, shopify_store, cs_user):
    from tests.conftest import client_for

    api = client_for(cs_user)
    listed = api.get("/api/v1/channel-pushes/", {"status": "failed"}).json()["results"]
    assert [(p["id"], p["order"], p["last_status_code"]) for p in listed] == [
        (refused.pk, refused.order.number, 403)
    ]
    answer = api.post(f"/api/v1/channel-pushes/{refused.pk}/retry/")
    assert answer.status_code == 202
    assert fresh(refused).status == "sent"
    again = api.post(f"/api/v1/channel-pushes/{refused.pk}/retry/")
    assert again.status_code == 409 and "Only a failed push is sent again" in again.json()["detail"]
    assert api.get("/api/v1/channel-pushes/", {"status": "failed"}).json()["results"] == []


def test_with_a_broker_commits_wake_one_collector_until_it_starts(monkeypatch):
    from django.core.cache import cache

    from oms.celery import app
    from oms.integrations.pushes import receivers, tasks

    woken = []
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks.pushes_collect, "apply_async", lambda **options: woken.append(options))
    cache.delete(tasks.COLLECT_KEY)
    for _ in range(3):  # three shipments commit before the collector starts
        receivers.collect_after_commit(sender=None)
    assert len(woken) == 1
    tasks.pushes_collect()  # it starts: the next commit wakes another run
    receivers.collect_after_commit(sender=None)
    assert len(woken) == 2
    cache.delete(tasks.COLLECT_KEY)


def test_only_commits_of_the_topics_it_reads_wake_the_collector(
    monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache
    from django.db import transaction

    from oms.celery import app
    from oms.core.outbox import outbox_emit
    from oms.integrations.pushes import receivers, tasks

    woken = []
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks.pushes_collect, "apply_async", lambda **options: woken.append(options))
    cache.delete(tasks.COLLECT_KEY)
    receivers.connect()
    try:
        for topic in ("order.accepted", "order.allocated", "order.shipped"):
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                outbox_emit(topic, aggregate_type="order", aggregate_id="OMS-1", payload={})
            if topic != "order.shipped":
                assert woken == [], f"{topic} woke the push collector"
        assert len(woken) == 1
    finally:
        receivers.disconnect()
        cache.delete(tasks.COLLECT_KEY)
