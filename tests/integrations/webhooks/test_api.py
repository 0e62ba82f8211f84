"""/api/v1/webhook-endpoints/: admins only; the secret shown once; the delivery log; redelivery."""

from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from oms.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import client_for

from .helpers import an_order, note, run_until_settled

pytestmark = pytest.mark.django_db
URL = "/api/v1/webhook-endpoints/"


def test_creating_an_endpoint_answers_its_generated_secret_once(api, receiver):
    created = api.post(URL, {"url": receiver.url, "events": ["order.*"], "description": "ERP"})
    assert created.status_code == 201, created.json()
    secret = created.json()["secret"]
    assert secret.startswith("whsec_")
    Webhook(secret)  # a valid Standard Webhooks secret
    shown = api.get(f"{URL}{created.json()['id']}/").json()
    assert "secret" not in shown and shown["secret_hint"] == secret[:10] + "..."
    assert secret not in str(api.get(URL).json())
    stored = WebhookEndpoint.objects.get()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_webhookendpoint")
        assert cursor.fetchone()[0] != secret  # encrypted at rest
    assert stored.secret == secret


def test_bad_input_is_a_400_naming_the_field(api):
    bad_events = api.post(URL, {"url": "https://example.com/h", "events": ["order.**"]})
    assert bad_events.status_code == 400 and bad_events.json()["details"]["field"] == "events"
    unsafe = api.post(URL, {"url": "https://169.254.169.254/", "events": ["*"]})
    assert unsafe.status_code == 400 and unsafe.json()["code"] == "unsafe_url"
    bad_secret = api.post(URL, {"url": "https://example.com/h", "events": ["*"], "secret": "nope"})
    assert bad_secret.status_code == 400 and bad_secret.json()["code"] == "invalid_secret"
    missing = api.post(URL, {"events": ["*"]})
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "url"
    assert not WebhookEndpoint.objects.exists()


def test_only_admins_manage_endpoints(cs_user, warehouse_user):
    for user in (cs_user, warehouse_user):
        client = client_for(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"url": "https://example.com/h", "events": ["*"]}).status_code == 403


def test_the_delivery_log_shows_every_attempt_and_redelivers(api, failing_twice, fast_retries):
    endpoint_id = api.post(URL, {"url": failing_twice.url, "events": ["*"]}).json()["id"]
    note(an_order())
    run_until_settled()
    log = api.get(f"{URL}{endpoint_id}/deliveries/").json()["results"]
    [delivery] = log
    assert delivery["status"] == "succeeded" and delivery["topic"] == "order.note"
    attempts = delivery["attempt_log"]
    assert sorted(a["status_code"] for a in attempts) == [200, 500, 500]
    assert all(a["duration_ms"] >= 0 and a["started_at"] for a in attempts)
    assert api.get(f"{URL}{endpoint_id}/deliveries/?status=dead").json()["results"] == []

    again = api.post(f"{URL}{endpoint_id}/deliveries/{delivery['id']}/redeliver/")
    assert again.status_code == 202 and again.json()["status"] in ("pending", "succeeded")
    run_until_settled()
    assert len(failing_twice.received) == 4

    since = (timezone.now() - timedelta(hours=1)).isoformat()
    ranged = api.post(f"{URL}{endpoint_id}/redeliver/", {"since": since})
    assert ranged.status_code == 202 and ranged.json() == {"redelivered": 1}
    wrong = api.post(f"{URL}{endpoint_id}/redeliver/", {"since": timezone.now().isoformat(), "until": since})
    assert wrong.status_code == 400


def test_rotating_answers_the_new_secret_and_disabling_stops_delivery(api, receiver):
    created = api.post(URL, {"url": receiver.url, "events": ["*"]}).json()
    rotated = api.post(f"{URL}{created['id']}/rotate-secret/", {"overlap_hours": 2})
    assert rotated.status_code == 200 and rotated.json()["secret"] != created["secret"]
    assert rotated.json()["previous_secret_expires_at"]
    assert api.patch(f"{URL}{created['id']}/", {"active": False}).json()["active"] is False
    note(an_order())
    run_until_settled()
    assert receiver.received == [] and not WebhookDelivery.objects.exists()


def test_another_endpoints_delivery_is_not_found(api, receiver):
    one = api.post(URL, {"url": receiver.url, "events": ["*"]}).json()["id"]
    other = api.post(URL, {"url": receiver.url, "events": ["*"]}).json()["id"]
    note(an_order())
    run_until_settled()
    theirs = WebhookDelivery.objects.get(endpoint_id=other)
    assert api.post(f"{URL}{one}/deliveries/{theirs.pk}/redeliver/").status_code == 404
