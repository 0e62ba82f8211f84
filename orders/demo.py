"""Demo orders for `manage.py seed_demo`, taken in through intake; idempotent by external id."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from inventory.models import Location, Sku
from oms.core.actor import Actor
from oms.core.models import Channel

from .api.intake import validate_order_document
from .services import order_intake

CUSTOMERS = [
    ("Jane Doe", "jane.doe@example.com", "+1 212 555 0101", "350 5th Ave", "New York", "NY", "10118"),
    ("Bob Marley", "bob@example.com", "+1 415 555 0199", "1 Market St", "San Francisco", "CA", "94105"),
    ("Ana Lima", "ana.lima@example.com", "+1 312 555 0142", "233 S Wacker Dr", "Chicago", "IL", "60606"),
    ("Kenji Sato", "kenji@example.com", "+1 206 555 0175", "400 Broad St", "Seattle", "WA", "98109"),
    ("Fatima Khan", "fatima.k@example.com", "+1 617 555 0123", "1 Beacon St", "Boston", "MA", "02108"),
    (
        "Lucas Meyer",
        "lucas.meyer@example.com",
        "+1 512 555 0110",
        "1100 Congress Ave",
        "Austin",
        "TX",
        "78701",
    ),
]
COUNT = 50
#: Orders with a line that only the drop-ship vendor ships.
DROPSHIP_ORDERS = (10, 22)


def _payload(
    index: int, rng: random.Random, channel: Channel, skus: list[Sku], dropship: Sku | None = None
) -> dict:
    name, email, phone, street, city, region, postal = CUSTOMERS[index % len(CUSTOMERS)]
    lines = []
    for sku in rng.sample(skus, rng.randint(1, 3)):
        quantity, price = rng.randint(1, 3), Decimal(rng.choice(["9.99", "19.90", "24.50", "49.00", "89.95"]))
        tax = (price * quantity * Decimal("0.08")).quantize(Decimal("0.01"))
        lines.append({"sku": sku.code, "quantity": quantity, "unit_price": str(price), "tax": str(tax)})
    if index == 7:  # a SKU the catalog does not know: lands on an exception hold
        lines.append({"sku": "LEGACY-999", "quantity": 1, "unit_price": "15.00", "tax": "0"})
    if index in DROPSHIP_ORDERS and dropship:  # shipped by the vendor
        lines.append({"sku": dropship.code, "quantity": 1, "unit_price": "39.00", "tax": "3.12"})
    subtotal = sum(Decimal(line["unit_price"]) * line["quantity"] for line in lines)
    tax = sum(Decimal(line["tax"]) for line in lines)
    shipping = Decimal("4.95")
    payment = "pending" if index in (1, 3) else rng.choice(["authorized", "paid"])
    body = {
        "external_id": f"DEMO-{channel.code.upper()}-{1000 + index}",
        "placed_at": (timezone.now() - timedelta(hours=index * 7)).isoformat(),
        "currency": "USD",
        "customer": {"email": email, "name": name, "phone": phone},
        "shipping_address": {
            "name": name,
            "line1": street,
            "city": city,
            "region": region,
            "postal_code": postal,
            "country_code": "US",
        },
        "lines": lines,
        "shipping_price": str(shipping),
        "totals": {"total": str(subtotal + tax + shipping)},
        "payment_status": payment,
    }
    if index % 9 == 5:
        store = Location.objects.filter(can_pickup=True, active=True).order_by("code").first()
        if store is not None:
            body["delivery"] = {"method": "pickup", "pickup_location": store.code}
            body["shipping_price"] = "0"
            body["totals"] = {"total": str(subtotal + tax)}
    return body


def seed(count: int = COUNT) -> str:
    rng = random.Random(4)  # the same orders on every run
    channels = list(Channel.objects.filter(active=True).order_by("code"))
    skus = list(Sku.objects.filter(active=True, dropship_vendor__isnull=True).order_by("code")[:60])
    if not channels or not skus:
        return "orders: no channels or SKUs"
    dropship = (
        Sku.objects.filter(active=True, dropship_vendor__isnull=False, stock_levels__on_hand__gte=5)
        .order_by("code")
        .first()
    )
    actor = Actor.system("seed_demo")
    created = 0
    for index in range(count):
        # Unpaid demo orders come from a channel that does not allow pay later (payment hold).
        pool = [c for c in channels if not c.pay_later_allowed] if index in (1, 3) else channels
        channel = (pool or channels)[index % len(pool or channels)]
        data = validate_order_document(_payload(index, rng, channel, skus, dropship))
        _, new = order_intake(data=data, channel=channel, actor=actor)
        created += new
    return f"{count} orders ({created} new)"
