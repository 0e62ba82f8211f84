"""Stock, reservations and ledger must agree at every step."""

from django.db.models import Sum

from fulfillment.models import FulfillmentOrderLine
from inventory.models import Reservation, StockLevel, StockMovement
from orders.models import OrderLine


def assert_stock_invariants() -> None:
    ledger = {
        row["stock_level"]: row
        for row in StockMovement.objects.values("stock_level").annotate(
            on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta")
        )
    }
    open_reserved = {
        row["stock_level"]: row["total"]
        for row in Reservation.objects.filter(status=Reservation.Status.OPEN)
        .values("stock_level")
        .annotate(total=Sum("quantity"))
    }
    for level in StockLevel.objects.all():
        assert 0 <= level.reserved <= level.on_hand, level
        sums = ledger.get(level.pk, {"on_hand": 0, "reserved": 0})
        assert level.on_hand == sums["on_hand"], (level, "on_hand vs ledger")
        assert level.reserved == sums["reserved"], (level, "reserved vs ledger")
        assert level.reserved == open_reserved.get(level.pk, 0), (level, "reserved vs open reservations")


def assert_work_invariants() -> None:
    """Each FO line holds exactly its open units; order lines' allocated = open FO work."""
    for fo_line in FulfillmentOrderLine.objects.all():
        held = fo_line.reservations.filter(status=Reservation.Status.OPEN).aggregate(total=Sum("quantity"))
        assert (held["total"] or 0) == fo_line.quantity_open, fo_line
    for line in OrderLine.objects.all():
        work = list(line.fulfillment_lines.all())
        assert line.quantity_allocated == sum(fl.quantity_open for fl in work), line
        assert line.quantity_shipped == sum(fl.quantity_shipped for fl in work), line


def assert_invariants() -> None:
    assert_stock_invariants()
    assert_work_invariants()
