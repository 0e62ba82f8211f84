"""Demo routing rules for `manage.py seed_demo`; idempotent."""

from .models import RoutingRule, Strategy

RULES = [
    # name, position, conditions, strategy
    ("Pickup", 10, {"delivery_method": "pickup"}, Strategy.PRIORITY),
    (
        "Fragile from warehouses",
        20,
        {"sku_tag": "fragile", "include_kinds": ["warehouse"]},
        Strategy.LOWEST_COST,
    ),
    ("US default", 100, {"country_code": "US"}, Strategy.NEAREST),
]


def seed() -> str:
    for name, position, conditions, strategy in RULES:
        RoutingRule.objects.update_or_create(
            name=name, defaults={"position": position, "strategy": strategy, "active": True, **conditions}
        )
    return f"{len(RULES)} routing rules"


# How far the demo takes its oldest work, so that every stage shows up in the UI:
# (ship work items to take to each stage, in order of the oldest order first).
STAGES = [("delivered", 6), ("shipped", 6), ("packed", 4), ("picking", 4)]
CARRIERS = [("UPS", "Ground"), ("FedEx", "Home Delivery"), ("USPS", "Priority Mail")]
#: A tracking number in each demo carrier's format.
TRACKING = {"UPS": "1ZDEMO{:012d}", "FedEx": "7{:011d}", "USPS": "9400{:018d}"}


def advance() -> str:
    """Work the oldest demo fulfillment orders through pick, pack, ship and delivery, and
    hand one pickup over to the store's counter. Only on a fresh demo (nothing started yet)."""
    from oms.core.actor import Actor

    from . import services
    from .models import FulfillmentOrder

    if FulfillmentOrder.objects.exclude(state=FulfillmentOrder.State.PENDING).exists():
        return "fulfillment already under way"
    actor = Actor.system("seed_demo")
    workable = FulfillmentOrder.objects.filter(
        state="pending", order__status__in=["allocated", "backordered"]
    )
    queue = list(workable.filter(kind=FulfillmentOrder.Kind.SHIP).select_related("order").order_by("pk"))
    done = 0
    for stage, count in STAGES:
        for fo in queue[done : done + count]:
            _take_to(services, fo, stage, actor, done)
        done += count
    pickup = workable.filter(kind=FulfillmentOrder.Kind.PICKUP).order_by("pk").first()
    if pickup is not None:
        pickup = _result(services.fulfillment_start_picking(fo=pickup, actor=actor))
        pickup = _result(services.fulfillment_confirm_pick(fo=pickup, picked={}, actor=actor))
        services.fulfillment_prepare_pickup(fo=pickup, actor=actor)
    dropship = workable.filter(kind=FulfillmentOrder.Kind.DROPSHIP).order_by("pk")
    for fo in dropship:
        services.fulfillment_send_to_vendor(fo=fo, actor=actor)
    return (
        f"{done} fulfillment orders worked through pick / pack / ship, 1 pickup ready at the store, "
        f"{len(dropship)} sent to the drop-ship vendor"
    )


def _result(value):
    return value[0] if isinstance(value, tuple) else value


def _take_to(services, fo, stage: str, actor, index: int) -> None:
    index += int(fo.pk)  # a different carrier for neighbouring orders
    fo = _result(services.fulfillment_start_picking(fo=fo, actor=actor))
    if stage == "picking":
        return
    fo = _result(services.fulfillment_confirm_pick(fo=fo, picked={}, actor=actor))
    lines = {line.pk: line.quantity_open for line in fo.lines.all() if line.quantity_open}
    box = {
        "weight_grams": 400 + 150 * sum(lines.values()),
        "length_mm": 300,
        "width_mm": 200,
        "height_mm": 150,
    }
    fo = _result(services.fulfillment_pack(fo=fo, actor=actor, packages=[{**box, "lines": lines}]))
    if stage == "packed":
        return
    carrier, service = CARRIERS[index % len(CARRIERS)]
    package = fo.packages.get()
    tracking = TRACKING[carrier].format(fo.pk)
    packages = [{"carrier": carrier, "service": service, "tracking_number": tracking, "package": package.pk}]
    services.fulfillment_ship(fo=fo, packages=packages, actor=actor)
    if stage == "delivered":
        services.fulfillment_mark_delivered(fo=type(fo).objects.get(pk=fo.pk), actor=actor)
