"""Demo channels and one user per role."""

from django.contrib.auth.models import Group, User

from oms.core.models import Channel
from oms.core.roles import CUSTOMER_SERVICE, DROPSHIP_VENDOR, OMS_ADMIN, WAREHOUSE
from oms.security.services.mfa import mfa_enrol_demo_device

CHANNELS = [
    # code, name, kind, pay later, buffer
    ("web", "Web shop", Channel.Kind.WEB_SHOP, False, 0),
    ("shopify", "Shopify store", Channel.Kind.MARKETPLACE, False, 2),
    ("amazon", "Amazon", Channel.Kind.MARKETPLACE, False, 5),
    ("pos", "Stores (POS)", Channel.Kind.POS, True, 0),
    ("callcenter", "Call center", Channel.Kind.CALL_CENTER, False, 0),
    ("b2b", "B2B portal", Channel.Kind.B2B, True, 0),
]

#: username, password, role, first name. Printed by `make run`; for a demo only.
DEMO_USERS = [
    ("admin", "demo-admin-2026", OMS_ADMIN, "Ada"),
    ("agent", "demo-agent-2026", CUSTOMER_SERVICE, "Carla"),
    ("picker", "demo-picker-2026", WAREHOUSE, "Wes"),
    ("vendor", "demo-vendor-2026", DROPSHIP_VENDOR, "Vera"),
]
#: Where the demo's warehouse and vendor users work (location codes).
DEMO_WORK_LOCATIONS = {"picker": ["wh-east", "store-nyc"], "vendor": ["vendor-acme"]}


def seed_channels() -> list[Channel]:
    channels = []
    for code, name, kind, pay_later, buffer in CHANNELS:
        channel, _ = Channel.objects.update_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "pay_later_allowed": pay_later, "inventory_buffer": buffer},
        )
        channels.append(channel)
    return channels


def seed_users() -> list[User]:
    users = []
    for username, password, role, first_name in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = first_name
        user.email = f"{username}@oms.example"
        user.is_staff = role == OMS_ADMIN
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        mfa_enrol_demo_device(user=user)
        users.append(user)
    return users
