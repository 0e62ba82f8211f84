"""The inbox (issue 16): every channel document stored raw first, processed by a task into an
order, duplicates creating nothing, failures kept for an admin to correct and replay, old
documents purged; the order's API and page link to its documents."""

import copy
import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from oms.core.adapters import register_adapter, unregister_adapter
from oms.core.models import Channel
from oms.integrations.inbox import tasks
from oms.integrations.inbox.models import InboxDocument
from orders.models import Order
from tests.concurrency import run_together
from tests.conftest import api_token, client_for
from tests.orders.factories import ChannelFactory, SkuFactory, order_payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/inbox/documents/"
Status = InboxDocument.Status


@pytest.fixture
def web(db):
    return ChannelFactory(code="web", pay_later_allowed=True)


@pytest.fixture
def skus(db):
    return {code: SkuFactory(code=code) for code in ("TSHIRT-M", "CAP-RED")}


def send(api, body, *, channel="web", status=202, **params):
    query = "&".join(f"{key}={value}" for key, value in {"channel": channel, **params}.items() if value)
    raw = body if isinstance(body, str) else json.dumps(body)
    response = api.generic(
        "POST", f"{URL}?{query}", raw, content_type="application/json", HTTP_X_REQUEST_ID="req-1"
    )
    assert response.status_code == status, response.content
    return response.json()


def fetch(api, document_id) -> dict:
    return api.get(f"{URL}{document_id}/").json()


def test_a_document_is_kept_raw_with_its_headers_then_becomes_an_order(api, web, skus):
    raw = json.dumps(order_payload(channel=None, external_id="W-77"), indent=2)
    answer = send(api, raw, topic="orders/create", delivery_id="d-1")
    assert answer["status"] == "received"  # stored first; processing follows its commit
    document = fetch(api, answer["id"])
    assert document["body"] == raw  # exactly as received
    assert document["headers"]["X-Request-Id"] == "req-1"
    assert "Authorization" not in document["headers"]  # credentials are not kept
    assert (document["status"], document["outcome"], document["topic"]) == (
        "processed",
        "created",
        "orders/create",
    )
    order = Order.objects.get(external_id="W-77")
    assert document["order"] == order.number
    # the order links to its documents, in the API and on its page
    detail = api.get(f"/api/v1/orders/{order.number}/").json()
    listed = api.get(detail["documents"]).json()["results"]
    assert [row["id"] for row in listed] == [answer["id"]]


def test_the_same_delivery_or_the_same_document_again_creates_nothing(api, web, skus):
    first = send(api, order_payload(channel=None), delivery_id="d-1")
    other_body = order_payload(channel=None, external_id="W-2")
    again = send(api, other_body, delivery_id="d-1", status=200)  # a redelivery: same id
    assert again["id"] == first["id"]
    respaced = json.dumps(order_payload(channel=None), indent=4, sort_keys=True)
    same = send(api, respaced, status=200)  # the same document, however spaced
    assert same["id"] == first["id"] and same["times_received"] == 3
    assert InboxDocument.objects.count() == 1 and Order.objects.count() == 1


def test_a_failure_keeps_the_document_with_its_error_for_correction_and_replay(api, admin_client, web, skus):
    broken = order_payload(channel=None, external_id="W-9")
    del broken["lines"]
    answer = send(api, broken)
    document = fetch(api, answer["id"])
    assert document["status"] == "failed"
    assert "lines" in document["error"] and "Not a valid order" in document["error"]
    assert Order.objects.count() == 0

    # the admin sees the error, corrects the document (the raw body stays) and replays it
    change = f"/admin/inbox/inboxdocument/{answer['id']}/change/"
    page = admin_client.get(change)
    assert page.status_code == 200 and b"Not a valid order" in page.content
    fixed = json.dumps(order_payload(channel=None, external_id="W-9"))
    assert admin_client.post(change, {"corrected_body": fixed}).status_code == 302
    response = admin_client.post(
        "/admin/inbox/inboxdocument/", {"action": "replay", "_selected_action": [answer["id"]]}
    )
    assert response.status_code == 302
    document = fetch(api, answer["id"])
    assert (document["status"], document["error"]) == ("processed", "")
    assert document["body"] == json.dumps(broken) and document["corrected_body"] == fixed
    assert Order.objects.get(external_id="W-9").number == document["order"]


def test_an_unexpected_error_is_kept_too_and_a_replay_after_the_fix_succeeds(api, web, skus):
    @register_adapter("test-broken")
    class Broken:
        def __init__(self, channel):
            pass

        def normalize_order(self, body, *, topic, headers):
            raise RuntimeError("the adapter fell over")

    Channel.objects.filter(pk=web.pk).update(adapter_kind="test-broken")
    try:
        answer = send(api, order_payload(channel=None))
        document = InboxDocument.objects.get(pk=answer["id"])
        assert document.status == Status.FAILED and "the adapter fell over" in document.error
    finally:
        unregister_adapter("test-broken")
    Channel.objects.filter(pk=web.pk).update(adapter_kind="manual")
    replayed = api.post(f"{URL}{answer['id']}/replay/")
    assert replayed.status_code == 202
    assert fetch(api, answer["id"])["status"] == "processed"
    assert Order.objects.count() == 1


