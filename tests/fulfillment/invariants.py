"""Stock, reservations, ledger and fulfillment work must agree at every step."""

from django.db.models import Sum

from fulfillment.models import FulfillmentOrderLine
from inventory.models import Reservation
from orders.models import OrderLine
from tests.inventory.invariants import assert_stock_invariants


def assert_work_invariants() -> None:
    """Each FO line holds exactly its open units; order lines' allocated = open FO work."""
    for fo_line in FulfillmentOrderLine.objects.all():
        held = fo_line.reservations.filter(status=Reservation.Status.OPEN).aggregate(total=Sum("quantity"))
        assert (held["total"] or 0) == fo_line.quantity_open, fo_line
    for line in OrderLine.objects.all():
        work = list(line.fulfillment_lines.all())
        if not line.fulfilled_here:  # the channel's own lines and bundle parents have no work here
            assert not work, line
            continue
        assert line.quantity_allocated == sum(fl.quantity_open for fl in work), line
        assert line.quantity_shipped == sum(fl.quantity_shipped for fl in work), line


def assert_invariants() -> None:
    assert_stock_invariants()
    assert_work_invariants()
