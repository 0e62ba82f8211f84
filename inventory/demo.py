"""Demo catalog, locations and stock for `manage.py seed_demo`; idempotent."""

import random
from decimal import Decimal

from oms.core.actor import Actor
from oms.core.models import Channel

from .models import Location, Sku, StockLevel, StockMovement
from .services import (
    StockLine,
    stock_adjust,
    stock_count,
    stock_receive,
    stock_set_bins,
    transfer_dispatch,
    transfer_receive,
)

LOCATIONS = [
    # code, name, kind, city, region, postal, country, lat, lon, can_ship, can_pickup, priority, base, per_km
    (
        "wh-east",
        "East warehouse",
        "warehouse",
        "Newark",
        "NJ",
        "07102",
        "US",
        "40.735700",
        "-74.172400",
        True,
        False,
        10,
        "4.50",
        "0.0020",
    ),
    (
        "wh-west",
        "West warehouse",
        "warehouse",
        "Reno",
        "NV",
        "89502",
        "US",
        "39.529600",
        "-119.813800",
        True,
        False,
        20,
        "4.00",
        "0.0020",
    ),
    (
        "store-nyc",
        "Manhattan store",
        "store",
        "New York",
        "NY",
        "10001",
        "US",
        "40.750700",
        "-73.997000",
        True,
        True,
        50,
        "7.00",
        "0.0050",
    ),
    (
        "store-sf",
        "San Francisco store",
        "store",
        "San Francisco",
        "CA",
        "94103",
        "US",
        "37.772600",
        "-122.409900",
        True,
        True,
        50,
        "7.00",
        "0.0050",
    ),
    (
        "vendor-acme",
        "Acme drop-ship",
        "dropship",
        "Chicago",
        "IL",
        "60607",
        "US",
        "41.878100",
        "-87.629800",
        True,
        False,
        90,
        "6.00",
        "0.0010",
    ),
]

PRODUCTS = [
    "T-shirt",
    "Hoodie",
    "Sneaker",
    "Cap",
    "Backpack",
    "Water bottle",
    "Jacket",
    "Sock pack",
    "Beanie",
    "Tote bag",
]
COLOURS = ["Black", "White", "Navy", "Red", "Olive"]
SIZES = ["S", "M", "L", "XL"]


def seed_locations() -> list[Location]:
    channels = list(Channel.objects.all())
    locations = []
    for (
        code,
        name,
        kind,
        city,
        region,
        postal,
        country,
        lat,
        lon,
        ship,
        pickup,
        priority,
        base,
        per_km,
    ) in LOCATIONS:
        location, _ = Location.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "city": city,
                "region": region,
                "postal_code": postal,
                "country_code": country,
                "latitude": Decimal(lat),
                "longitude": Decimal(lon),
                "can_ship": ship,
                "can_pickup": pickup,
                "priority": priority,
                "shipping_cost_base": Decimal(base),
                "shipping_cost_per_km": Decimal(per_km),
                "address_line": f"1 {name} Way",
            },
        )
        location.channels.set(channels)
        locations.append(location)
    return locations


