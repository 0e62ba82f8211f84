"""In a real browser: a warehouse user signs in, types a SKU code and sees its stock."""

import pytest
from django.contrib.auth.models import Group, User

from inventory.models import Location, Sku
from inventory.services import StockLine, stock_receive
from oms.core.actor import Actor
from oms.core.roles import WAREHOUSE


@pytest.fixture
def stock_data(transactional_db):
    """Written before the browser starts: the test thread makes no queries while
    Playwright's event loop runs in it (that would open a second, unclosed connection)."""
    group, _ = Group.objects.get_or_create(name=WAREHOUSE)
    user = User.objects.create_user(username="scanner", password="pass-1234-word")
    user.groups.add(group)
    sku = Sku.objects.create(code="MUG-BLU-1", name="Mug blue", barcode="4001234567890")
    Sku.objects.create(code="MUG-RED-1", name="Mug red", barcode="4001234567891")
    east = Location.objects.create(code="wh-east", name="East", kind="warehouse", country_code="US")
    stock_receive(lines=[StockLine(sku, east, 12)], actor=Actor.system("e2e"), reference="PO-E2E")


@pytest.mark.browser
def test_warehouse_user_looks_up_stock_by_typing_a_code(live_server, stock_data, page):
    page.goto(f"{live_server.url}/inventory/stock/")
    page.fill("input[name=username]", "scanner")
    page.fill("input[name=password]", "pass-1234-word")
    page.click("button[type=submit]")
    page.wait_for_url("**/inventory/stock/")

    search = page.locator("input[data-search]")
    search.type("mug-")  # as you type, htmx lists both mugs
    results = page.locator("[data-testid=stock-results]")
    results.get_by_text("MUG-RED-1").wait_for()
    assert results.get_by_text("MUG-BLU-1").is_visible()

    search.fill("mug-blu-1")
    search.press("Enter")  # what a scanner does: exact code + Enter opens the SKU
    page.wait_for_url("**/inventory/stock/MUG-BLU-1/")
    row = page.locator("[data-testid=stock-levels] tr[data-location=wh-east]")
    assert row.locator("td.num").all_inner_texts() == ["12", "0", "0", "12"]
    assert page.locator("[data-testid=stock-movements]").get_by_text("PO-E2E").is_visible()
