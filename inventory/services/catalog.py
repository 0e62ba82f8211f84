"""SKUs and locations: created and changed here, never saved directly by views or admin."""

from oms.core.actor import Actor
from oms.core.transactions import transactional

from ..models import Location, Sku


@transactional
def sku_create(*, actor: Actor, **fields) -> Sku:
    """A new catalog item (the code is normalized by the model)."""
    sku = Sku(**fields)
    sku.save()
    return sku


@transactional
def sku_update(*, sku: Sku, actor: Actor, **fields) -> Sku:
    for name, value in fields.items():
        setattr(sku, name, value)
    sku.save()
    return sku


@transactional
def location_create(*, actor: Actor, channels=None, staff=None, **fields) -> Location:
    location = Location(**fields)
    location.save()
    if channels is not None:
        location.channels.set(channels)
    if staff is not None:
        location.staff.set(staff)
    return location


@transactional
def location_update(*, location: Location, actor: Actor, channels=None, staff=None, **fields) -> Location:
    for name, value in fields.items():
        setattr(location, name, value)
    location.save()
    if channels is not None:
        location.channels.set(channels)
    if staff is not None:
        location.staff.set(staff)
    return location
