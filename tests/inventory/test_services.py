"""inventory.services: every change writes its movement; every refusal changes nothing."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from inventory import services
from inventory.errors import InsufficientStock, InventoryError, InventoryErrorCode
from inventory.models import Reservation, StockLevel, StockMovement
from inventory.services import ReservationRequest, StockLine, Take
from inventory.signals import stock_received
from oms.core.transactions import RetryTransaction

from .factories import ACTOR, HolderFactory, LocationFactory, SkuFactory, receive, reserve
from .invariants import assert_stock_invariants

pytestmark = pytest.mark.django_db
Kind = StockMovement.Kind


def level(sku, location) -> StockLevel:
    return StockLevel.objects.get(sku=sku, location=location)


@pytest.fixture
def received():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    stock_received.connect(receiver)
    yield calls
    stock_received.disconnect(receiver)


def test_receive_raises_on_hand_writes_the_ledger_and_signals(sku, location, received):
    second = SkuFactory()
    movements = services.stock_receive(
        lines=[StockLine(sku, location, 10), StockLine(second, location, 3)], actor=ACTOR, reference="PO-1"
    )
    assert [m.kind for m in movements] == [Kind.RECEIPT, Kind.RECEIPT]
    assert level(sku, location).on_hand == 10
    assert level(second, location).on_hand == 3
    movement = StockMovement.objects.get(sku=sku)
    assert (movement.on_hand_delta, movement.on_hand_after, movement.reference) == (10, 10, "PO-1")
    assert movement.actor_kind == "system"
    assert received == [
        {"signal": stock_received, "sku_ids": sorted([sku.pk, second.pk]), "location_id": location.pk}
    ]
    assert_stock_invariants()


@pytest.mark.parametrize("quantity", [0, -1, 1.5, True])
def test_receive_refuses_a_quantity_that_is_not_positive_whole(sku, location, quantity, received):
    with pytest.raises(InventoryError) as error:
        services.stock_receive(lines=[StockLine(sku, location, quantity)], actor=ACTOR)
    assert error.value.code == InventoryErrorCode.INVALID_QUANTITY
    assert not StockMovement.objects.exists()
    assert not StockLevel.objects.exists()
    assert received == []


def test_restock_return_is_a_return_movement_for_its_holder_and_signals(sku, location, received):
    holder = HolderFactory()
    (movement,) = services.stock_restock_returns(
        lines=[StockLine(sku, location, 2, holder=holder)], actor=ACTOR, reference="RMA-1"
    )
    assert movement.kind == Kind.RETURN_RESTOCK
    assert movement.holder == holder
    assert level(sku, location).on_hand == 2
    assert len(received) == 1
    assert_stock_invariants()


def test_adjust_changes_on_hand_with_its_reason(sku, location):
    receive(sku, location, 10)
    services.stock_adjust(sku=sku, location=location, delta=-3, reason="damaged", actor=ACTOR)
    services.stock_adjust(sku=sku, location=location, delta=1, reason="found", actor=ACTOR)
    assert level(sku, location).on_hand == 8
    assert list(
        StockMovement.objects.filter(kind=Kind.ADJUSTMENT).values_list("reason", "on_hand_delta")
    ) == [
        ("found", 1),
        ("damaged", -3),
    ]
    assert_stock_invariants()


@pytest.mark.parametrize(
    ("delta", "reason", "code"),
    [
        (0, "x", InventoryErrorCode.INVALID_QUANTITY),
        (2, "  ", InventoryErrorCode.REASON_REQUIRED),
        (-6, "lost", InventoryErrorCode.BELOW_RESERVED),  # 10 on hand, 5 reserved
        (-11, "lost", InventoryErrorCode.BELOW_RESERVED),
    ],
)
def test_adjust_refusals_change_nothing(sku, location, delta, reason, code):
    receive(sku, location, 10)
    reserve(sku, location, 5)
    before = StockMovement.objects.count()
    with pytest.raises(InventoryError) as error:
        services.stock_adjust(sku=sku, location=location, delta=delta, reason=reason, actor=ACTOR)
    assert error.value.code == code
    assert (level(sku, location).on_hand, StockMovement.objects.count()) == (10, before)


def test_adjust_down_where_there_is_no_stock_is_refused(sku, location):
    with pytest.raises(InventoryError) as error:
        services.stock_adjust(sku=sku, location=location, delta=-1, reason="lost", actor=ACTOR)
    assert error.value.code == InventoryErrorCode.BELOW_RESERVED
    assert not StockLevel.objects.exists()


def test_count_sets_on_hand_and_records_the_difference(sku, location):
    other = SkuFactory()
    receive(sku, location, 10)
    receive(other, location, 5)
    movements = services.stock_count(
        lines=[StockLine(sku, location, 7), StockLine(other, location, 5)], actor=ACTOR, reference="CC-1"
    )
    assert [(m.sku_id, m.kind, m.on_hand_delta, m.on_hand_after) for m in movements] == [
        (sku.pk, Kind.COUNT, -3, 7)
    ]
    assert level(sku, location).on_hand == 7
    assert level(other, location).on_hand == 5
    assert_stock_invariants()


def test_count_of_a_new_level_creates_it(sku, location):
    services.stock_count(lines=[StockLine(sku, location, 4)], actor=ACTOR)
    assert level(sku, location).on_hand == 4
    assert_stock_invariants()


def test_count_below_reserved_refuses_the_whole_batch(sku, location):
    other = SkuFactory()
    receive(sku, location, 10)
    receive(other, location, 10)
    reserve(sku, location, 6)
    with pytest.raises(InventoryError) as error:
        services.stock_count(lines=[StockLine(other, location, 1), StockLine(sku, location, 5)], actor=ACTOR)
    assert error.value.code == InventoryErrorCode.BELOW_RESERVED
    assert error.value.details["sku"] == sku.code
    assert (level(sku, location).on_hand, level(other, location).on_hand) == (10, 10)
    assert not StockMovement.objects.filter(kind=Kind.COUNT).exists()


def test_count_refuses_a_negative_count(sku, location):
    with pytest.raises(InventoryError) as error:
        services.stock_count(lines=[StockLine(sku, location, -1)], actor=ACTOR)
    assert error.value.code == InventoryErrorCode.INVALID_QUANTITY


def test_reserve_release_and_consume_keep_the_books(sku, location):
    receive(sku, location, 10)
    holder = reserve(sku, location, 6)
    assert (level(sku, location).reserved, level(sku, location).available) == (6, 4)
    assert services.stock_release(takes=[Take(holder, 2)], actor=ACTOR, reason="line cancelled") == 2
    assert level(sku, location).reserved == 4
    assert services.stock_consume(takes=[Take(holder, 3)], actor=ACTOR, reference="SHIP-1") == 3
    stock = level(sku, location)
    assert (stock.on_hand, stock.reserved) == (7, 1)
    reservation = Reservation.objects.get()
    assert (reservation.quantity, reservation.status) == (1, Reservation.Status.OPEN)
    assert services.stock_release(takes=[Take(holder)], actor=ACTOR) == 1
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.RELEASED
    assert reservation.closed_at is not None
    kinds = list(StockMovement.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [Kind.RECEIPT, Kind.RESERVATION, Kind.RELEASE, Kind.SHIPMENT, Kind.RELEASE]
    assert_stock_invariants()


def test_consume_of_everything_closes_the_reservation(sku, location):
    receive(sku, location, 5)
    holder = reserve(sku, location, 5)
    services.stock_consume(takes=[Take(holder, 5)], actor=ACTOR)
    assert Reservation.objects.get().status == Reservation.Status.CONSUMED
    assert (level(sku, location).on_hand, level(sku, location).reserved) == (0, 0)
    assert_stock_invariants()


def test_reserve_is_all_or_nothing_and_names_the_shortage(sku, location):
    other = SkuFactory()
    receive(sku, location, 10)
    receive(other, location, 1)
    holder = HolderFactory()
    with pytest.raises(InsufficientStock) as error:
        services.stock_reserve(
            requests=[
                ReservationRequest(sku.pk, location.pk, 5, holder),
                ReservationRequest(other.pk, location.pk, 2, holder),
            ],
            actor=ACTOR,
        )
    assert error.value.shortages == [
        {"sku_id": other.pk, "location_id": location.pk, "requested": 2, "available": 1}
    ]
    assert not Reservation.objects.exists()
    assert level(sku, location).reserved == 0


def test_reserve_keeps_safety_stock_back(sku, location):
    receive(sku, location, 10)
    services.stock_set_safety(sku=sku, location=location, safety_stock=3)
    with pytest.raises(InsufficientStock):
        reserve(sku, location, 8)
    reserve(sku, location, 7)
    assert level(sku, location).available == 0


def test_reserve_where_nothing_was_ever_stocked_is_refused(sku, location):
    with pytest.raises(InsufficientStock) as error:
        reserve(sku, location, 1)
    assert error.value.shortages[0]["available"] == 0


def test_reserve_refuses_a_zero_quantity(sku, location):
    receive(sku, location, 10)
    with pytest.raises(InventoryError) as error:
        reserve(sku, location, 0)
    assert error.value.code == InventoryErrorCode.INVALID_QUANTITY


def test_release_of_a_holder_with_nothing_open_returns_zero(sku, location):
    assert services.stock_release(takes=[Take(HolderFactory())], actor=ACTOR) == 0
    assert services.stock_release(takes=[], actor=ACTOR) == 0


def test_consume_more_than_reserved_is_refused(sku, location):
    receive(sku, location, 10)
    holder = reserve(sku, location, 2)
    with pytest.raises(InventoryError) as error:
        services.stock_consume(takes=[Take(holder, 3)], actor=ACTOR)
    assert error.value.code == InventoryErrorCode.NOTHING_TO_RELEASE
    assert (level(sku, location).on_hand, level(sku, location).reserved) == (10, 2)


def test_set_safety_stock_refuses_negative(sku, location):
    with pytest.raises(InventoryError):
        services.stock_set_safety(sku=sku, location=location, safety_stock=-1)


def test_stock_lock_returns_every_level_of_the_skus_and_the_exact_pairs(sku, location, other_location):
    receive(sku, location, 1)
    receive(sku, other_location, 2)
    other = SkuFactory()
    receive(other, location, 3)
    receive(other, other_location, 4)
    locked = services.stock_lock(sku_ids=[sku.pk], pairs=[(other.pk, location.pk)])
    assert sorted(level.on_hand for level in locked.values()) == [1, 2, 3]
    assert locked.covers([(sku.pk, location.pk), (other.pk, location.pk)])
    assert not locked.covers([(other.pk, other_location.pk)])
    levels = list(locked.values())
    assert [level.pk for level in levels] == sorted(level.pk for level in levels)


def test_a_step_that_needs_an_unlocked_level_starts_its_transaction_again(sku, location, other_location):
    receive(sku, location, 5)
    receive(sku, other_location, 5)
    holder = HolderFactory()
    with transaction.atomic(), pytest.raises(RetryTransaction):
        locked = services.stock_lock(pairs=[(sku.pk, location.pk)])
        services.stock_reserve(
            requests=[ReservationRequest(sku.pk, other_location.pk, 1, holder)], actor=ACTOR, locked=locked
        )
    assert level(sku, other_location).reserved == 0


def test_release_and_consume_many_holders_in_one_call(sku, location, other_location):
    receive(sku, location, 10)
    receive(sku, other_location, 10)
    first, second = reserve(sku, location, 4), reserve(sku, other_location, 3)
    assert services.stock_release(takes=[Take(first, 1), Take(second)], actor=ACTOR) == 4
    assert services.stock_consume(takes=[Take(first, 2), Take(first, 1)], actor=ACTOR) == 3
    assert (level(sku, location).on_hand, level(sku, location).reserved) == (7, 0)
    assert (level(sku, other_location).on_hand, level(sku, other_location).reserved) == (10, 0)
    assert_stock_invariants()


def test_import_levels_counts_and_sets_safety_in_one_batch(sku, location):
    other = SkuFactory()
    receive(sku, location, 10)
    services.stock_import_levels(
        rows=[(sku, location, 12, 2), (other, location, 4, None)], actor=ACTOR, reference="stock.csv"
    )
    assert (level(sku, location).on_hand, level(sku, location).safety_stock) == (12, 2)
    assert level(other, location).on_hand == 4
    assert set(StockMovement.objects.filter(kind=Kind.COUNT).values_list("reason", flat=True)) == {
        "stock import"
    }
    assert_stock_invariants()


def test_catalog_services_normalize_codes(location):
    sku = services.sku_create(actor=ACTOR, code=" tee blk s ", name="Tee", tags=["Fragile", " fragile"])
    assert (sku.code, sku.tags) == ("TEEBLKS", ["fragile"])
    services.sku_update(sku=sku, actor=ACTOR, name="Tee black S")
    sku.refresh_from_db()
    assert sku.name == "Tee black S"
    new = services.location_create(actor=ACTOR, code="store-x", name="X", kind="store", country_code="US")
    services.location_update(location=new, actor=ACTOR, priority=5)
    new.refresh_from_db()
    assert new.priority == 5


def test_the_ledger_is_append_only(sku, location):
    movement = receive(sku, location, 1)[0]
    with pytest.raises(TypeError):
        movement.save()
    with pytest.raises(TypeError):
        movement.delete()
    with pytest.raises(TypeError):
        StockMovement.objects.filter(pk=movement.pk).update(on_hand_delta=5)
    with pytest.raises(TypeError):
        StockMovement.objects.all().delete()


@pytest.mark.postgres
def test_the_database_refuses_to_rewrite_the_ledger(sku, location):
    movement = receive(sku, location, 1)[0]
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stockmovement SET on_hand_delta = 5 WHERE id = %s", [movement.pk])
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM inventory_stockmovement WHERE id = %s", [movement.pk])


def test_check_constraints_keep_reserved_between_zero_and_on_hand(sku, location):
    receive(sku, location, 3)
    levels = StockLevel.objects.filter(sku=sku, location=location)
    with pytest.raises(IntegrityError), transaction.atomic():
        levels.update(reserved=F("on_hand") + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        levels.update(reserved=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        levels.update(safety_stock=-1)
    assert level(sku, location).reserved == 0


def test_a_location_factory_row_has_no_stock_until_received():
    assert not StockLevel.objects.filter(location=LocationFactory()).exists()
