"""Issue 5's scenario as its users live it: a channel posts the order through the REST API,
warehouse staff at each location work it through the API with their own tokens."""

import pytest

from inventory.models import StockLevel
from oms.core.roles import CUSTOMER_SERVICE, WAREHOUSE
from orders.models import Order
from tests.conftest import client_for, make_user
from tests.orders.factories import ChannelFactory, order_payload

from .factories import LocationFactory, receive
from .invariants import assert_invariants

pytestmark = pytest.mark.django_db
FO_URL = "/api/v1/fulfillment-orders/"


def on_hand_reserved(sku, location):
    level = StockLevel.objects.get(sku=sku, location=location)
    return level.on_hand, level.reserved


@pytest.fixture
def channel_client():
    channel = ChannelFactory(code="web", pay_later_allowed=True)
    token = channel.issue_token()
    channel.save()
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def staff_at(location, username):
    user = make_user(username, WAREHOUSE)
    location.staff.add(user)
    return client_for(user)


def work_of(client, order_number):
    return {fo["location"]: fo for fo in client.get(FO_URL, {"order": order_number}).json()["results"]}


def test_split_pick_short_reroute_pack_ship_through_the_api(channel_client, east, west, sku_a, sku_b):
    south = LocationFactory(code="wh-south", latitude="33.748995", longitude="-84.387982", priority=30)
    receive(sku_a, east, 5)
    receive(sku_b, west, 4)
    receive(sku_b, south, 2)
    east_staff, west_staff, south_staff = (
        staff_at(east, "eve"),
        staff_at(west, "walt"),
        staff_at(south, "sue"),
    )

    body = order_payload(lines=[(sku_a.code, 2, "10.00"), (sku_b.code, 2, "6.00")], external_id="API-1")
    created = channel_client.post("/api/v1/orders/", body, HTTP_IDEMPOTENCY_KEY="api-1")
    assert created.status_code == 201, created.json()
    number = created.json()["number"]
    assert created.json()["status"] == "new"  # accepted; sourced once the intake has committed
    assert Order.objects.get(number=number).status == "allocated"

    fo_east = work_of(east_staff, number)["wh-east"]
    fo_west = work_of(west_staff, number)["wh-west"]
    assert set(work_of(east_staff, number)) == {"wh-east"}  # each sees only their own location
    assert east_staff.get(f"{FO_URL}{fo_west['id']}/").status_code == 404
    assert east_staff.post(f"{FO_URL}{fo_west['id']}/start-picking/").status_code == 404
    assert on_hand_reserved(sku_a, east) == (5, 2) and on_hand_reserved(sku_b, west) == (4, 2)
    assert_invariants()

    for client, fo in ((east_staff, fo_east), (west_staff, fo_west)):
        assert client.post(f"{FO_URL}{fo['id']}/start-picking/").status_code == 200
    assert east_staff.post(f"{FO_URL}{fo_east['id']}/confirm-pick/", {"lines": []}).status_code == 200
    west_line = fo_west["lines"][0]["id"]
    short = west_staff.post(
        f"{FO_URL}{fo_west['id']}/confirm-pick/", {"lines": [{"line": west_line, "quantity": 1}]}
    )
    assert short.status_code == 200, short.json()
    fo_south = work_of(south_staff, number)["wh-south"]  # the missing unit went to the next location
    assert fo_south["lines"][0]["quantity"] == 1
    assert on_hand_reserved(sku_b, west) == (4, 1) and on_hand_reserved(sku_b, south) == (2, 1)
    assert_invariants()

    for client, fo in ((east_staff, fo_east), (west_staff, fo_west)):
        assert client.post(f"{FO_URL}{fo['id']}/pack/").status_code == 200
    packages = {
        "packages": [
            {
                "carrier": "UPS",
                "service": "Ground",
                "tracking_number": "1Z999AA10123456784",
                "lines": [{"line": fo_east["lines"][0]["id"], "quantity": 1}],
            },
            {
                "carrier": "UPS",
                "service": "Ground",
                "tracking_number": "1Z999AA10123456785",
                "lines": [{"line": fo_east["lines"][0]["id"], "quantity": 1}],
            },
        ]
    }
    shipped = east_staff.post(f"{FO_URL}{fo_east['id']}/ship/", packages)
    assert shipped.status_code == 200, shipped.json()
    assert shipped.json()["state"] == "shipped"
    assert on_hand_reserved(sku_a, east) == (3, 0)

    west_ship = {
        "packages": [
            {
                "carrier": "FedEx",
                "tracking_number": "771200000001",
                "lines": [{"line": west_line, "quantity": 1}],
            }
        ]
    }
    assert west_staff.post(f"{FO_URL}{fo_west['id']}/ship/", west_ship).status_code == 200
    for step in ("start-picking", "confirm-pick", "pack"):
        assert south_staff.post(f"{FO_URL}{fo_south['id']}/{step}/").status_code == 200, step
    south_ship = {
        "packages": [
            {
                "carrier": "USPS",
                "tracking_number": "9400111899223197428490",
                "lines": [{"line": fo_south["lines"][0]["id"], "quantity": 1}],
            }
        ]
    }
    assert south_staff.post(f"{FO_URL}{fo_south['id']}/ship/", south_ship).status_code == 200
    assert (on_hand_reserved(sku_b, west), on_hand_reserved(sku_b, south)) == ((3, 0), (1, 0))
    assert_invariants()

    tracking = {s["tracking_number"] for s in east_staff.get("/api/v1/shipments/").json()["results"]}
    assert tracking == {"1Z999AA10123456784", "1Z999AA10123456785"}  # east staff see their own
    agent = client_for(make_user("carla", CUSTOMER_SERVICE))
    order = agent.get(f"/api/v1/orders/{number}/").json()
    assert order["status"] == "shipped"
    assert [line["quantities"]["shipped"] for line in order["lines"]] == [2, 2]
    kinds = [event["kind"] for event in order["timeline"]]
    assert kinds.count("shipped") == 3 and "deallocated" in kinds
