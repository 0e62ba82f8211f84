"""The role matrix: every principal x every endpoint and action of the API.

The operations are walked from the URL conf (every method of every pattern under /api/), so a
new endpoint fails `test_the_matrix_names_every_operation` until its row is added here. Each
request runs in a savepoint that is rolled back, so every principal meets the same world:

- ALLOWED: the request passes authorization (2xx, or 400 / 409 / 422 about its body or state);
- HIDDEN: 404, the object is outside what the principal sees (another channel's order,
  another location's work);
- everyone else with a role: 403; a signed-in user without a role: 403; anonymous: 401.
"""

import re
from contextlib import suppress
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from fulfillment import services as fulfillment
from fulfillment.models import FulfillmentOrder
from inventory import services as inventory
from oms.core.actor import Actor
from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, WAREHOUSE
from oms.integrations.inbox import services as inbox
from oms.integrations.webhooks import services as webhooks
from orders import services as orders
from returns import services as returns
from tests.conftest import api_token, make_user
from tests.fulfillment.factories import (
    UPS,
    ChannelFactory,
    LocationFactory,
    SkuFactory,
    accept,
    make_order,
    receive,
)
from tests.integrations.pushes.factories import ChannelPushFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("matrix")

ADMIN, AGENT, PICKER, PICKER_ELSEWHERE = "admin", "agent", "picker", "picker_elsewhere"
CHANNEL, OTHER_CHANNEL, NO_ROLE, ANONYMOUS = "channel", "other_channel", "no_role", "anonymous"
PRINCIPALS = [ADMIN, AGENT, PICKER, PICKER_ELSEWHERE, CHANNEL, OTHER_CHANNEL, NO_ROLE, ANONYMOUS]

STAFF = {ADMIN, AGENT, PICKER, PICKER_ELSEWHERE}
AGENTS = {ADMIN, AGENT}
WORKERS = {ADMIN, PICKER, PICKER_ELSEWHERE}
CHANNELS = {CHANNEL, OTHER_CHANNEL}
EVERYONE = STAFF | CHANNELS


@dataclass(frozen=True)
class Row:
    allowed: frozenset
    hidden: frozenset = frozenset()
    #: Authenticated by the channel's signature, not by a token or a session: 401 for everyone
    #: without a valid signature, whatever their role (a token is no signature).
    signed: bool = False

    def expected(self, principal: str) -> str:
        if principal == ANONYMOUS or self.signed:
            return "401"
        if principal in self.hidden:
            return "404"
        return "allowed" if principal in self.allowed else "403"


def row(allowed, hidden=()) -> Row:
    return Row(frozenset(allowed), frozenset(hidden))


