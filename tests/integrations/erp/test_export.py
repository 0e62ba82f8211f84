"""ERP export: every order event reaches the ERP once, over HTTP and as CSV files, whatever
fails, restarts or commits late in between."""

import csv
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from oms.core.models import OutboxEvent
from oms.integrations.cursor import cursor_step
from oms.integrations.erp.models import ErpConnection, ErpCursor, ErpExport
from oms.integrations.erp.services import erp_export_claim, erp_export_retry, erp_export_run
from tests.orders.factories import ChannelFactory, SkuFactory, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(db):
    SkuFactory(code="TSHIRT-M")
    return ChannelFactory(code="web", pay_later_allowed=True)


def order_event_ids() -> list[int]:
    return list(
        OutboxEvent.objects.filter(aggregate_type="order").order_by("pk").values_list("pk", flat=True)
    )


def received_ids(server) -> list[int]:
    return [document["event_id"] for request in server.requests for document in request["json"]["documents"]]


def test_the_cursor_survives_failures_a_dead_worker_and_a_restart(fake_server, web):
    erp = ErpConnection.objects.create(
        enabled=True, endpoint_url=fake_server.url, auth_token="s3cret", batch_size=4
    )
    orders = [make_order(web, external_id=f"E-{n}") for n in range(3)]
    erp_export_run()
    assert sorted(received_ids(fake_server)) == order_event_ids()

    fake_server.fail_next(503)  # the ERP is down for one request: the batch waits, the next ones behind it
    orders += [make_order(web, external_id=f"E-{n}") for n in range(3, 6)]
    erp_export_run()
    failed = ErpExport.objects.get(status=ErpExport.Status.FAILED)
    assert "HTTP 503" in failed.last_error
    assert ErpExport.objects.filter(status=ErpExport.Status.PENDING, pk__gt=failed.pk).exists()

    orders.append(make_order(web, external_id="E-6"))
    erp_export_claim(connection=erp, target="http")  # a worker claims a batch and dies before sending

    # restart: nothing in memory, the state is the database's
    erp_export_run(connection_id=ErpConnection.objects.get().pk)
    received = received_ids(fake_server)
    assert len(received) == len(set(received)), "an event was sent twice"
    assert sorted(received) == order_event_ids(), "an event was skipped"
    assert ErpExport.objects.exclude(status=ErpExport.Status.SENT).count() == 0
    accepted = [
        document["order"]
        for request in fake_server.requests
        for document in request["json"]["documents"]
        if document["event"] == "accepted"
    ]
    assert sorted(accepted) == sorted(order.number for order in orders)
    first = fake_server.requests[0]
    assert first["headers"]["Authorization"] == "Bearer s3cret"
    assert first["headers"]["Idempotency-Key"].startswith("oms-erp-export-")
    order_document = next(d for d in first["json"]["documents"] if d["event"] == "accepted")["document"]
    assert order_document["lines"][0]["sku"] == "TSHIRT-M" and order_document["lines"][0]["quantity"] == 2

    erp_export_run()  # nothing new: nothing sent again
    assert len(received_ids(fake_server)) == len(received)


def test_a_retry_from_the_admin_sends_a_failed_batch_once(fake_server, web):
    erp = ErpConnection.objects.create(enabled=True, endpoint_url=fake_server.url)
    make_order(web, external_id="R-1")
    fake_server.fail_next(500, 500)
    erp_export_run()
    export = ErpExport.objects.get()
    assert export.status == ErpExport.Status.FAILED and export.attempts == 1
    assert erp_export_retry(export=export).status == ErpExport.Status.FAILED
    assert erp_export_retry(export=export).status == ErpExport.Status.SENT
    assert erp_export_retry(export=export).attempts == 3  # a sent batch is not sent again
    assert len(fake_server.requests) == 1
    assert erp.cursors.get().position == OutboxEvent.objects.order_by("pk").last().pk


def test_a_row_committed_late_below_the_cursor_is_exported_once(fake_server, web):
    """Ids are taken at insert, rows appear at commit: an id below the cursor can still appear."""
    ErpConnection.objects.create(enabled=True, endpoint_url=fake_server.url)
    make_order(web, external_id="L-1")
    top = OutboxEvent.objects.order_by("pk").last().pk
    late_id = top + 500
    with transaction.atomic():
        OutboxEvent.objects.create(
            pk=top + 1000, topic="order.note", aggregate_type="order", aggregate_id="X", payload={}
        )
    erp_export_run()
    assert top + 1000 in received_ids(fake_server) and late_id not in received_ids(fake_server)
    with transaction.atomic():  # the transaction that had taken id top+500 commits now
        OutboxEvent.objects.create(pk=late_id, topic="order.note", aggregate_type="order", aggregate_id="X")
    erp_export_run()
    erp_export_run()
    received = received_ids(fake_server)
    assert received.count(late_id) == 1 and len(received) == len(set(received))


def test_a_gap_is_forgotten_after_the_retention():
    now = timezone.now()
    step = cursor_step(
        OutboxEvent.objects.all(), position=10, gaps=[[5, 7, now.isoformat()]], limit=10, now=now
    )
    assert step.gaps == [[5, 7, now.isoformat()]]
    later = now + timedelta(minutes=16)
    assert cursor_step(OutboxEvent.objects.all(), position=10, gaps=step.gaps, limit=10, now=later).gaps == []


def test_csv_files_carry_every_event_once(tmp_path, web):
    ErpConnection.objects.create(enabled=True, export_folder=str(tmp_path / "out"), batch_size=5)
    for n in range(4):
        make_order(web, external_id=f"C-{n}")
    erp_export_run()
    erp_export_run()
    files = sorted((tmp_path / "out").glob("*.csv"))
    assert files and not list((tmp_path / "out").glob(".*.part"))
    seen: dict[int, str] = {}
    for path in files:
        with path.open(newline="") as handle:
            for row in csv.DictReader(handle):
                event_id = int(row["event_id"])
                assert seen.setdefault(event_id, path.name) == path.name, f"event {event_id} in two files"
    assert sorted(seen) == order_event_ids()
    orders_file = next(path for path in files if path.name.startswith("orders-"))
    row = next(csv.DictReader(orders_file.open(newline="")))
    assert row["sku"] == "TSHIRT-M" and row["quantity"] == "2" and row["currency"] == "USD"


def test_the_token_is_stored_encrypted(web):
    ErpConnection.objects.create(endpoint_url="http://127.0.0.1:1/", auth_token="top-secret-token")
    with connection.cursor() as cursor:
        cursor.execute("SELECT auth_token FROM erp_erpconnection")
        (stored,) = cursor.fetchone()
    assert "top-secret-token" not in stored
    assert ErpConnection.objects.get().auth_token == "top-secret-token"


def test_a_disabled_connection_exports_nothing(fake_server, web):
    ErpConnection.objects.create(enabled=False, endpoint_url=fake_server.url)
    make_order(web, external_id="D-1")
    assert erp_export_run() == {}
    assert not fake_server.requests and not ErpCursor.objects.exists()
