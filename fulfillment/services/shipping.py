"""What a package needs before it ships: a carrier from the registry, a tracking number in
that carrier's format and its tracking link, and, for a packed package, its lines."""

from ..carriers import normalize_tracking, tracking_matches, tracking_url
from ..errors import FulfillmentError, FulfillmentErrorCode
from ..models import Carrier, FulfillmentOrder, Package


def active_carriers() -> list[Carrier]:
    return list(Carrier.objects.filter(active=True).order_by("position", "name"))


def find_carrier(name: str, carriers: list[Carrier]) -> Carrier | None:
    wanted = (name or "").strip().lower()
    return next((c for c in carriers if wanted in (c.code.lower(), c.name.lower())), None)


def _check_tracking(carrier: Carrier, number: str, index: int) -> str:
    field = f"packages.{index}.tracking_number"
    if not number:
        if carrier.tracking_required:
            raise FulfillmentError(
                FulfillmentErrorCode.FIELD_REQUIRED,
                f"Package {index + 1}: {carrier.name} needs a tracking number.",
                details={"field": field},
            )
        return number
    if not tracking_matches(carrier.tracking_pattern, number):
        example = f" (like {carrier.tracking_example})" if carrier.tracking_example else ""
        raise FulfillmentError(
            FulfillmentErrorCode.INVALID_TRACKING,
            f"Package {index + 1}: {number} is not a {carrier.name} tracking number{example}.",
            details={"field": field, "tracking_number": number, "carrier": carrier.name},
        )
    return number


def _packed(fo: FulfillmentOrder, package_id, index: int) -> Package:
    package = (
        Package.objects.filter(fulfillment_order=fo, pk=package_id, shipment__isnull=True)
        .prefetch_related("lines")
        .first()
    )
    if package is None:
        raise FulfillmentError(
            FulfillmentErrorCode.PACKAGE_NOT_FOUND,
            f"Package {index + 1}: no unshipped package {package_id} on {fo.number}.",
            details={"field": f"packages.{index}.package"},
        )
    return package


def prepare_packages(fo: FulfillmentOrder, packages: list[dict]) -> list[dict]:
    """Each package as the ship step records it: the registry's carrier name, the tracking
    number checked and normalized, its link, and the lines of a packed `package` when named.
    Raises FulfillmentError naming the package and field."""
    carriers = active_carriers()
    prepared = []
    for index, package in enumerate(packages):
        carrier = find_carrier(package.get("carrier", ""), carriers)
        if carrier is None:
            known = ", ".join(c.name for c in carriers)
            raise FulfillmentError(
                FulfillmentErrorCode.UNKNOWN_CARRIER,
                f"Package {index + 1}: {package.get('carrier')!r} is not a carrier we ship with ({known}); "
                "admins add carriers in the admin.",
                details={"field": f"packages.{index}.carrier"},
            )
        number = _check_tracking(carrier, normalize_tracking(package.get("tracking_number", "")), index)
        service = (package.get("service") or "").strip()
        if service and carrier.services and service not in carrier.services:
            raise FulfillmentError(
                FulfillmentErrorCode.FIELD_REQUIRED,
                f"Package {index + 1}: {carrier.name} has no service {service!r} "
                f"({', '.join(carrier.services)}).",
                details={"field": f"packages.{index}.service"},
            )
        entry = {
            **package,
            "carrier": carrier.name,
            "service": service,
            "tracking_number": number,
            "tracking_url": package.get("tracking_url")
            or tracking_url(carrier.tracking_url_template, number),
        }
        if package.get("package") is not None:
            packed = _packed(fo, package["package"], index)
            entry["package"] = packed
            entry["lines"] = {line.fulfillment_line_id: line.quantity for line in packed.lines.all()}
        prepared.append(entry)
    return prepared