SIGNED = Row(frozenset(), signed=True)
V1 = "/api/v1"
#: (method, path template) -> who may. Templates use the URL conf's parameter names.
MATRIX = {
    ("GET", "/api/schema/"): row(EVERYONE),
    ("GET", "/api/docs/"): row(EVERYONE),
    ("GET", f"{V1}/"): row(EVERYONE),
    # catalog
    ("GET", f"{V1}/skus/"): row(STAFF),
    ("POST", f"{V1}/skus/"): row({ADMIN}),
    ("GET", f"{V1}/skus/{{code}}/"): row(STAFF),
    ("PUT", f"{V1}/skus/{{code}}/"): row({ADMIN}),
    ("PATCH", f"{V1}/skus/{{code}}/"): row({ADMIN}),
    ("GET", f"{V1}/locations/"): row(STAFF),
    ("POST", f"{V1}/locations/"): row({ADMIN}),
    ("GET", f"{V1}/locations/{{code}}/"): row(STAFF),
    ("PUT", f"{V1}/locations/{{code}}/"): row({ADMIN}),
    ("PATCH", f"{V1}/locations/{{code}}/"): row({ADMIN}),
    # stock
    ("GET", f"{V1}/stock/levels/"): row(STAFF),
    ("GET", f"{V1}/stock/levels/{{pk}}/"): row(STAFF),
    ("GET", f"{V1}/stock/movements/"): row(STAFF),
    ("GET", f"{V1}/stock/movements/{{pk}}/"): row(STAFF),
    ("GET", f"{V1}/availability/"): row(EVERYONE),
    ("POST", f"{V1}/stock/receipts/"): row({ADMIN, PICKER}),
    ("POST", f"{V1}/stock/adjustments/"): row({ADMIN, PICKER}),
    ("POST", f"{V1}/stock/counts/"): row({ADMIN, PICKER}),
    ("GET", f"{V1}/stock/transfers/"): row(STAFF),
    ("POST", f"{V1}/stock/transfers/"): row({ADMIN, PICKER}),  # from the picker's location
    ("GET", f"{V1}/stock/transfers/{{number}}/"): row(STAFF),
    ("POST", f"{V1}/stock/transfers/{{number}}/receive/"): row({ADMIN, PICKER_ELSEWHERE}),  # destination
    ("POST", f"{V1}/stock/transfers/{{number}}/cancel/"): row({ADMIN, PICKER}),  # source
    # orders
    ("GET", f"{V1}/orders/"): row(AGENTS | CHANNELS),
    ("POST", f"{V1}/orders/"): row(AGENTS | CHANNELS),
    ("GET", f"{V1}/orders/{{number}}/"): row(AGENTS | {CHANNEL}, hidden={OTHER_CHANNEL}),
    ("POST", f"{V1}/orders/{{number}}/hold/"): row(AGENTS),
    ("POST", f"{V1}/orders/{{number}}/holds/{{hold_id}}/release/"): row(AGENTS),
    ("POST", f"{V1}/orders/{{number}}/cancel/"): row(AGENTS),
    ("POST", f"{V1}/orders/{{number}}/cancel-lines/"): row(AGENTS),
    ("POST", f"{V1}/orders/{{number}}/edit-address/"): row(AGENTS),
    ("POST", f"{V1}/orders/{{number}}/edit-lines/"): row(AGENTS),
    ("POST", f"{V1}/orders/{{number}}/notes/"): row(AGENTS),
    ("POST", f"{V1}/orders/{{number}}/payment/"): row(AGENTS | {CHANNEL}, hidden={OTHER_CHANNEL}),
    ("POST", f"{V1}/orders/{{number}}/anonymize/"): row({ADMIN}),
    # fulfillment
    ("GET", f"{V1}/fulfillment-orders/"): row(STAFF),
    ("GET", f"{V1}/fulfillment-orders/{{pk}}/"): row(STAFF - {PICKER_ELSEWHERE}, hidden={PICKER_ELSEWHERE}),
    **{
        ("POST", f"{V1}/fulfillment-orders/{{pk}}/{step}/"): row({ADMIN, PICKER}, hidden={PICKER_ELSEWHERE})
        for step in (
            "start-picking",
            "confirm-pick",
            "pack",
            "ship",
            "ready-for-pickup",
            "collect",
            "send-to-vendor",
            "reject",
        )
    },
    ("POST", f"{V1}/fulfillment-orders/{{pk}}/deliver/"): row(
        {ADMIN, AGENT, PICKER}, hidden={PICKER_ELSEWHERE}
    ),
    ("POST", f"{V1}/fulfillment-orders/{{pk}}/reroute/"): row(AGENTS),
    ("POST", f"{V1}/fulfillment-orders/{{pk}}/confirm-change/"): row(
        {ADMIN, PICKER}, hidden={PICKER_ELSEWHERE}
    ),
    ("GET", f"{V1}/shipments/"): row(STAFF),
    ("GET", f"{V1}/shipments/{{pk}}/"): row(STAFF - {PICKER_ELSEWHERE}, hidden={PICKER_ELSEWHERE}),
    # returns
    ("GET", f"{V1}/returns/"): row(STAFF | CHANNELS),
    ("POST", f"{V1}/returns/"): row(AGENTS | {CHANNEL}, hidden={OTHER_CHANNEL}),
    ("GET", f"{V1}/returns/{{number}}/"): row(STAFF | {CHANNEL}, hidden={OTHER_CHANNEL}),
    ("POST", f"{V1}/returns/{{number}}/authorize/"): row(AGENTS),
    ("POST", f"{V1}/returns/{{number}}/reject/"): row(AGENTS),
    ("POST", f"{V1}/returns/{{number}}/cancel/"): row(AGENTS),
    ("POST", f"{V1}/returns/{{number}}/tracking/"): row(AGENTS | {CHANNEL}, hidden={OTHER_CHANNEL}),
    ("POST", f"{V1}/returns/{{number}}/receive/"): row({ADMIN, PICKER}),  # at the picker's location
    ("POST", f"{V1}/returns/{{number}}/refund/"): row(AGENTS),
    ("POST", f"{V1}/returns/{{number}}/resend-refund/"): row(AGENTS),
    ("POST", f"{V1}/returns/{{number}}/exchange/"): row(AGENTS),
    # the inbox of channel documents
    ("GET", f"{V1}/inbox/documents/"): row(AGENTS | CHANNELS),
    ("POST", f"{V1}/inbox/documents/"): row(AGENTS | CHANNELS),
    ("GET", f"{V1}/inbox/documents/{{pk}}/"): row(AGENTS | {CHANNEL}, hidden={OTHER_CHANNEL}),
    ("POST", f"{V1}/inbox/documents/{{pk}}/replay/"): row({ADMIN}),
    # outbound webhooks (admins only)
    ("GET", f"{V1}/webhook-endpoints/"): row({ADMIN}),
    ("POST", f"{V1}/webhook-endpoints/"): row({ADMIN}),
    ("GET", f"{V1}/webhook-endpoints/{{pk}}/"): row({ADMIN}),
    ("PATCH", f"{V1}/webhook-endpoints/{{pk}}/"): row({ADMIN}),
    ("DELETE", f"{V1}/webhook-endpoints/{{pk}}/"): row({ADMIN}),
    ("GET", f"{V1}/webhook-endpoints/{{pk}}/deliveries/"): row({ADMIN}),
    ("POST", f"{V1}/webhook-endpoints/{{pk}}/deliveries/{{delivery_id}}/redeliver/"): row({ADMIN}),
    ("POST", f"{V1}/webhook-endpoints/{{pk}}/redeliver/"): row({ADMIN}),
    ("POST", f"{V1}/webhook-endpoints/{{pk}}/rotate-secret/"): row({ADMIN}),
    # channel endpoints (issue 17)
    # what the sales channels were told (shipments, cancellations)
    ("GET", f"{V1}/channel-pushes/"): row(AGENTS),
    ("GET", f"{V1}/channel-pushes/{{pk}}/"): row(AGENTS),
    ("POST", f"{V1}/channel-pushes/{{pk}}/retry/"): row(AGENTS),
    ("POST", f"{V1}/channels/{{code}}/webhooks/"): SIGNED,
    ("POST", f"{V1}/channels/{{code}}/orders/"): row(AGENTS | {CHANNEL}),
    ("POST", f"{V1}/channels/{{code}}/pull/"): row({ADMIN}),
}