def test_later_documents_update_the_order_and_an_older_one_is_ignored(api, web, skus):
    body = order_payload(channel=None, updated_at="2026-03-02T10:00:00Z")
    send(api, body)
    newer = copy.deepcopy(body)
    newer.update(updated_at="2026-03-02T11:00:00Z", channel_status="processing")
    assert fetch(api, send(api, newer)["id"])["outcome"] == "applied"
    older = copy.deepcopy(body)
    older.update(updated_at="2026-03-02T10:30:00Z", channel_status="pending")
    assert fetch(api, send(api, older)["id"])["outcome"] == "stale"
    order = Order.objects.get()
    assert order.channel_status == "processing"
    assert order.channel_documents.count() == 3


def test_a_document_about_nothing_the_inbox_knows_is_ignored(api, web, skus):
    @register_adapter("test-silent")
    class Silent:
        def __init__(self, channel):
            pass

        def normalize_order(self, body, *, topic, headers):
            return None  # e.g. a topic that is not about an order

    Channel.objects.filter(pk=web.pk).update(adapter_kind="test-silent")
    try:
        answer = send(api, {"hello": "world"})
    finally:
        unregister_adapter("test-silent")
    assert fetch(api, answer["id"])["status"] == "ignored"


def test_processing_left_behind_is_picked_up_by_the_sweep(web, skus):
    InboxDocument.objects.create(  # stored, but its task was lost (a broker outage)
        channel=web,
        source="pull",
        body=json.dumps(order_payload(channel=None)),
        body_sha256="x" * 64,
        last_received_at=timezone.now() - timedelta(minutes=10),
    )
    assert tasks.process_pending_documents.delay().get() == 1
    assert InboxDocument.objects.get().status == Status.PROCESSED and Order.objects.count() == 1


@override_settings(OMS_INBOX_RETENTION_DAYS=30)
def test_documents_past_their_retention_are_purged_but_failures_stay(web):
    old = timezone.now() - timedelta(days=31)
    for index, (status, received_at) in enumerate(
        [
            (Status.PROCESSED, old),
            (Status.IGNORED, old),
            (Status.FAILED, old),
            (Status.PROCESSED, timezone.now()),
        ]
    ):
        InboxDocument.objects.create(
            channel=web,
            source="webhook",
            body="{}",
            body_sha256=f"{index}" * 64,
            status=status,
            received_at=received_at,
        )
    assert tasks.purge_documents.delay().get() == 2
    assert sorted(InboxDocument.objects.values_list("status", flat=True)) == ["failed", "processed"]


def test_the_order_page_shows_its_channel_documents(api, client, cs_user, web, skus):
    answer = send(api, order_payload(channel=None))
    number = fetch(api, answer["id"])["order"]
    client.force_login(cs_user)
    page = client.get(f"/orders/{number}/")
    assert f"/integrations/inbox/orders/{number}/documents/".encode() in page.content
    panel = client.get(f"/integrations/inbox/orders/{number}/documents/")
    assert panel.status_code == 200
    assert b"Processed" in panel.content and b"created" in panel.content


def test_who_may_see_and_send_documents(api, web, skus, warehouse_user, cs_user, anon_api):
    other = ChannelFactory(code="other")
    send(api, order_payload(channel=None, external_id="A"), channel="other")
    token = web.issue_token()
    web.save()
    from rest_framework.test import APIClient

    channel_api = APIClient()
    channel_api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    mine = send(channel_api, order_payload(channel=None, external_id="B"), channel="")
    assert [row["id"] for row in channel_api.get(URL).json()["results"]] == [mine["id"]]
    assert channel_api.get(f"{URL}{mine['id'] - 1}/").status_code == 404  # the other channel's
    send(channel_api, order_payload(channel=None), channel=other.code, status=403)
    assert client_for(cs_user).get(URL).status_code == 200
    assert client_for(cs_user).post(f"{URL}{mine['id']}/replay/").status_code == 403
    assert client_for(warehouse_user).get(URL).status_code == 403
    assert anon_api.get(URL).status_code == 401


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_document_store_it_once():
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    user = User.objects.create_superuser("race", password="pass-1234-word")
    ChannelFactory(code="web")
    SkuFactory(code="TSHIRT-M")
    token = api_token(user)
    body = json.dumps(order_payload(channel=None))

    def deliver(index):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = client.generic(
            "POST", f"{URL}?channel=web&delivery_id=d-{index % 2}", body, content_type="application/json"
        )
        return response.status_code

    codes = run_together(deliver, 8)
    assert sorted(set(codes)) in ([200, 202], [202]), codes
    assert codes.count(202) == 1
    [document] = InboxDocument.objects.all()
    assert (document.status, document.error, document.times_received) == ("processed", "", 8)
    assert Order.objects.count() == 1
