"""An admin imports a stock file in the browser and is told it is being worked on."""

import pytest
from django.core.management import call_command

from inventory.models import StockLevel
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_stock_import_shows_progress_then_counts_through_the_ledger(page, live_server, tmp_path):
    call_command("seed_demo", force=True, verbosity=0)
    level = StockLevel.objects.select_related("sku", "location").filter(location__code="wh-east").first()
    new_on_hand = level.reserved + 7
    csv = tmp_path / "stock.csv"
    csv.write_text(f"sku,location,on_hand\n{level.sku.code},wh-east,{new_on_hand}\n")

    log_in(page, live_server, "admin", "demo-admin-2026")
    page.goto(f"{live_server.url}/admin/inventory/stocklevel/import/")
    page.set_input_files("input[type=file]", str(csv))
    page.select_option("select[name=format]", label="csv")
    # First a submission the page itself stops, to see what the admin sees while a file is worked on.
    page.evaluate(
        "document.querySelector('form[enctype]').addEventListener('submit', e => e.preventDefault())"
    )
    page.click("input[type=submit]")
    assert "Checking every row" in page.locator("#oms-busy").inner_text()
    assert page.locator("#oms-busy").is_visible()
    assert page.locator("input[type=submit]").is_disabled()  # no double submit

    page.reload()
    page.set_input_files("input[type=file]", str(csv))
    page.select_option("select[name=format]", label="csv")
    page.click("input[type=submit]")
    page.wait_for_selector("input[name=confirm]")
    page.click("input[name=confirm]")
    page.wait_for_url("**/admin/inventory/stocklevel/")
    level.refresh_from_db()
    assert level.on_hand == new_on_hand
