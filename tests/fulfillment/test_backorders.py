"""Backorders: stock_received re-sources waiting orders, oldest first, without racing."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from fulfillment import receivers, services
from inventory.models import StockLevel
from inventory.signals import stock_received
from orders import services as order_services
from orders.models import OrderEvent
from tests.concurrency import run_together

from .factories import ACTOR, LocationFactory, SkuFactory, accept, fresh, make_order, receive
from .invariants import assert_invariants


def waiting_orders(sku, count):
    """`count` backordered orders, returned oldest first; created newest first so that
    ids do not give the answer away."""
    now = timezone.now()
    orders = [accept(make_order([(sku, 1)], placed_at=now - timedelta(hours=h))) for h in range(1, count + 1)]
    return list(reversed(orders))


@contextmanager
def no_backorder_task():
    stock_received.disconnect(dispatch_uid="fulfillment.stock_received")
    try:
        yield
    finally:
        stock_received.connect(receivers.on_stock_received, dispatch_uid="fulfillment.stock_received")


@pytest.mark.django_db
def test_stock_arrival_fills_the_oldest_backorder_first(django_capture_on_commit_callbacks):
    sku = SkuFactory(code="WAIT-1")
    east = LocationFactory(code="wh-east")
    oldest, older, newest = waiting_orders(sku, 3)
    assert {o.status for o in (newest, older, oldest)} == {"backordered"}
    with django_capture_on_commit_callbacks(execute=True):
        receive(sku, east, 2)
    assert fresh(oldest).status == "allocated"
    assert fresh(older).status == "allocated"
    assert fresh(newest).status == "backordered"
    assert StockLevel.objects.get(sku=sku, location=east).reserved == 2
    assert (
        "Stock arrived for a backorder"
        in OrderEvent.objects.filter(order=oldest, kind="allocated").last().message
    )
    # a run that finds nothing new leaves no noise on the waiting order's timeline
    events = OrderEvent.objects.filter(order=newest).count()
    services.backorders_reallocate(sku_ids=[sku.pk])
    assert OrderEvent.objects.filter(order=newest).count() == events
    assert_invariants()


@pytest.mark.django_db
def test_backorder_on_hold_is_reserved_but_stays_on_hold(django_capture_on_commit_callbacks):
    sku = SkuFactory(code="WAIT-2")
    east = LocationFactory(code="wh-east")
    order = accept(make_order([(sku, 1)]))
    order_services.order_hold(order=order, kind="fraud", reason="review", actor=ACTOR)
    with django_capture_on_commit_callbacks(execute=True):
        receive(sku, east, 1)
    order = fresh(order)
    assert (order.status, order.held_from) == ("on_hold", "allocated")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_never_double_allocate():
    sku = SkuFactory(code="RACE-1")
    east = LocationFactory(code="wh-east")
    orders = waiting_orders(sku, 6)
    with no_backorder_task():
        receive(sku, east, 3)
    results = run_together(lambda _: services.backorders_reallocate(sku_ids=[sku.pk], actor=ACTOR), 2)
    assert not [result for result in results if isinstance(result, Exception)], results
    filled = [order_id for result in results for order_id in result]
    assert sorted(filled) == sorted(o.pk for o in orders[:3])  # the three oldest, once each
    level = StockLevel.objects.get(sku=sku, location=east)
    assert (level.on_hand, level.reserved) == (3, 3)
    assert [fresh(o).status for o in orders] == ["allocated"] * 3 + ["backordered"] * 3
    assert_invariants()
