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