# --- walking the URL conf --------------------------------------------------------------


def _template(route: str) -> str:
    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _methods(callback) -> set[str]:
    actions = getattr(callback, "actions", None)
    if actions:  # DRF adds "head" for "get" at the first request: not an operation of its own
        return {method.upper() for method in actions if method != "head"}
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    names = getattr(view_class, "http_method_names", [])
    return {name.upper() for name in names if name not in ("options", "head") and hasattr(view_class, name)}


def api_operations() -> set[tuple[str, str]]:
    found = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.lstrip("^").startswith("api/"):
                for method in _methods(pattern.callback):
                    found.add((method, _template(route)))

    walk(get_resolver().url_patterns)
    return found


def test_the_matrix_names_every_operation():
    operations = api_operations()
    missing = sorted(operations - set(MATRIX))
    assert not missing, f"add these operations to the role matrix: {missing}"
    stale = sorted(set(MATRIX) - operations)
    assert not stale, f"the role matrix names operations that no longer exist: {stale}"
    assert len(operations) >= 60


# --- the world every principal meets ---------------------------------------------------


@dataclass
class World:
    values: dict
    bodies: dict
    clients: dict


def _token_client(key: str | None) -> APIClient:
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def world(db) -> World:
    web, amazon = ChannelFactory(code="web"), ChannelFactory(code="amazon")
    east, west = LocationFactory(code="wh-east"), LocationFactory(code="wh-west")
    sku = SkuFactory(code="MATRIX-1")
    receive(sku, east, 50)

    users = {
        ADMIN: make_user("ada", OMS_ADMIN),
        AGENT: make_user("carla", CUSTOMER_SERVICE),
        PICKER: make_user("wes", WAREHOUSE),
        PICKER_ELSEWHERE: make_user("wendy", WAREHOUSE),
        NO_ROLE: make_user("nobody", None),
    }
    east.staff.add(users[PICKER])
    west.staff.add(users[PICKER_ELSEWHERE])
    tokens = {name: api_token(user) for name, user in users.items()}
    for name, channel in ((CHANNEL, web), (OTHER_CHANNEL, amazon)):
        tokens[name] = channel.issue_token()
        channel.save()

    held = accept(make_order([(sku, 1)], channel=web))  # pending work at east
    hold = orders.order_hold(order=held, kind="manual", reason="matrix", actor=SYSTEM)
    fo = FulfillmentOrder.objects.get(order=held)

    shipped = accept(make_order([(sku, 2)], channel=web, payment_status="paid"))
    shipped_fo = FulfillmentOrder.objects.get(order=shipped)
    fulfillment.fulfillment_start_picking(fo=shipped_fo, actor=SYSTEM)
    fulfillment.fulfillment_confirm_pick(fo=shipped_fo, picked={}, actor=SYSTEM)
    fulfillment.fulfillment_pack(fo=shipped_fo, actor=SYSTEM)
    [shipment] = fulfillment.fulfillment_ship(
        fo=shipped_fo,
        packages=[{"carrier": "UPS", "tracking_number": UPS, "lines": {shipped_fo.lines.get().pk: 2}}],
        actor=SYSTEM,
    )
    order_line = shipped.lines.get()
    rma = returns.return_create(
        order=shipped,
        lines=[{"order_line": order_line.pk, "quantity": 1, "reason_code": "other"}],
        actor=SYSTEM,
    )
    rma = returns.return_authorize(rma=rma, actor=SYSTEM)
    transfer = inventory.transfer_dispatch(
        sku=sku, from_location=east, to_location=west, quantity=1, actor=SYSTEM
    )
    level = sku.stock_levels.get(location=east)
    document, _created = inbox.inbox_receive(channel=web, source="import", body='{"external_id": "M-1"}')
    endpoint = webhooks.endpoint_create(url="http://127.0.0.1:9/oms", events=["*"], actor=SYSTEM)
    webhooks.outbox_dispatch()
    delivery = endpoint.deliveries.first()
    push = ChannelPushFactory(order=held, status="failed")

    values = {
        "code": {"skus": sku.code, "locations": east.code, "channels": web.code},
        "number": {"orders": held.number, "returns": rma.number, "stock/transfers": transfer.number},
        "pk": {
            "stock/levels": level.pk,
            "stock/movements": level.movements.first().pk,
            "fulfillment-orders": fo.pk,
            "shipments": shipment.pk,
            "inbox/documents": document.pk,
            "webhook-endpoints": endpoint.pk,
            "channel-pushes": push.pk,
        },
        "hold_id": hold.pk,
        "delivery_id": delivery.pk,
    }
    stock_line = {"sku": sku.code, "quantity": 1}
    bodies = {
        ("POST", f"{V1}/stock/receipts/"): {"location": "wh-east", "lines": [stock_line]},
        ("POST", f"{V1}/stock/adjustments/"): {
            "sku": sku.code,
            "location": "wh-east",
            "delta": 1,
            "reason": "x",
        },
        ("POST", f"{V1}/stock/counts/"): {"location": "wh-east", "lines": [{"sku": sku.code, "counted": 40}]},
        ("POST", f"{V1}/stock/transfers/"): {
            "sku": sku.code,
            "from_location": "wh-east",
            "to_location": "wh-west",
            "quantity": 1,
        },
        ("POST", f"{V1}/stock/transfers/{{number}}/cancel/"): {"reason": "not needed"},
        ("POST", f"{V1}/webhook-endpoints/"): {"url": "http://127.0.0.1:9/new", "events": ["order.*"]},
        ("POST", f"{V1}/webhook-endpoints/{{pk}}/redeliver/"): {"since": "2020-01-01T00:00:00Z"},
        ("POST", f"{V1}/returns/"): {
            "order": shipped.number,
            "lines": [{"order_line": order_line.pk, "quantity": 1, "reason_code": "other"}],
        },
        ("POST", f"{V1}/returns/{{number}}/receive/"): {
            "location": "wh-east",
            "lines": [
                {
                    "return_line": rma.lines.get().pk,
                    "quantity": 1,
                    "condition": "new",
                    "disposition": "restock",
                }
            ],
        },
    }
    clients = {name: _token_client(tokens.get(name)) for name in PRINCIPALS}
    return World(values, bodies, clients)


