"""The staff navigation: each entry names the roles that see it.

Entries point at URL names; an entry whose page is not installed is left out.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from .roles import CUSTOMER_SERVICE, DROPSHIP_VENDOR, OMS_ADMIN, WAREHOUSE, user_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    key: str = ""


NAV_ITEMS = [
    NavItem("Home", "home", frozenset({CUSTOMER_SERVICE, WAREHOUSE, OMS_ADMIN}), "h"),
    NavItem("Orders", "desk:orders", frozenset({CUSTOMER_SERVICE, OMS_ADMIN}), "o"),
    NavItem("Exceptions", "desk:exceptions", frozenset({CUSTOMER_SERVICE, OMS_ADMIN}), "e"),
    NavItem("Work queue", "fulfillment:queue", frozenset({WAREHOUSE, OMS_ADMIN}), "w"),
    NavItem("Drop-ship", "fulfillment:vendor", frozenset({DROPSHIP_VENDOR, OMS_ADMIN}), "d"),
    NavItem("Returns", "returns:list", frozenset({CUSTOMER_SERVICE, WAREHOUSE, OMS_ADMIN}), "r"),
    NavItem("Stock", "inventory:stock_lookup", frozenset({CUSTOMER_SERVICE, WAREHOUSE, OMS_ADMIN}), "s"),
    NavItem("Transfers", "inventory:transfers", frozenset({WAREHOUSE, OMS_ADMIN}), "t"),
    NavItem("API", "api-docs", frozenset({OMS_ADMIN}), ""),
    NavItem("Admin", "admin:index", frozenset({OMS_ADMIN}), ""),
]


def nav_for(user, current_path: str) -> list[dict]:
    roles = user_roles(user)
    items = []
    for item in NAV_ITEMS:
        if not roles & item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "key": item.key, "active": active})
    return items
