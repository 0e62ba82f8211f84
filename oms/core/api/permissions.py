"""Role checks for every endpoint.

A view names who may call it: `read_roles` for safe methods, `write_roles` for the
rest, or `action_roles = {"action name": roles}` for a viewset's actions. The defaults
let every staff role read and only admins write.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from oms.core.roles import OMS_ADMIN, STAFF_ROLES, user_roles


def required_roles(request, view) -> frozenset[str]:
    action_roles = getattr(view, "action_roles", {})
    action = getattr(view, "action", None)
    if action in action_roles:
        return frozenset(action_roles[action])
    if request.method in SAFE_METHODS:
        return frozenset(getattr(view, "read_roles", STAFF_ROLES))
    return frozenset(getattr(view, "write_roles", {OMS_ADMIN}))


class HasRole(BasePermission):
    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        return bool(user_roles(user) & required_roles(request, view))


class HasAnyRole(BasePermission):
    """Any staff role or a channel: for what every user of the API may read (its schema)."""

    message = "Your account has no OMS role."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user_roles(user))
