"""The home's customer-service panel: what needs attention, each number a link to its list."""

from urllib.parse import urlencode

from django.urls import reverse

from oms.core.home import register_home_panel

from .selectors import dashboard
from .views.common import AGENT_ROLES


def _orders(**params) -> str:
    return f"{reverse('desk:orders')}?{urlencode(params)}"


def panel_context(request) -> dict:
    figures = dashboard()
    today = figures["today"].date().isoformat()
    returns_url = reverse("returns:list")
    return {
        "by_status": [(label, count, _orders(status=value)) for value, label, count in figures["by_status"]],
        "by_hold": [(label, count, _orders(hold=value)) for value, label, count in figures["by_hold"]],
        "late": (figures["late"], _orders(late="on")),
        "backordered": (figures["backordered"], _orders(status="backordered")),
        "returns": [
            (label, count, f"{returns_url}?{urlencode({'status': value})}")
            for value, label, count in figures["returns"]
        ],
        "today_by_channel": [
            {
                "channel": row["channel__code"],
                "orders": row["orders"],
                "value": row["value"],
                "url": _orders(channel=row["channel__code"], placed_from=today, placed_to=today),
            }
            for row in figures["today_by_channel"]
        ],
        "today": figures["today"],
        "exceptions_url": reverse("desk:exceptions"),
    }


def register() -> None:
    register_home_panel(
        "customer_service", roles=AGENT_ROLES, template="desk/home_panel.html", context=panel_context
    )
