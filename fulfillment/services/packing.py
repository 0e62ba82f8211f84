"""Packages: which picked units went into which box, with its weight and dimensions.

`pack_into` is the one place packages are made; packing, re-packing after a change and
preparing a pickup all use it, under the FO lock their service took."""

from collections import defaultdict

from ..errors import FulfillmentError, FulfillmentErrorCode
from ..models import FulfillmentOrder, FulfillmentOrderLine, Package, PackageLine

Kind = FulfillmentOrder.Kind
DIMENSIONS = ("length_mm", "width_mm", "height_mm")


def packable(fo: FulfillmentOrder, line: FulfillmentOrderLine) -> int:
    """Units of the line that belong in a package now: picked and still open."""
    if fo.kind == Kind.SHIP:
        return min(line.quantity_open, max(line.quantity_picked - line.quantity_shipped, 0))
    return line.quantity_open


def _positive(value, field: str, index: int) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise FulfillmentError(
            FulfillmentErrorCode.INVALID_QUANTITY,
            f"Package {index + 1}: {field.replace('_', ' ')} must be a whole number above zero.",
            details={"field": f"packages.{index}.{field}", "value": value},
        )
    return value


def _contents(fo, package: dict, index: int, by_id: dict[int, FulfillmentOrderLine]) -> dict[int, int]:
    contents = {}
    for key, units in (package.get("lines") or {}).items():
        if units in (0, None):
            continue
        line_id = int(key)
        if line_id not in by_id:
            raise FulfillmentError(
                FulfillmentErrorCode.LINE_NOT_FOUND,
                f"Package {index + 1}: line {line_id} is not on {fo.number}.",
                details={"field": f"packages.{index}.lines"},
            )
        contents[line_id] = _positive(units, "quantity", index)
    if not contents:
        raise FulfillmentError(
            FulfillmentErrorCode.FIELD_REQUIRED,
            f"Package {index + 1} is empty: put something in it or leave it out.",
            details={"field": f"packages.{index}.lines"},
        )
    return contents


def _check_totals(fo, totals: dict[int, int], by_id: dict[int, FulfillmentOrderLine]) -> None:
    for line in by_id.values():
        want, packed = packable(fo, line), totals.get(line.pk, 0)
        if packed > want:
            raise FulfillmentError(
                FulfillmentErrorCode.INVALID_QUANTITY,
                f"{line.sku.code}: {packed} packed, but only {want} picked.",
                details={"line_id": line.pk, "packed": packed, "picked": want},
            )
        if packed < want:
            raise FulfillmentError(
                FulfillmentErrorCode.INVALID_QUANTITY,
                f"{line.sku.code}: {want} picked, {packed} packed. Every picked unit goes in a package.",
                details={"line_id": line.pk, "packed": packed, "picked": want},
            )


def current_packages(fo: FulfillmentOrder) -> list[Package]:
    return list(
        Package.objects.filter(fulfillment_order=fo, shipment__isnull=True)
        .prefetch_related("lines")
        .order_by("pk")
    )


def packages_still_fit(fo: FulfillmentOrder, lines: list[FulfillmentOrderLine]) -> bool:
    """Do the unshipped packages hold exactly what is to be packed (an address change, say)?"""
    packed = defaultdict(int)
    for package in current_packages(fo):
        for item in package.lines.all():
            packed[item.fulfillment_line_id] += item.quantity
    wanted = {line.pk: packable(fo, line) for line in lines if packable(fo, line)}
    return bool(wanted) and dict(packed) == wanted


def pack_into(
    fo: FulfillmentOrder,
    lines: list[FulfillmentOrderLine],
    packages: list[dict] | None,
    *,
    require_weight: bool,
) -> list[Package]:
    """Replace the FO's unshipped packages by `packages` ([{weight_grams, length_mm, width_mm,
    height_mm, lines: {fo_line_id: units}}]), which must hold every packable unit exactly once;
    None: one package holding them all. Returns the new packages."""
    by_id = {line.pk: line for line in lines}
    if packages is None:
        everything = {line.pk: packable(fo, line) for line in lines if packable(fo, line)}
        packages = [{"lines": everything}] if everything else []
    rows, totals = [], defaultdict(int)
    for index, package in enumerate(packages):
        contents = _contents(fo, package, index, by_id)
        for line_id, units in contents.items():
            totals[line_id] += units
        weight = _positive(package.get("weight_grams"), "weight_grams", index)
        if require_weight and weight is None:
            raise FulfillmentError(
                FulfillmentErrorCode.FIELD_REQUIRED,
                f"Package {index + 1}: weigh it.",
                details={"field": f"packages.{index}.weight_grams"},
            )
        sizes = [_positive(package.get(name), name, index) for name in DIMENSIONS]
        if any(sizes) and not all(sizes):
            raise FulfillmentError(
                FulfillmentErrorCode.FIELD_REQUIRED,
                f"Package {index + 1}: give length, width and height, or none of them.",
                details={"field": f"packages.{index}.length_mm"},
            )
        rows.append((weight, sizes, contents))
    _check_totals(fo, totals, by_id)
    Package.objects.filter(fulfillment_order=fo, shipment__isnull=True).delete()
    first = Package.objects.filter(fulfillment_order=fo).count() + 1
    made = Package.objects.bulk_create(
        [
            Package(
                fulfillment_order=fo,
                number=f"{fo.number}-P{first + offset}",
                weight_grams=weight,
                length_mm=sizes[0],
                width_mm=sizes[1],
                height_mm=sizes[2],
            )
            for offset, (weight, sizes, _) in enumerate(rows)
        ]
    )
    PackageLine.objects.bulk_create(
        [
            PackageLine(package=package, fulfillment_line_id=line_id, quantity=units)
            for package, (_, _, contents) in zip(made, rows, strict=True)
            for line_id, units in contents.items()
        ]
    )
    return made


def describe(packages: list[Package]) -> str:
    weights = [p.weight_kg for p in packages if p.weight_kg]
    count = f"{len(packages)} package{'s' if len(packages) != 1 else ''}"
    return f"{count} ({', '.join(weights)})" if weights else count
