"""Several dispatchers and senders at once on PostgreSQL: no outbox row is handed over twice,
no delivery is sent twice, and a chain still goes out in order."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from oms.core.models import OutboxEvent
from oms.integrations.webhooks import services
from oms.integrations.webhooks.models import WebhookDelivery
from oms.integrations.webhooks.services.locks import claim_outbox

from .conftest import subscribe
from .helpers import an_order, note

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def in_threads(count: int, work) -> list:
    results, errors = [None] * count, []
    barrier = threading.Barrier(count)

    def run(index):
        try:
            barrier.wait()
            results[index] = work()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def test_a_claimed_outbox_row_is_skipped_by_the_next_dispatcher():
    order = an_order()
    for index in range(6):
        note(order, str(index))
    held = threading.Event()
    release = threading.Event()
    seen = {}

    def first():
        with transaction.atomic():
            seen["first"] = [row.pk for row in claim_outbox(3)]
            held.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(10)
    with transaction.atomic():
        seen["second"] = [row.pk for row in claim_outbox(10)]
    release.set()
    thread.join()
    assert len(seen["first"]) == 3 and len(seen["second"]) == 3
    assert not set(seen["first"]) & set(seen["second"])


def test_racing_dispatchers_and_senders_send_each_message_once_and_in_order(receiver):
    subscribe(receiver.url)
    orders = [an_order() for _ in range(4)]
    for step in range(5):
        for order in orders:
            note(order, str(step))

    def dispatch_and_send():
        services.outbox_dispatch(batch=3)
        for chain in services.due_chains():
            services.delivery_chain_run(endpoint_id=chain[0], aggregate_type=chain[1], aggregate_id=chain[2])
        return True

    in_threads(4, dispatch_and_send)
    dispatch_and_send()  # whatever a thread left waiting behind another's uncommitted batch
    assert not OutboxEvent.objects.filter(status=OutboxEvent.Status.PENDING).exists()
    assert WebhookDelivery.objects.filter(status=WebhookDelivery.Status.SUCCEEDED).count() == 20
    ids = [request.message_id for request in receiver.received]
    assert len(ids) == len(set(ids)) == 20  # nothing sent twice
    for order in orders:
        steps = [
            r.json["data"]["event"]["message"]
            for r in receiver.received
            if r.json["data"]["order"]["number"] == order.number
        ]
        assert steps == ["0", "1", "2", "3", "4"]
