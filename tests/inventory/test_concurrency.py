"""Racing orders on PostgreSQL: no oversell, no deadlock, the books always balance.

Real threads, each with its own database connection, released together by a barrier.
"""

import random

import pytest

from inventory import services
from inventory.errors import InsufficientStock, InventoryError
from inventory.models import Reservation, StockLevel
from inventory.services import ReservationRequest, StockLine, Take
from tests.concurrency import run_together

from .factories import ACTOR, HolderFactory, LocationFactory, SkuFactory, receive
from .invariants import assert_stock_invariants

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("workers", [16, 24])
def test_racing_orders_for_the_last_units_never_oversell(workers):
    sku, location = SkuFactory(), LocationFactory()
    receive(sku, location, 10)
    holders = [HolderFactory() for _ in range(workers)]

    def order(index):
        services.stock_reserve(
            requests=[ReservationRequest(sku.pk, location.pk, 1, holders[index])], actor=ACTOR
        )
        return "reserved"

    results = run_together(order, workers)
    refused = [r for r in results if isinstance(r, InsufficientStock)]
    unexpected = [r for r in results if r != "reserved" and not isinstance(r, InsufficientStock)]
    assert unexpected == []
    assert results.count("reserved") == 10
    assert len(refused) == workers - 10
    stock = StockLevel.objects.get(sku=sku, location=location)
    assert (stock.on_hand, stock.reserved) == (10, 10)
    assert Reservation.objects.filter(status="open").count() == 10
    assert_stock_invariants()


def test_racing_orders_of_different_sizes_reserve_at_most_what_is_there():
    sku, location = SkuFactory(), LocationFactory()
    receive(sku, location, 25)
    workers = 20
    sizes = [random.Random(index).randint(1, 4) for index in range(workers)]
    holders = [HolderFactory() for _ in range(workers)]

    def order(index):
        services.stock_reserve(
            requests=[ReservationRequest(sku.pk, location.pk, sizes[index], holders[index])], actor=ACTOR
        )
        return sizes[index]

    results = run_together(order, workers)
    assert all(isinstance(r, int | InsufficientStock) for r in results), results
    reserved = sum(r for r in results if isinstance(r, int))
    assert reserved <= 25
    smallest_refused = min((sizes[i] for i, r in enumerate(results) if not isinstance(r, int)), default=None)
    if smallest_refused is not None:  # a refusal means what was left could not cover it
        assert 25 - reserved < smallest_refused
    assert StockLevel.objects.get(sku=sku, location=location).reserved == reserved
    assert_stock_invariants()


def test_multi_sku_orders_locking_in_opposite_orders_do_not_deadlock():
    location, other_location = LocationFactory(), LocationFactory()
    skus = [SkuFactory() for _ in range(4)]
    for sku in skus:
        receive(sku, location, 100)
        receive(sku, other_location, 100)
    workers = 16
    holders = [HolderFactory() for _ in range(workers)]

    def order(index):
        ordered = skus if index % 2 == 0 else list(reversed(skus))
        places = [location, other_location] if index % 4 < 2 else [other_location, location]
        requests = [
            ReservationRequest(sku.pk, place.pk, 1, holders[index]) for sku in ordered for place in places
        ]
        for _ in range(5):
            services.stock_reserve(requests=requests, actor=ACTOR)
        return "ok"

    results = run_together(order, workers)
    assert results == ["ok"] * workers
    assert set(StockLevel.objects.values_list("reserved", flat=True)) == {workers * 5}
    assert_stock_invariants()


def test_a_storm_of_every_stock_operation_keeps_the_books():
    locations = [LocationFactory(), LocationFactory()]
    skus = [SkuFactory() for _ in range(3)]
    for sku in skus:
        for place in locations:
            receive(sku, place, 20)
    workers = 16
    holders = [HolderFactory() for _ in range(workers)]

    def work(index):
        rng = random.Random(index)
        refused = 0
        for _ in range(15):
            sku, place = rng.choice(skus), rng.choice(locations)
            action = rng.choice(
                ["reserve", "reserve", "release", "consume", "receive", "adjust", "transfer", "count"]
            )
            try:
                if action == "reserve":
                    chosen = rng.sample(skus, 2)
                    services.stock_reserve(
                        requests=[
                            ReservationRequest(s.pk, place.pk, rng.randint(1, 3), holders[index])
                            for s in chosen
                        ],
                        actor=ACTOR,
                    )
                elif action == "release":
                    services.stock_release(takes=[Take(holders[index], 1)], actor=ACTOR)
                elif action == "consume":
                    services.stock_consume(takes=[Take(holders[index], 1)], actor=ACTOR)
                elif action == "receive":
                    services.stock_receive(lines=[StockLine(sku, place, rng.randint(1, 5))], actor=ACTOR)
                elif action == "adjust":
                    services.stock_adjust(
                        sku=sku, location=place, delta=rng.choice([-2, 2]), reason="storm", actor=ACTOR
                    )
                elif action == "transfer":
                    transfer = services.transfer_dispatch(
                        sku=sku,
                        from_location=place,
                        to_location=locations[1 - locations.index(place)],
                        quantity=rng.randint(1, 4),
                        actor=ACTOR,
                    )
                    services.transfer_receive(transfer=transfer, actor=ACTOR)
                else:
                    services.stock_count(lines=[StockLine(sku, place, rng.randint(10, 30))], actor=ACTOR)
            except (InsufficientStock, InventoryError):
                refused += 1  # a refusal is a fine answer; an error of any other kind is not
        return refused

    results = run_together(work, workers)
    assert all(isinstance(r, int) for r in results), [r for r in results if not isinstance(r, int)]
    assert_stock_invariants()
