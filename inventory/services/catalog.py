"""SKUs and locations: created and changed here, never saved directly by views or admin."""

from django.db import transaction

from oms.core.actor import Actor

from ..models import Location, Sku


@transaction.atomic
def sku_create(*, actor: Actor, **fields) -> Sku:
    """A new catalog item (the code is normalized by the model)."""
    sku = Sku(**fields)
    sku.save()
    return sku


@transaction.atomic
def sku_update(*, sku: Sku, actor: Actor, **fields) -> Sku:
    for name, value in fields.items():
        setattr(sku, name, value)
    sku.save()
    return sku


@transaction.atomic
def location_create(*, actor: Actor, channels=None, staff=None, **fields) -> Location:
    location = Location(**fields)
    location.save()
    if channels is not None:
        location.channels.set(channels)
    if staff is not None:
        location.staff.set(staff)
    return location


@transaction.atomic
def location_update(*, location: Location, actor: Actor, channels=None, staff=None, **fields) -> Location:
    for name, value in fields.items():
        setattr(location, name, value)
    location.save()
    if channels is not None:
        location.channels.set(channels)
    if staff is not None:
        location.staff.set(staff)
    return location
