"""Who may do what, checked by the services themselves.

The API's role checks (oms.core.api.permissions) are the first gate, not the only one: a
Celery task, an admin action, a staff page or an import reaches the service too, so every
service that changes state asks its `Permission` about the actor first.

A `Permission` names the action and the roles that may take it (oms.core.roles), plus the
pseudo-role `SYSTEM`: work the OMS does by itself (tasks, expiry, sourcing), which an actor of
kind system has and nobody else. A channel acts only on its own rows (`channel_of`).

A permission is also a django-fsm-2 transition permission (a callable of instance and user):
`@transition(..., permission=ORDER_CANCEL)` makes `has_transition_perm(order.cancel, actor)`
answer the same question. django-fsm-2 does not enforce it on call; services call
`require_transition_perm` (or `Permission.require` for steps that are not one transition)
before they change anything.
"""

from collections.abc import Callable
from dataclasses import dataclass

from . import actor as actors
from .errors import CoreErrorCode, ForbiddenError
from .roles import CHANNEL

SYSTEM = "system"


def actor_roles(actor) -> frozenset[str]:
    """A user's roles as read when the actor was made (Actor.for_user); a channel is always a
    channel, the system always the system."""
    kind = getattr(actor, "kind", None)
    if kind == actors.SYSTEM:
        return frozenset({SYSTEM})
    if kind == actors.CHANNEL:
        return frozenset({CHANNEL})
    return frozenset(getattr(actor, "roles", None) or ())


class NotPermitted(ForbiddenError):
    def __init__(self, actor, action: str, roles):
        who = getattr(actor, "label", "") or getattr(actor, "kind", "unknown")
        super().__init__(
            CoreErrorCode.NOT_ALLOWED,
            f"{who} may not {action}: that needs the role {' or '.join(sorted(roles))}.",
            details={"action": action, "roles": sorted(roles)},
        )


@dataclass(frozen=True)
class Permission:
    action: str  # "cancel an order": finishes the sentence "<who> may not ..."
    roles: frozenset[str]
    #: For roles that include the channel: which channel owns the row (its id), so that a channel
    #: acts on its own orders only.
    channel_of: Callable[[object], int | None] | None = None

    def allows(self, actor, instance=None) -> bool:
        if not actor_roles(actor) & self.roles:
            return False
        if getattr(actor, "kind", None) == actors.CHANNEL and instance is not None and self.channel_of:
            return self.channel_of(instance) == actor.id
        return True

    def __call__(self, instance, user) -> bool:
        """The django-fsm-2 permission protocol: `user` is the actor asking."""
        return self.allows(user, instance)

    def require(self, actor, instance=None) -> None:
        if not self.allows(actor, instance):
            raise NotPermitted(actor, self.action, self.roles)


def permission(action: str, *roles: str, channel_of=None) -> Permission:
    return Permission(action, frozenset(roles), channel_of)


def require_transition_perm(bound_method, actor) -> None:
    """Refuse (403) when the transition `bound_method` exists from the current state but its
    permission refuses `actor`. A transition the state does not allow is left to the caller's
    own state check, which answers it as a conflict."""
    meta = bound_method._django_fsm
    instance = bound_method.__self__
    transition = meta.get_transition(meta.field.get_state(instance))
    if transition is None or transition.has_perm(instance, actor):
        return
    required = transition.permission
    if isinstance(required, Permission):
        raise NotPermitted(actor, required.action, required.roles)
    raise NotPermitted(actor, bound_method.__name__.replace("_", " "), ())
