"""The admin: an endpoint added there shows its secret once; deliveries are redelivered from there."""

import re

import pytest
from standardwebhooks.webhooks import Webhook

from oms.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint

from .conftest import subscribe
from .helpers import an_order, note, run_until_settled

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_adding_an_endpoint_in_the_admin_shows_its_secret_once(admin_client, receiver):
    page = admin_client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {"url": receiver.url, "events": "order.*, order.note", "active": "on", "description": "ERP"},
        follow=True,
    )
    assert page.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["order.*", "order.note"]
    shown = re.search(r"whsec_[A-Za-z0-9+/=]+", page.content.decode()).group(0)
    assert shown == endpoint.secret
    Webhook(shown)
    change = admin_client.get(f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/")
    assert endpoint.secret not in change.content.decode()


def test_an_unsafe_url_is_refused_in_the_admin_form(admin_client):
    page = admin_client.post(
        "/admin/webhooks/webhookendpoint/add/",
        {"url": "http://example.com/hook", "events": "*", "active": "on"},
    )
    assert page.status_code in (200, 400)
    assert not WebhookEndpoint.objects.exists()


def test_redeliver_selected_deliveries_from_the_admin(admin_client, receiver):
    subscribe(receiver.url)
    note(an_order())
    run_until_settled()
    delivery = WebhookDelivery.objects.get()
    admin_client.post(
        "/admin/webhooks/webhookdelivery/",
        {"action": "redeliver", "_selected_action": [delivery.pk]},
        follow=True,
    )
    run_until_settled()
    assert [r.message_id for r in receiver.received] == [delivery.message_id] * 2
    page = admin_client.get(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200 and b"200" in page.content