def seed_skus(count: int = 200) -> list[Sku]:
    vendor = Location.objects.get(code="vendor-acme")
    skus = []
    for index in range(count):
        product = PRODUCTS[index % len(PRODUCTS)]
        colour = COLOURS[(index // len(PRODUCTS)) % len(COLOURS)]
        size = SIZES[(index // (len(PRODUCTS) * len(COLOURS))) % len(SIZES)]
        code = f"{product[:4].upper().replace(' ', '')}-{colour[:3].upper()}-{size}-{index:03d}"
        tags = ["apparel"] if product in {"T-shirt", "Hoodie", "Jacket", "Sock pack", "Beanie", "Cap"} else []
        if product == "Water bottle":
            tags.append("fragile")
        sku, _ = Sku.objects.update_or_create(
            code=code,
            defaults={
                "name": f"{product} {colour} {size}",
                "barcode": f"400{index:010d}",
                "weight_grams": 150 + 37 * (index % 20),
                "tags": tags,
                # Every tenth SKU is only sold through the drop-ship vendor.
                "dropship_vendor": vendor if index % 10 == 9 else None,
            },
        )
        skus.append(sku)
    return skus


def seed_stock(skus: list[Sku], locations: list[Location]) -> int:
    """Receive opening stock once per level, through the ledger, so history explains it."""
    stocked = set(StockLevel.objects.values_list("sku_id", "location_id"))
    by_location: dict[Location, list[StockLine]] = {}
    for sku in skus:
        for location in locations:
            if (sku.pk, location.pk) in stocked:
                continue
            if location.kind == Location.Kind.DROPSHIP and sku.dropship_vendor_id != location.pk:
                continue
            if location.kind != Location.Kind.DROPSHIP and sku.dropship_vendor_id:
                continue
            rng = random.Random(f"{sku.code}@{location.code}")  # the same choice on every run
            chance = 0.95 if location.kind == Location.Kind.WAREHOUSE else 0.6
            if rng.random() < chance:
                quantity = rng.randint(5, 120 if location.kind != Location.Kind.STORE else 25)
                by_location.setdefault(location, []).append(StockLine(sku, location, quantity))
    actor = Actor.system("seed_demo")
    for location, lines in by_location.items():
        stock_receive(lines=lines, actor=actor, reference=f"OPENING-{location.code.upper()}")
    return sum(len(lines) for lines in by_location.values())


HISTORY_REFERENCE = "DEMO-HISTORY"


def seed_history(skus: list[Sku]) -> int:
    """Once: some life after the opening receipts, all through the services, so that the
    ledger explains today's levels (transfers, adjustments with reasons, a cycle count)."""
    if StockMovement.objects.filter(reference__startswith=HISTORY_REFERENCE).exists():
        return 0
    actor = Actor.system("seed_demo")
    levels = {
        (level.sku_id, level.location.code): level
        for level in StockLevel.objects.select_related("location").filter(sku__in=skus)
    }
    written = 0
    stocked = [sku for sku in skus if not sku.dropship_vendor_id]
    # Replenish the stores from the warehouses: most transfers arrived, the last two are on the way.
    for index, sku in enumerate(stocked[:12]):
        source = levels.get((sku.pk, "wh-east"))
        if source is None or source.on_hand - source.reserved < 4:
            continue
        target = "store-nyc" if index % 2 == 0 else "store-sf"
        transfer = transfer_dispatch(
            sku=sku,
            from_location=source.location,
            to_location=Location.objects.get(code=target),
            quantity=3,
            actor=actor,
            reference=f"{HISTORY_REFERENCE}-TR-{index:02d}",
        )
        written += 1
        if index < 10:
            transfer_receive(transfer=transfer, actor=actor)
            written += 1
    # Damage and found stock, each with its reason.
    reasons = ["damaged in handling", "found during putaway", "water damage", "customer sample"]
    for index, sku in enumerate(stocked[20:28]):
        level = levels.get((sku.pk, "wh-west"))
        if level is None:
            continue
        delta = 2 if index % 4 == 1 else -1
        if level.on_hand + delta < level.reserved:
            continue
        stock_adjust(
            sku=sku,
            location=level.location,
            delta=delta,
            reason=reasons[index % len(reasons)],
            actor=actor,
            reference=f"{HISTORY_REFERENCE}-ADJ",
        )
        written += 1
    # A cycle count at the San Francisco store finds a few differences.
    count_lines = []
    for index, sku in enumerate(stocked[30:45]):
        level = levels.get((sku.pk, "store-sf"))
        if level is not None:
            count_lines.append(StockLine(sku, level.location, max(level.reserved, level.on_hand - index % 3)))
    if count_lines:
        written += len(stock_count(lines=count_lines, actor=actor, reference=f"{HISTORY_REFERENCE}-COUNT-SF"))
    return written


def bin_for(index: int) -> str:
    """Aisle, rack, shelf: shelved by product family, so that bin order is not SKU-code order."""
    return f"{'ABCDEFGH'[index % 8]}-{index // 8 % 12 + 1:02d}-{index // 96 + 1}"


def seed_bins(skus: list[Sku]) -> int:
    """A bin for every level that has none yet (warehouses and stores alike)."""
    position = {sku.pk: index for index, sku in enumerate(sorted(skus, key=lambda sku: sku.name))}
    bins = {
        (sku_id, location_id): bin_for(position[sku_id])
        for sku_id, location_id in StockLevel.objects.filter(sku__in=skus, bin="").values_list(
            "sku_id", "location_id"
        )
    }
    return stock_set_bins(bins=bins) if bins else 0


def seed() -> str:
    locations = seed_locations()
    skus = seed_skus()
    levels = seed_stock(skus, locations)
    history = seed_history(skus)
    seed_bins(skus)
    return (
        f"{len(locations)} locations, {len(skus)} SKUs, {levels} stock levels received, "
        f"{history} history movements"
    )
