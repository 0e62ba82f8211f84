"""The fulfillment API: lists, detail, every action, and warehouse users limited to their
own locations."""

import pytest
from django.urls import reverse

from fulfillment.models import FulfillmentOrder, Shipment
from tests.conftest import client_for

from .factories import accept, fresh, make_order, receive
from .invariants import assert_invariants

pytestmark = pytest.mark.django_db


def url(name, fo=None):
    return reverse(f"api:fulfillmentorder-{name}", args=[fo.pk] if fo else None)


@pytest.fixture
def two_orders(east, west, sku_a, sku_b):
    receive(sku_a, east, 10)
    receive(sku_b, west, 10)
    here = accept(make_order([(sku_a, 2)]))
    there = accept(make_order([(sku_b, 1)]))
    return FulfillmentOrder.objects.get(order=here), FulfillmentOrder.objects.get(order=there)


@pytest.fixture
def picker(warehouse_user, east):
    east.staff.add(warehouse_user)
    return client_for(warehouse_user)


def test_warehouse_user_sees_only_their_locations(picker, two_orders):
    mine, theirs = two_orders
    listed = picker.get(url("list")).json()["results"]
    assert [row["number"] for row in listed] == [mine.number]
    assert picker.get(url("detail", mine)).status_code == 200
    assert picker.get(url("detail", theirs)).status_code == 404
    response = picker.post(url("start-picking", theirs))
    assert response.status_code == 404
    assert fresh(theirs).state == "pending"


def test_warehouse_user_without_locations_sees_nothing(warehouse_user, two_orders):
    client = client_for(warehouse_user)
    assert client.get(url("list")).json()["results"] == []
    assert client.get(url("detail", two_orders[0])).status_code == 404


def test_admin_and_customer_service_see_everything(api, cs_user, two_orders):
    for client in (api, client_for(cs_user)):
        assert len(client.get(url("list")).json()["results"]) == 2


def test_filters_by_location_and_state(api, two_orders):
    rows = api.get(url("list"), {"location": "wh-west"}).json()["results"]
    assert [row["location"] for row in rows] == ["wh-west"]
    assert api.get(url("list"), {"state": "packed"}).json()["results"] == []
    assert len(api.get(url("list"), {"state": ["pending", "packed"]}).json()["results"]) == 2


def test_customer_service_cannot_pick_but_can_reroute(cs_user, two_orders, east, west, sku_a):
    mine, _ = two_orders
    client = client_for(cs_user)
    assert client.post(url("start-picking", mine)).status_code == 403
    receive(sku_a, west, 5)
    response = client.post(url("reroute", mine), {"location": "wh-west", "reason": "customer asked"})
    assert response.status_code == 200, response.json()
    assert response.json()["location"] == "wh-west"
    assert fresh(mine).state == "cancelled"
    assert_invariants()


def test_warehouse_user_cannot_reroute(picker, two_orders):
    response = picker.post(url("reroute", two_orders[0]), {"location": "wh-west", "reason": "x"})
    assert response.status_code == 403


def test_pick_pack_ship_deliver_through_the_api(picker, two_orders, sku_a, east):
    fo, _ = two_orders
    line = fo.lines.get()
    assert picker.post(url("start-picking", fo)).json()["state"] == "picking"
    body = picker.post(url("confirm-pick", fo), {"lines": [{"line": line.pk, "quantity": 2}]}).json()
    assert body["lines"][0]["quantity_picked"] == 2
    assert picker.post(url("pack", fo)).json()["state"] == "packed"
    payload = {
        "packages": [
            {
                "carrier": "UPS",
                "service": "Ground",
                "tracking_number": "1Z999AA10123456784",
                "lines": [{"line": line.pk, "quantity": 2}],
            }
        ]
    }
    response = picker.post(url("ship", fo), payload, HTTP_IDEMPOTENCY_KEY="ship-1")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "shipped"
    assert response.json()["shipments"][0]["tracking_number"] == "1Z999AA10123456784"
    replay = picker.post(url("ship", fo), payload, HTTP_IDEMPOTENCY_KEY="ship-1")
    assert replay.status_code == 200
    assert replay["Idempotent-Replayed"] == "true"
    assert Shipment.objects.count() == 1
    assert fresh(fo.order).status == "shipped"
    assert picker.post(url("deliver", fo)).json()["state"] == "delivered"
    assert fresh(fo.order).status == "completed"
    assert_invariants()


