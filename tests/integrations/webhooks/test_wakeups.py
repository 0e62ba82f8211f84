"""The after-commit receiver wakes the dispatcher only for topics an active endpoint wants."""

import pytest

from oms.integrations.webhooks import receivers, services, tasks
from oms.integrations.webhooks.models import WebhookEndpoint

from .conftest import ADMIN, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def wakes(monkeypatch, dispatch_on_commit):
    calls = []
    monkeypatch.setattr(tasks, "wake_dispatcher", lambda: calls.append(1))
    return calls


def committed(*topics):
    receivers.dispatch_after_commit(sender=None, topics=frozenset(topics))


def test_no_endpoint_no_wake(wakes):
    committed("order.accepted", "order.allocated")
    assert wakes == []


def test_a_subscribed_topic_wakes_and_others_do_not(wakes):
    subscribe("https://hooks.example.com/a", events=["order.shipped", "fulfillment.*"])
    committed("order.accepted")
    assert wakes == []
    committed("order.accepted", "fulfillment.packed")
    committed("order.shipped")
    assert len(wakes) == 2


def test_endpoint_changes_are_seen_at_once(wakes):
    disabled = subscribe("https://hooks.example.com/a", events=["*"])
    committed("order.accepted")
    services.endpoint_disable(endpoint_id=disabled.pk, reason="test")
    committed("order.accepted")
    assert len(wakes) == 1
    deleted = subscribe("https://hooks.example.com/b", events=["order.*"])
    committed("order.accepted")
    services.endpoint_delete(endpoint=WebhookEndpoint.objects.get(pk=deleted.pk), actor=ADMIN)
    committed("order.accepted")
    assert len(wakes) == 2


def test_unknown_topics_still_wake(wakes):
    """A sender that does not say what it committed wakes the dispatcher as before."""
    receivers.dispatch_after_commit(sender=None)
    assert wakes == [1]
