"""Racing ERP workers on PostgreSQL: two workers never claim or send the same events, and a
transaction that commits after a later one is still exported, once."""

import random
import threading
import time

import pytest
from django.db import connection, transaction

from oms.core.models import OutboxEvent
from oms.core.outbox import outbox_emit
from oms.integrations.erp.models import ErpConnection, ErpCursor, ErpExport
from oms.integrations.erp.services import erp_export_claim, erp_export_run, erp_export_send
from tests.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def emit(n: int) -> None:
    with transaction.atomic():
        outbox_emit("order.note", aggregate_type="order", aggregate_id=f"R-{n}", payload={"n": n})


def exported_ids() -> list[int]:
    return [pk for ids in ErpExport.objects.values_list("event_ids", flat=True) for pk in ids]


def all_ids() -> list[int]:
    return list(OutboxEvent.objects.order_by("pk").values_list("pk", flat=True))


def test_claimers_racing_writers_export_every_event_exactly_once():
    erp = ErpConnection.objects.create(enabled=True, endpoint_url="http://127.0.0.1:9/", batch_size=7)
    ErpCursor.objects.create(connection=erp, target="http")
    writers_done = threading.Event()
    finished = []

    def work(index):
        if index < 2:  # writers: transactions that hold their ids a moment before committing
            rng = random.Random(index)
            for n in range(120):
                with transaction.atomic():
                    outbox_emit(
                        "order.note", aggregate_type="order", aggregate_id=f"W{index}-{n}", payload={}
                    )
                    time.sleep(rng.random() / 500)
            finished.append(index)
            if len(finished) == 2:
                writers_done.set()
            return "wrote"
        while not writers_done.is_set():
            erp_export_claim(connection=erp, target="http")
        while erp_export_claim(connection=erp, target="http")[1]:
            pass
        return "claimed"

    results = run_together(work, 5)
    assert results.count("wrote") == 2 and results.count("claimed") == 3, results
    while erp_export_claim(connection=erp, target="http")[1]:
        pass
    exported = exported_ids()
    assert len(exported) == len(set(exported)), "two workers claimed the same event"
    assert sorted(exported) == all_ids(), "an event was skipped"


def test_an_event_committed_after_a_later_one_is_exported_once():
    erp = ErpConnection.objects.create(enabled=True, endpoint_url="http://127.0.0.1:9/")
    ErpCursor.objects.create(connection=erp, target="http")
    inserted, release = threading.Event(), threading.Event()

    def slow_transaction():
        try:
            with transaction.atomic():
                outbox_emit("order.note", aggregate_type="order", aggregate_id="SLOW", payload={})
                inserted.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_transaction)
    thread.start()
    inserted.wait(30)
    emit(1)  # takes a higher id, commits first
    erp_export_claim(connection=erp, target="http")
    assert [OutboxEvent.objects.get(pk=pk).aggregate_id for pk in exported_ids()] == ["R-1"]
    release.set()
    thread.join(30)
    erp_export_claim(connection=erp, target="http")
    erp_export_claim(connection=erp, target="http")
    exported = [OutboxEvent.objects.get(pk=pk).aggregate_id for pk in exported_ids()]
    assert sorted(exported) == ["R-1", "SLOW"]


def test_two_workers_sending_one_batch_send_it_once(fake_server_pg):
    erp = ErpConnection.objects.create(enabled=True, endpoint_url=fake_server_pg.url)
    for n in range(3):
        emit(n)
    erp_export_run()
    assert len(fake_server_pg.requests) == 1
    export = ErpExport.objects.get()
    ErpExport.objects.filter(pk=export.pk).update(status=ErpExport.Status.FAILED)  # as if it had failed
    results = run_together(lambda _index: erp_export_send(export_id=export.pk).status, 6)
    assert all(isinstance(status, str) for status in results), results
    assert len(fake_server_pg.requests) == 2  # the first send, and one retry: not six
    assert ErpExport.objects.get().status == ErpExport.Status.SENT
    assert erp.cursors.count() == 1