def test_refusals_are_problem_details(picker, two_orders):
    fo, _ = two_orders
    response = picker.post(url("pack", fo))
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "invalid_transition"
    bad = picker.post(url("ship", fo), {"packages": []})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "packages"


def test_short_pick_through_the_api_resources_elsewhere(picker, two_orders, west, sku_a):
    fo, _ = two_orders
    receive(sku_a, west, 5)
    line = fo.lines.get()
    picker.post(url("start-picking", fo))
    body = picker.post(url("confirm-pick", fo), {"lines": [{"line": line.pk, "quantity": 1}]}).json()
    assert body["lines"][0]["quantity"] == 1
    assert FulfillmentOrder.objects.get(order=fo.order, location=west).lines.get().quantity == 1
    assert_invariants()


def test_reject_through_the_api(picker, two_orders, west, sku_a):
    fo, _ = two_orders
    receive(sku_a, west, 5)
    response = picker.post(url("reject", fo), {"reason": "cannot find it"})
    assert response.json()["state"] == "cancelled"
    assert response.json()["cancel_reason"] == "rejected: cannot find it"
    assert FulfillmentOrder.objects.get(order=fo.order, state="pending").location == west


def test_pickup_and_dropship_actions(api, store, vendor):
    from .factories import SkuFactory

    sku = SkuFactory(code="P-1")
    drop_sku = SkuFactory(code="D-1", dropship_vendor=vendor)
    receive(sku, store, 2)
    receive(drop_sku, vendor, 2)
    pickup = FulfillmentOrder.objects.get(
        order=accept(make_order([(sku, 1)], delivery_method="pickup", pickup_location=store))
    )
    for step in ("start-picking", "confirm-pick", "pack", "ready-for-pickup"):
        assert api.post(url(step, pickup)).status_code == 200, step
    assert api.post(url("collect", pickup), {"collected_by": "Pat"}).json()["state"] == "collected"
    drop = FulfillmentOrder.objects.get(order=accept(make_order([(drop_sku, 1)])))
    assert api.post(url("send-to-vendor", drop)).json()["state"] == "sent_to_vendor"
    line = drop.lines.get()
    shipped = api.post(
        url("ship", drop),
        {
            "packages": [
                {
                    "carrier": "DHL",
                    "tracking_number": "1234567890",
                    "lines": [{"line": line.pk, "quantity": 1}],
                }
            ]
        },
    )
    assert shipped.json()["state"] == "shipped"
    assert_invariants()


def test_shipments_are_scoped_like_their_fulfillment_orders(picker, api, two_orders):
    mine, theirs = two_orders
    for fo in (mine, theirs):
        for step in ("start-picking", "confirm-pick", "pack"):
            api.post(url(step, fo))
        line = fo.lines.get()
        api.post(
            url("ship", fo),
            {
                "packages": [
                    {
                        "carrier": "UPS",
                        "tracking_number": f"1Z{fo.pk:016d}",
                        "lines": [{"line": line.pk, "quantity": line.quantity}],
                    }
                ]
            },
        )
    assert len(api.get(reverse("api:shipment-list")).json()["results"]) == 2
    rows = picker.get(reverse("api:shipment-list")).json()["results"]
    assert [row["tracking_number"] for row in rows] == [f"1Z{mine.pk:016d}"]
    other = Shipment.objects.get(fulfillment_order=theirs)
    assert picker.get(reverse("api:shipment-detail", args=[other.pk])).status_code == 404
    found = api.get(reverse("api:shipment-list"), {"tracking_number": f"1Z{theirs.pk:016d}"}).json()[
        "results"
    ]
    assert [row["order"] for row in found] == [theirs.order.number]


def test_list_query_count_is_flat(api, two_orders, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert api.get(url("list")).status_code == 200


def test_channels_have_no_access(two_orders):
    from rest_framework.test import APIClient

    from oms.core.models import Channel

    channel = Channel.objects.get(code="web")
    token = channel.issue_token()
    channel.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(url("list")).status_code == 403
