"""Money: every amount a request states and every total computed from it fits its column
(ExactMoneyField: 11 integer digits, 4 decimals, up to oms.core.money.EXACT_MAX); past it the
request is refused with 400/422 naming the field, never a database overflow."""

import pytest

from oms.core.money import EXACT_MAX
from orders.models import Order
from tests.orders.factories import ChannelFactory, SkuFactory, make_order, order_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(db):
    SkuFactory(code="TSHIRT-M")
    SkuFactory(code="CAP-RED")
    return ChannelFactory(code="web", pay_later_allowed=True)


def test_intake_past_the_column_is_refused_naming_the_field(api, web):
    body = order_payload(lines=[("TSHIRT-M", 100_000, "99999999999.000")])
    response = api.post("/api/v1/orders/", body, format="json")
    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} & {"lines.0.unit_price", "lines"}
    assert not Order.objects.exists()


def test_a_quantity_edit_whose_line_total_passes_the_column_is_refused(api, web):
    order = make_order(web, lines=[("TSHIRT-M", 1, "99999999.00")])
    line = order.lines.get()
    response = api.post(
        f"/api/v1/orders/{order.number}/edit-lines/",
        {"update": [{"line_id": line.pk, "quantity": 100_000}]},
        format="json",
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "amount_too_large"
    assert "subtotal" in response.json()["detail"]
    line.refresh_from_db()
    assert line.quantity == 1


def test_added_lines_whose_order_total_passes_the_column_are_refused(api, web):
    order = make_order(web, lines=[("TSHIRT-M", 1, "90000000000.00")])
    add = [{"sku": "CAP-RED", "quantity": 1, "unit_price": "20000000000.00"}]
    response = api.post(f"/api/v1/orders/{order.number}/edit-lines/", {"add": add}, format="json")
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "amount_too_large"
    assert "total" in response.json()["detail"]
    assert order.lines.count() == 1


def test_the_money_range_is_documented_in_the_schema(client, cs_user):
    client.force_login(cs_user)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    unit_price = schema["components"]["schemas"]["IntakeLineRequest"]["properties"]["unit_price"]
    integer_digits, decimals = len(str(EXACT_MAX).split(".")[0]), len(str(EXACT_MAX).split(".")[1])
    assert unit_price["pattern"] == rf"^-?\d{{0,{integer_digits}}}(?:\.\d{{0,{decimals}}})?$"
