"""Demo returns for `manage.py seed_demo`, on orders the fulfillment demo delivered; idempotent."""

from inventory.models import Location
from oms.core.actor import Actor
from orders.models import Order

from . import services
from .models import ReturnAuthorization


def seed() -> str:
    """Three returns at three stages: requested, authorized and awaiting the parcel, and
    received (one unit restocked, one damaged and scrapped) then refunded."""
    if ReturnAuthorization.objects.exists():
        return "returns already there"
    delivered = list(
        Order.objects.filter(status="completed", payment_status="paid").order_by("placed_at")[:3]
    )
    if len(delivered) < 3:
        return "no delivered demo orders to return"
    agent = Actor.system("seed_demo")
    east = Location.objects.get(code="wh-east")
    stages = [("requested", "size_or_fit"), ("authorized", "no_longer_needed"), ("refunded", "damaged")]
    for order, (stage, reason) in zip(delivered, stages, strict=True):
        line = order.lines.order_by("line_number").first()
        units = min(line.quantity_shipped, 2)
        rma = services.return_create(
            order=order,
            actor=agent,
            carrier="UPS",
            tracking_number=f"1ZRETURN{order.pk:06d}",
            lines=[{"order_line": line, "quantity": units, "reason_code": reason, "comment": "Demo return"}],
        )
        if stage == "requested":
            continue
        rma = services.return_authorize(rma=rma, actor=agent, receiving_location=east)
        if stage == "authorized":
            continue
        return_line = rma.lines.get()
        received = [{"return_line": return_line, "quantity": 1, "condition": "new", "disposition": "restock"}]
        if units > 1:
            received.append(
                {
                    "return_line": return_line,
                    "quantity": units - 1,
                    "condition": "damaged",
                    "disposition": "scrap",
                }
            )
        services.return_receive(rma=rma, location=east, lines=received, actor=agent)
        services.return_refund(rma=rma, actor=agent)
    return "3 returns (requested, authorized, received and refunded)"
