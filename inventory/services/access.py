"""Where an actor may act: admins and the system anywhere; warehouse staff at the locations
they work at (Location.staff). Services check it themselves, so the API, the staff pages, the
admin and tasks share one rule."""

from oms.core.actor import USER, Actor
from oms.core.authz import SYSTEM, actor_roles
from oms.core.roles import OMS_ADMIN, WAREHOUSE

from ..errors import InventoryErrorCode, InventoryForbidden
from ..models import Location


def works_at(actor: Actor, location: Location) -> bool:
    roles = actor_roles(actor)
    if roles & {OMS_ADMIN, SYSTEM}:
        return True
    return (
        WAREHOUSE in roles
        and actor.kind == USER
        and Location.staff.through.objects.filter(location_id=location.pk, user_id=actor.id).exists()
    )


def require_works_at(actor: Actor, location: Location, *, doing: str) -> None:
    """Refuse (403) unless `actor` may `doing` ("receive stock at") `location`."""
    if not works_at(actor, location):
        raise InventoryForbidden(
            InventoryErrorCode.LOCATION_NOT_ALLOWED,
            f"{actor.label or actor.kind} does not work at {location.code}; only its staff may {doing} it.",
            details={"location": location.code},
        )
