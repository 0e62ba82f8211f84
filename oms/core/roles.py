"""Roles are auth groups. Each app grants its own model permissions to them in a data
migration (`grant_role_permissions`), so that a new app never edits another's migration."""

from django.contrib.auth.models import AnonymousUser

CUSTOMER_SERVICE = "customer_service"
WAREHOUSE = "warehouse"
OMS_ADMIN = "oms_admin"
#: A drop-ship vendor's own users: the work sent to their vendor location, nothing else.
DROPSHIP_VENDOR = "dropship_vendor"
#: Not a group: the principal of a sales channel authenticated by its own API token.
CHANNEL = "channel"

STAFF_ROLES = frozenset({CUSTOMER_SERVICE, WAREHOUSE, OMS_ADMIN})
ALL_ROLES = STAFF_ROLES | {CHANNEL}
#: Roles held through an auth group (a vendor's users are not staff: no API, no other desks).
GROUP_ROLES = STAFF_ROLES | {DROPSHIP_VENDOR}
ROLE_LABELS = {
    CUSTOMER_SERVICE: "Customer service",
    WAREHOUSE: "Warehouse",
    OMS_ADMIN: "Admin",
    DROPSHIP_VENDOR: "Drop-ship vendor",
}
#: Where each role lands after login (URL names; the first that resolves wins).
ROLE_HOME = {
    OMS_ADMIN: "home",
    CUSTOMER_SERVICE: "home",
    WAREHOUSE: "home",
    DROPSHIP_VENDOR: "fulfillment:vendor",
}


def user_roles(user) -> frozenset[str]:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    explicit = getattr(user, "oms_roles", None)
    if explicit is not None:
        return frozenset(explicit)
    if user.is_superuser:
        return STAFF_ROLES
    cached = getattr(user, "_oms_roles_cache", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=GROUP_ROLES).values_list("name", flat=True))
        user._oms_roles_cache = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def grant_role_permissions(apps, app_label: str, grants: dict[str, list[str]]) -> None:
    """For data migrations: give each role group the listed codenames of `app_label`.

    Permissions are normally created after migrations run; create this app's now so
    that the grant can happen in the migration itself.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = models_module

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, codenames in grants.items():
        group, _ = group_model.objects.get_or_create(name=role)
        permissions = permission_model.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise LookupError(f"{app_label}: unknown permissions {sorted(missing)}")
        group.permissions.add(*permissions)


def model_permissions(*models: str, actions=("view", "add", "change", "delete")) -> list[str]:
    return [f"{action}_{model}" for model in models for action in actions]
