"""SKUs and locations: created and changed here (the API, the admin and the imports all call
these), validated by the model's own rules, never saved directly by views or admin."""

from oms.core.actor import Actor
from oms.core.transactions import transactional
from oms.core.validation import full_clean

from ..errors import InventoryErrorCode
from ..models import Location, Sku, normalize_code
from ..permissions import CATALOG_WRITE


def _save_sku(sku: Sku, actor: Actor) -> Sku:
    CATALOG_WRITE.require(actor)
    sku.code = normalize_code(sku.code or "")
    full_clean(sku, code=InventoryErrorCode.INVALID_FIELD, label=f"SKU {sku.code or '(no code)'}")
    sku.save()
    return sku


@transactional
def sku_create(*, actor: Actor, **fields) -> Sku:
    """A new catalog item (the code is normalized)."""
    return _save_sku(Sku(**fields), actor)


@transactional
def sku_update(*, sku: Sku, actor: Actor, **fields) -> Sku:
    for name, value in fields.items():
        setattr(sku, name, value)
    return _save_sku(sku, actor)


@transactional
def sku_save(*, sku: Sku, actor: Actor) -> Sku:
    """Save a SKU the caller filled in (an admin form, an import row), new or changed."""
    return _save_sku(sku, actor)


def _save_location(location: Location, actor: Actor, channels, staff) -> Location:
    CATALOG_WRITE.require(actor)
    location.code = (location.code or "").strip()
    full_clean(
        location, code=InventoryErrorCode.INVALID_FIELD, label=f"Location {location.code or '(no code)'}"
    )
    location.save()
    if channels is not None:
        location.channels.set(channels)
    if staff is not None:
        location.staff.set(staff)
    return location


@transactional
def location_create(*, actor: Actor, channels=None, staff=None, **fields) -> Location:
    return _save_location(Location(**fields), actor, channels, staff)


@transactional
def location_update(*, location: Location, actor: Actor, channels=None, staff=None, **fields) -> Location:
    for name, value in fields.items():
        setattr(location, name, value)
    return _save_location(location, actor, channels, staff)


@transactional
def location_save(*, location: Location, actor: Actor, channels=None, staff=None) -> Location:
    """Save a location the caller filled in (an admin form, an import row); `channels` and
    `staff`, when given, replace its channels and its staff."""
    return _save_location(location, actor, channels, staff)
