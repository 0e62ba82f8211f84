from .navigation import nav_for
from .roles import ROLE_LABELS, user_roles


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    return {
        "nav_items": nav_for(user, request.path),
        "role_labels": [label for role, label in ROLE_LABELS.items() if role in roles],
    }
