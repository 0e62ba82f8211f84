"""The two desks in a real browser, on the demo data a newcomer gets from `make run`."""

import pytest
from django.core.management import call_command

from fulfillment.models import FulfillmentOrder
from orders.models import Order
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", force=True, verbosity=0)


def test_agent_finds_an_order_from_the_keyboard_and_reads_its_timeline(demo, page, live_server):
    order = Order.objects.filter(status="allocated").order_by("placed_at").first()
    log_in(page, live_server, "agent", "demo-agent-2026")
    page.keyboard.press("g")
    page.keyboard.press("o")
    page.wait_for_url(f"{live_server.url}/orders/")
    page.keyboard.press("/")
    page.keyboard.type(order.number)
    page.keyboard.press("Enter")
    page.get_by_role("link", name=order.number).click()
    assert page.get_by_role("heading", name=order.number, exact=True).is_visible()
    timeline = page.locator("[data-timeline]")
    assert timeline.get_by_text("accepted").first.is_visible()
    assert timeline.get_by_text("allocated").first.is_visible()


def test_picker_sees_only_their_location_and_prints_a_pick_list(demo, page, live_server):
    pending = FulfillmentOrder.objects.filter(state="pending").order_by("pk")
    east = pending.filter(location__code="wh-east").first()
    elsewhere = pending.exclude(location__code__in=["wh-east", "store-nyc"]).first()  # not the picker's
    log_in(page, live_server, "picker", "demo-picker-2026")
    page.keyboard.press("g")
    page.keyboard.press("w")
    page.wait_for_url(f"{live_server.url}/fulfillment/")
    assert page.get_by_text(east.number, exact=True).is_visible()
    assert elsewhere is None or page.get_by_text(elsewhere.number, exact=True).count() == 0
    page.locator("tr", has_text=east.number).get_by_role("link", name=east.number).click()
    page.get_by_role("link", name="Pick list").click()
    assert page.get_by_role("heading", name=f"Pick list {east.number}").is_visible()
    for line in east.lines.select_related("sku"):
        assert page.get_by_text(line.sku.code).is_visible()
