"""The admin of the ERP sync and the feeds: configuration with a write-only token, every
export and push listed with its status, and a retry."""

import pytest
from django.urls import reverse

from oms.core.models import Channel, OutboxEvent
from oms.integrations.erp.models import ErpConnection, ErpExport
from oms.integrations.erp.services import erp_export_run
from oms.integrations.feeds.models import FeedPush, FeedSettings
from oms.integrations.feeds.services import feed_push_full_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_connection_form_keeps_the_token_secret(admin_client):
    url = reverse("admin:erp_erpconnection_add")
    form = {
        "name": "erp",
        "enabled": "on",
        "endpoint_url": "https://erp.example.test/in",
        "auth_token": "tok-123",
        "export_folder": "",
        "import_folder": "",
        "batch_size": "500",
        "timeout_seconds": "15",
    }
    assert admin_client.post(url, form).status_code == 302
    erp = ErpConnection.objects.get()
    assert erp.auth_token == "tok-123"
    change = reverse("admin:erp_erpconnection_change", args=[erp.pk])
    page = admin_client.get(change).content.decode()
    assert "tok-123" not in page
    assert admin_client.post(change, {**form, "auth_token": ""}).status_code == 302
    assert ErpConnection.objects.get().auth_token == "tok-123"  # empty keeps it
    admin_client.post(change, {**form, "auth_token": "", "clear_auth_token": "on"})
    assert ErpConnection.objects.get().auth_token == ""


def test_a_failed_export_is_listed_and_retried_from_the_admin(admin_client, fake_server):
    ErpConnection.objects.create(enabled=True, endpoint_url=fake_server.url)
    from django.db import transaction

    from oms.core.outbox import outbox_emit

    with transaction.atomic():
        outbox_emit("order.note", aggregate_type="order", aggregate_id="A-1", payload={})
    fake_server.fail_next(502)
    erp_export_run()
    export = ErpExport.objects.get()
    listing = admin_client.get(reverse("admin:erp_erpexport_changelist")).content.decode()
    assert "Failed" in listing and "HTTP 502" in listing
    assert admin_client.get(reverse("admin:erp_erpexport_change", args=[export.pk])).status_code == 200
    response = admin_client.post(
        reverse("admin:erp_erpexport_changelist"),
        {"action": "retry", "_selected_action": [export.pk]},
        follow=True,
    )
    assert "1 retried; 0 not sent." in response.content.decode()
    assert ErpExport.objects.get().status == ErpExport.Status.SENT
    assert [d["event_id"] for d in fake_server.requests[0]["json"]["documents"]] == [
        OutboxEvent.objects.get().pk
    ]


def test_a_failed_push_is_listed_and_retried_from_the_admin(admin_client, fake_server):
    channel = Channel.objects.create(
        code="web", name="Web", kind=Channel.Kind.WEB_SHOP, adapter_kind="http_json"
    )
    FeedSettings.objects.create(channel=channel, enabled=True, url=fake_server.url)
    fake_server.fail_next(500)
    [push] = feed_push_full_all()
    assert push.status == FeedPush.Status.FAILED
    listing = admin_client.get(reverse("admin:feeds_feedpush_changelist")).content.decode()
    assert "Failed" in listing and "HTTP 500" in listing
    response = admin_client.post(
        reverse("admin:feeds_feedpush_changelist"),
        {"action": "retry", "_selected_action": [push.pk]},
        follow=True,
    )
    assert "1 retried; 0 not sent." in response.content.decode()
    assert FeedPush.objects.get().status == FeedPush.Status.SENT and len(fake_server.requests) == 1
    assert (
        admin_client.get(
            reverse("admin:feeds_feedsettings_change", args=[channel.feed_settings.pk])
        ).status_code
        == 200
    )
