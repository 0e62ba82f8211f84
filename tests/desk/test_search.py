"""Search on the desk: every kind of lookup, filters, count, keyset pages both ways, CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from oms.core.actor import Actor
from oms.core.paging import Count, capped_count
from orders import services
from orders.models import Order

pytestmark = pytest.mark.django_db


def numbers(response) -> list[str]:
    return [order.number for order in response.context["orders"]]


def test_a_number_finds_its_order_with_or_without_the_prefix(agent, order_with):
    order, _other = order_with(1, external_id="A-1"), order_with(1, external_id="A-2")
    for query in (order.number, order.number.lower(), order.number.removeprefix("OMS-")):
        assert numbers(agent.get("/orders/", {"q": query})) == [order.number], query


def test_email_name_phone_sku_and_external_id(agent, order_with, catalog):
    order = order_with(
        2,
        external_id="EXT-77",
        customer={"email": "Zoe@Example.com", "name": "Zoe Quinn", "phone": "+1 415 555 0199"},
    )
    order_with(1, external_id="EXT-78")
    for query in ("zoe@example.com", "zoe@", "Zoe Quinn", "quinn", "+1 415 555", "EXT-77", catalog[1].code):
        assert numbers(agent.get("/orders/", {"q": query})) == [order.number], query


def test_filters_late_and_sort_by_ship_by(agent, order_with):
    now = timezone.now()
    late = order_with(1, external_id="L-1", ship_by=(now - timedelta(days=1)).isoformat())
    soon = order_with(1, external_id="S-1", ship_by=(now + timedelta(days=1)).isoformat())
    later = order_with(1, external_id="S-2", ship_by=(now + timedelta(days=5)).isoformat())
    assert numbers(agent.get("/orders/", {"late": "on"})) == [late.number]
    assert numbers(agent.get("/orders/", {"sort": "ship_by"})) == [late.number, soon.number, later.number]
    services.order_hold(order=soon, kind="fraud", reason="check", actor=Actor.system())
    assert numbers(agent.get("/orders/", {"hold": "fraud"})) == [soon.number]
    assert numbers(agent.get("/orders/", {"status": "on_hold", "channel": "web"})) == [soon.number]
    assert numbers(agent.get("/orders/", {"payment_status": "paid"})) == []
    placed = Order.objects.get(pk=late.pk).placed_at.date().isoformat()
    assert len(numbers(agent.get("/orders/", {"placed_from": placed, "placed_to": placed}))) == 3
    assert agent.get("/orders/", {"placed_from": "not a date"}).context["orders"] == []


def test_pages_go_forward_and_back_in_both_sorts(agent, order_with, monkeypatch):
    monkeypatch.setattr("oms.desk.views.orders.PAGE_SIZE", 2)
    now = timezone.now()
    made = [
        order_with(1, external_id=f"P-{n}", ship_by=(now + timedelta(hours=n)).isoformat()) for n in range(5)
    ]
    for sort, expected in (
        ("placed", [o.number for o in reversed(made)]),
        ("ship_by", [o.number for o in made]),
    ):
        first = agent.get("/orders/", {"sort": sort})
        assert not first.context["previous_url"]
        second = agent.get("/orders/" + first.context["next_url"])
        third = agent.get("/orders/" + second.context["next_url"])
        assert numbers(first) + numbers(second) + numbers(third) == expected
        assert not third.context["next_url"]
        back = agent.get("/orders/" + third.context["previous_url"])
        assert numbers(back) == numbers(second)
        assert numbers(agent.get("/orders/" + back.context["previous_url"])) == numbers(first)
    assert agent.get("/orders/", {"after": "garbage"}).status_code == 200


def test_the_count_is_exact_below_the_cap_and_more_than_above_it(agent, order_with):
    for n in range(4):
        order_with(1, external_id=f"C-{n}")
    assert capped_count(Order.objects.all(), 10) == Count(4, True)
    assert capped_count(Order.objects.all(), 3) == Count(3, False)
    assert str(Count(10_000, False)) == "more than 10,000"
    assert "<strong>4</strong> orders" in agent.get("/orders/").content.decode()


def test_the_csv_export_streams_the_whole_filtered_list(agent, order_with, monkeypatch):
    monkeypatch.setattr("oms.desk.views.orders.PAGE_SIZE", 2)
    for n in range(3):
        order_with(1, external_id=f"X-{n}", customer={"email": "x@example.com", "name": "=cmd|calc"})
    order_with(1, external_id="OTHER", customer={"email": "y@example.com", "name": "Y"})
    response = agent.get("/orders/export.csv", {"q": "x@example.com"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(row["external_id"] for row in rows) == ["X-0", "X-1", "X-2"]  # all, not one page
    assert rows[0]["customer_name"] == "'=cmd|calc"  # never run as a spreadsheet formula


def test_warehouse_cannot_open_order_pages(client, warehouse_user, order_with):
    order = order_with(1)
    client.force_login(warehouse_user)
    for url in ("/orders/", f"/orders/{order.number}/", "/orders/export.csv", "/exceptions/"):
        assert client.get(url).status_code == 403, url
