"""The sourcing queue: accepted orders wait in it until a run sources them, many at a time;
a run that fails sets the failing order aside on a hold and sources the rest."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from fulfillment import services, sourcing
from fulfillment.models import FulfillmentOrder, SourcingRequest
from fulfillment.tasks import source_requested
from orders.models import Hold
from orders.signals import order_accepted

from .factories import fresh, make_order, receive
from .invariants import assert_invariants

pytestmark = [pytest.mark.django_db, pytest.mark.defer_on_commit]  # the tests run the queue themselves


def queued(orders):
    """What intake does for each order (order_accepted in its transaction), without the run
    that would follow the commit."""
    for order in orders:
        with transaction.atomic():
            order_accepted.send(sender=type(order), order=order)
    assert SourcingRequest.objects.count() == len(orders)
    return orders


def statements(queries) -> int:
    return len([q for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))])


def test_a_run_sources_every_waiting_order_and_empties_the_queue(east, sku_a, sku_b):
    receive(sku_a, east, 10)
    receive(sku_b, east, 10)
    orders = queued([make_order([(sku_a, 1), (sku_b, 2)]) for _ in range(3)])
    assert services.fulfillment_source_requested() == 3
    assert [fresh(order).status for order in orders] == ["allocated"] * 3
    assert not SourcingRequest.objects.exists()
    assert services.fulfillment_source_requested() == 0  # a second run finds nothing to do
    assert FulfillmentOrder.objects.count() == 3
    assert_invariants()


def test_a_batch_takes_the_same_statements_for_one_order_as_for_twenty(east, sku_a, sku_b):
    receive(sku_a, east, 100)
    receive(sku_b, east, 100)
    queued([make_order([(sku_a, 1)])])
    services.fulfillment_source_requested()  # warms the content-type cache, as a running worker has
    queued([make_order([(sku_a, 1), (sku_b, 1)])])
    with CaptureQueriesContext(connection) as one:
        assert services.fulfillment_source_requested() == 1
    queued([make_order([(sku_a, 1), (sku_b, 1)]) for _ in range(20)])
    with CaptureQueriesContext(connection) as twenty:
        assert services.fulfillment_source_requested() == 20
    print(f"sourcing run: {statements(one)} statements for 1 order and for 20")
    assert statements(twenty) == statements(one) <= 19  # orders and lines read once
    assert_invariants()


def test_an_order_that_breaks_sourcing_is_held_and_the_others_are_sourced(east, sku_a, monkeypatch):
    receive(sku_a, east, 10)
    good, bad, also_good = queued([make_order([(sku_a, 1)]) for _ in range(3)])
    bad_line = bad.lines.get().pk
    real_source = sourcing.source

    def source_breaking_on_bad(**kwargs):  # a fault in the engine for this one order only
        if any(line.line_id == bad_line for line in kwargs["lines"]):
            raise RuntimeError("engine fault")
        return real_source(**kwargs)

    monkeypatch.setattr(sourcing, "source", source_breaking_on_bad)
    assert services.fulfillment_source_requested() == 2
    assert (fresh(good).status, fresh(also_good).status) == ("allocated", "allocated")
    bad = fresh(bad)
    assert (bad.status, bad.held_from) == ("on_hold", "new")
    hold = bad.holds.get()
    assert hold.kind == Hold.Kind.EXCEPTION
    assert "Sourcing failed: an unexpected error (RuntimeError)" in hold.reason
    assert not SourcingRequest.objects.exists()  # nothing left to retry in a loop
    assert_invariants()


def test_beat_finds_orders_whose_wake_up_was_lost(east, sku_a):
    receive(sku_a, east, 5)
    (order,) = queued([make_order([(sku_a, 2)])])  # committed, but no run followed
    assert fresh(order).status == "new"
    source_requested.delay()  # what beat sends every minute
    assert fresh(order).status == "allocated"
    assert_invariants()


def test_asking_twice_before_a_run_sources_once(east, sku_a):
    receive(sku_a, east, 5)
    order = make_order([(sku_a, 2)])
    queued([order])
    with transaction.atomic():
        services.fulfillment_request_sourcing(order=order, reason="Hold released")
    assert SourcingRequest.objects.count() == 1
    services.fulfillment_source_requested()
    assert fresh(order).lines.get().quantity_allocated == 2
    assert_invariants()


def test_with_a_broker_one_wake_up_gathers_the_orders_accepted_before_it_starts(settings, monkeypatch):
    from django.core.cache import cache

    from fulfillment import tasks
    from oms.celery import app

    settings.OMS_WAKE_GATHER_SECONDS = 0.1
    woken = []
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks.source_requested, "apply_async", lambda **options: woken.append(options))
    cache.delete(tasks.NUDGE_KEY)
    for _ in range(3):  # three intakes commit before the task starts
        tasks.nudge_sourcing()
    assert woken == [{"countdown": 0.1}]
    tasks.source_requested()  # it starts: the next commit wakes another run
    tasks.nudge_sourcing()
    assert len(woken) == 2
    cache.delete(tasks.NUDGE_KEY)