def fill(template: str, world: World) -> str:
    collection = re.match(rf"{V1}/(.+?)/{{", template)
    collection = collection.group(1) if collection else ""

    def value(match):
        name = match.group(1)
        found = world.values[name]
        return str(found[collection] if isinstance(found, dict) else found)

    return re.sub(r"{(\w+)}", value, template)


class Rollback(Exception):
    pass


def answer(client: APIClient, method: str, path: str, body) -> int:
    """The status of one request, with everything it wrote rolled back."""
    status = None
    with suppress(Rollback), transaction.atomic():
        if method == "GET":
            response = client.get(path)
        else:
            response = getattr(client, method.lower())(path, body, format="json")
        status = response.status_code
        raise Rollback
    return status


def status_class(status: int) -> str:
    if 200 <= status < 300 or status in (400, 409, 422):
        return "allowed"
    return str(status)


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_each_principal_gets_what_its_role_allows_on_every_operation(world, principal):
    client = world.clients[principal]
    wrong = []
    for (method, template), expected_row in sorted(MATRIX.items(), key=lambda item: item[0][1]):
        path = fill(template, world)
        status = answer(client, method, path, world.bodies.get((method, template), {}))
        expected = expected_row.expected(principal)
        if principal == NO_ROLE and not expected_row.signed:
            expected = "403"
        if status_class(status) != expected:
            wrong.append(f"{method} {path}: {status}, expected {expected}")
    assert not wrong, f"{principal}:\n" + "\n".join(wrong)


def test_the_matrix_size():
    """8 principals x every operation; printed for the issue note."""
    cells = len(PRINCIPALS) * len(MATRIX)
    print(f"role matrix: {len(PRINCIPALS)} principals x {len(MATRIX)} operations = {cells} cells")
    assert len(MATRIX) >= 60
