"""Staff pages: the returns list with filters and search, the detail page, deciding and
receiving through forms."""

import pytest
from django.test import Client
from django.urls import reverse

from inventory.models import StockLevel
from tests.conftest import make_user

from .factories import authorized, fresh, request, shipped_order

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def order(east, shirt, mug):
    return shipped_order(east, [{"sku": shirt, "quantity": 2}, {"sku": mug, "quantity": 1}])


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("returns:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_list_filters_by_status_and_searches(cs_user, order):
    shirts, mugs = order.lines.order_by("line_number")
    waiting = request(order, (shirts, 1))
    ready = authorized(order, (mugs, 1))
    page = signed_in(cs_user)
    html = page.get(reverse("returns:list")).content.decode()
    assert waiting.number in html and ready.number in html
    assert 'href="/returns/"' in html  # the Returns entry in the navigation
    html = page.get(reverse("returns:list"), {"status": "authorized"}).content.decode()
    assert ready.number in html and waiting.number not in html
    html = page.get(reverse("returns:list"), {"q": waiting.number.lower()}).content.decode()
    assert waiting.number in html and ready.number not in html
    html = page.get(reverse("returns:list"), {"q": "NOPE"}).content.decode()
    assert "No returns found." in html


def test_customer_service_authorizes_and_rejects_on_the_page(cs_user, order):
    shirts, mugs = order.lines.order_by("line_number")
    first, second = request(order, (shirts, 1)), request(order, (mugs, 1))
    page = signed_in(cs_user)
    assert "Authorize" in page.get(reverse("returns:detail", args=[first.number])).content.decode()
    response = page.post(reverse("returns:authorize", args=[first.number]), follow=True)
    assert f"Return {first.number} authorized." in response.content.decode()
    assert fresh(first).status == "authorized"
    page.post(reverse("returns:reject", args=[second.number]), {"reason": "Final sale"})
    assert (fresh(second).status, fresh(second).reject_reason) == ("rejected", "Final sale")
    refused = page.post(reverse("returns:reject", args=[first.number]), {"reason": "x"}, follow=True)
    assert "cannot be rejected" in refused.content.decode()


def test_warehouse_receives_at_their_location(warehouse_user, order, east, shirt):
    east.staff.add(warehouse_user)
    rma = authorized(order, (order.lines.order_by("line_number").first(), 2))
    line = rma.lines.get()
    page = signed_in(warehouse_user)
    html = page.get(reverse("returns:detail", args=[rma.number])).content.decode()
    assert "data-receive" in html and "2 of 2 expected" in html
    form = {
        "line": line.pk,
        "quantity": 1,
        "condition": "new",
        "disposition": "restock",
        "location": "wh-east",
    }
    response = page.post(reverse("returns:receive", args=[rma.number]), form, follow=True)
    assert "Received 1 unit(s) at wh-east." in response.content.decode()
    assert fresh(line).quantity_restocked == 1
    assert StockLevel.objects.get(sku=shirt, location=east).on_hand == 1
    too_many = page.post(reverse("returns:receive", args=[rma.number]), {**form, "quantity": 5}, follow=True)
    assert "only 1 of the 2 authorized are still expected" in too_many.content.decode()


def test_warehouse_elsewhere_cannot_receive_here(order, east, west):
    elsewhere = make_user("wendy", "warehouse")
    west.staff.add(elsewhere)
    rma = authorized(order, (order.lines.order_by("line_number").first(), 1))
    form = {
        "line": rma.lines.get().pk,
        "quantity": 1,
        "condition": "new",
        "disposition": "restock",
        "location": "wh-east",
    }
    response = signed_in(elsewhere).post(reverse("returns:receive", args=[rma.number]), form)
    assert response.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in response.content.decode()
    assert fresh(rma.lines.get()).quantity_received == 0


def test_customer_service_cannot_receive(cs_user, order):
    rma = authorized(order, (order.lines.order_by("line_number").first(), 1))
    form = {
        "line": rma.lines.get().pk,
        "quantity": 1,
        "condition": "new",
        "disposition": "restock",
        "location": "wh-east",
    }
    assert signed_in(cs_user).post(reverse("returns:receive", args=[rma.number]), form).status_code == 403
    assert (
        "data-receive"
        not in signed_in(cs_user).get(reverse("returns:detail", args=[rma.number])).content.decode()
    )
