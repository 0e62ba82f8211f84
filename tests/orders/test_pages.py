"""Staff pages: search, detail, release a hold."""

import pytest

from oms.core.actor import Actor
from orders import services

from .factories import make_order

pytestmark = pytest.mark.django_db


def test_customer_service_finds_an_order_and_pages_through(client, cs_user, web, skus, monkeypatch):
    for n in range(3):
        make_order(web, external_id=f"P-{n}", placed_at=f"2026-03-0{n + 1}T10:00:00Z")
    client.force_login(cs_user)
    html = client.get("/orders/", {"q": "P-1"}).content.decode()
    assert "data-search" in html and "P-1" in html and "P-2" not in html
    monkeypatch.setattr("orders.views.PAGE_SIZE", 2)
    first = client.get("/orders/")
    assert first.context["next_url"]
    second = client.get("/orders/" + first.context["next_url"])
    assert [o.external_id for o in first.context["orders"]] == ["P-2", "P-1"]
    assert [o.external_id for o in second.context["orders"]] == ["P-0"]
    assert not second.context["next_url"]


def test_detail_shows_lines_holds_timeline_and_releases_a_hold(client, cs_user, prepaid, skus):
    order = make_order(prepaid, payment_status="pending")
    services.order_add_note(order=order, message="called the customer", actor=Actor.system())
    client.force_login(cs_user)
    html = client.get(f"/orders/{order.number}/").content.decode()
    assert "TSHIRT-M" in html and 'data-hold="payment"' in html and "called the customer" in html
    hold = order.holds.get()
    response = client.post(
        f"/orders/{order.number}/holds/{hold.pk}/release/",
        {"reason": "paid by phone", "override": "1"},
        follow=True,
    )
    assert "Hold released." in response.content.decode()
    assert order.holds.get().release_reason == "Override: paid by phone"


def test_warehouse_cannot_open_order_pages(client, warehouse_user, web, skus):
    order = make_order(web)
    client.force_login(warehouse_user)
    assert client.get("/orders/").status_code == 403
    assert client.get(f"/orders/{order.number}/").status_code == 403
