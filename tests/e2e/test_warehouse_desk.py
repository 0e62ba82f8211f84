"""The warehouse desk in a real browser, on the demo data, driven the way a keyboard-wedge
scanner drives it: keystrokes into whatever has the focus, then Enter."""

import re

import pytest
from django.core.management import call_command
from django.db.models import Count
from playwright.sync_api import expect

from fulfillment.models import FulfillmentOrder, PickBatch
from inventory.models import Sku, StockLevel
from oms.core.models import OutboxEvent
from returns.models import ReturnAuthorization
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", force=True, verbosity=0)


def scan(page, code: str) -> None:
    """What a wedge scanner does: type into the focused element, then Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def feedback(page):
    return page.locator("[data-testid=feedback]")


def workable(location: str, kind: str = "ship"):
    return (
        FulfillmentOrder.objects.filter(location__code=location, kind=kind, state="pending")
        .exclude(order__status="on_hold")
        .annotate(line_count=Count("lines"))
        .order_by("pk")
    )


def lines_of(fo):
    return list(fo.lines.select_related("sku").order_by("pk"))


def test_picker_scans_short_picks_packs_two_packages_and_ships_with_ups(demo, page, browser, live_server):
    fo = next(
        fo
        for fo in workable("wh-east").filter(line_count__gte=2)
        if lines_of(fo)[0].quantity >= 2 or sum(line.quantity for line in lines_of(fo)) >= 3
    )
    lines = sorted(lines_of(fo), key=lambda line: -line.quantity)
    first, short, rest = lines[0], lines[1], lines[2:]
    stranger = Sku.objects.exclude(pk__in=[line.sku_id for line in lines]).filter(barcode__gt="").first()
    bins = dict(StockLevel.objects.filter(location__code="wh-east").values_list("sku_id", "bin"))
    order_number = fo.order.number

    log_in(page, live_server, "picker", "demo-picker-2026")
    scan(page, fo.number)  # the home page's scan field has the focus
    page.wait_for_url(f"**/fulfillment/{fo.pk}/")
    pick_rows = page.locator("[data-testid=pick-lines] tbody tr")
    shown_bins = pick_rows.locator("td.bin").all_inner_texts()
    assert shown_bins == sorted(shown_bins)  # a walk through the bins
    assert set(shown_bins) == {bins[line.sku_id] for line in lines}

    scan(page, stranger.barcode)
    expect(feedback(page)).to_contain_text(f"Wrong item: {stranger.barcode} is not on pick list")
    expect(feedback(page)).to_have_class(re.compile(r"\bbad\b"))

    scan(page, str(first.quantity))  # a number first: the next scan counts that many
    expect(page.get_by_test_id("next-quantity")).to_contain_text(f"Next scan counts {first.quantity}")
    scan(page, first.sku.barcode)
    expect(feedback(page)).to_contain_text(f"{first.quantity} of {first.quantity} picked")
    expect(feedback(page)).to_have_class(re.compile(r"\bok\b"))
    scan(page, first.sku.code.lower())  # one more than asked for
    expect(feedback(page)).to_contain_text(f"Too many {first.sku.code}")
    for line in rest:
        scan(page, f"{line.quantity}*{line.sku.code}")
        expect(feedback(page)).to_contain_text(f"{line.sku.code}: {line.quantity} of {line.quantity} picked")

    found = short.quantity - 1
    row = page.locator(f"tr[data-sku='{short.sku.code}']")
    row.get_by_text("Short pick").click()
    row.get_by_label("Found").fill(str(found))
    row.get_by_role("button", name="Report short").click()
    message = page.locator(".messages li.success").inner_text()
    assert f"Short pick: 1 x {short.sku.code} missing" in message
    assert re.search(r"re-sourced to|backordered", message, re.IGNORECASE)

    # What was found counts as picked: with every other line scanned, packing comes next.
    expect(page.get_by_role("heading", name="Pack")).to_be_visible()

    page.get_by_role("button", name="Add a package").click()
    page.get_by_label("Package 1 weight (kg)").fill("1.2")
    page.get_by_label("Package 2 weight (kg)").fill("0.8")
    page.get_by_label("Package 2 length (cm)").fill("30")
    page.get_by_label("Package 2 width (cm)").fill("20")
    page.get_by_label("Package 2 height (cm)").fill("10")
    page.get_by_label(f"{first.sku.code} in package 1").fill(str(first.quantity - 1))
    page.get_by_label(f"{first.sku.code} in package 2").fill("1")
    page.get_by_role("button", name="Packed").click()
    page.get_by_text("packed. Scan each label").wait_for()

    packages = page.locator("fieldset.package")
    assert packages.count() == 2
    trackings = ["1Z999AA10123456784", "1Z999AA10123456795"]
    for index in range(2):
        packages.nth(index).locator("select").select_option("UPS|Ground")
    page.keyboard.type("1Z123")  # the first tracking field has the focus: a wrong scan first
    packages.nth(1).get_by_role("textbox").fill(trackings[1])
    page.get_by_role("button", name="Ship").click()
    assert "is not a UPS tracking number" in page.locator(".messages li.error").inner_text()
    packages.nth(0).get_by_role("textbox").fill(trackings[0])
    page.get_by_role("button", name="Ship").click()
    page.locator(".messages li.success").get_by_text("shipped").wait_for()
    assert page.get_by_test_id("state").inner_text() == "Shipped"

    agent = browser.new_context().new_page()
    log_in(agent, live_server, "agent", "demo-agent-2026")
    agent.goto(f"{live_server.url}/orders/{order_number}/")
    shipments = agent.locator("#fulfillment")  # the order page's fulfillment panel
    for number in trackings:
        link = shipments.get_by_role("link", name=number)
        assert link.get_attribute("href") == f"https://www.ups.com/track?tracknum={number}"
    timeline = agent.locator("[data-timeline]")
    assert timeline.get_by_text(f"Shipped at wh-east ({fo.number}): UPS Ground {trackings[0]}").is_visible()
    agent.context.close()


def test_a_pickup_is_prepared_made_ready_and_collected(demo, page, live_server):
    fo = workable("store-nyc", kind="pickup").first()
    lines = lines_of(fo)
    log_in(page, live_server, "picker", "demo-picker-2026")
    page.goto(f"{live_server.url}/fulfillment/")
    scan(page, "store-nyc")  # a location code switches location
    page.get_by_text("Working at store-nyc").wait_for()
    assert int(page.locator("[data-bucket=pickups] strong").inner_text()) >= 1

    scan(page, fo.number)
    page.wait_for_url(f"**/fulfillment/{fo.pk}/")
    for line in lines:
        scan(page, f"{line.quantity}*{line.sku.barcode}")
        page.locator(f"tr[data-sku='{line.sku.code}'].done").wait_for()
    page.get_by_test_id("next-step").click()
    page.get_by_role("button", name="Bagged: ready for pickup").click()
    page.get_by_text("ready for pickup; the customer is told").wait_for()
    notice = OutboxEvent.objects.filter(topic="order.ready_for_pickup", aggregate_id=fo.order.number).get()
    assert notice.payload["notify_customer"] is True and notice.payload["store"]["code"] == "store-nyc"

    page.get_by_label("Collected by (name on the ID)").fill("Jane Doe")
    page.get_by_role("button", name="Handed over").click()
    page.get_by_text("handed over to Jane Doe").wait_for()
    assert page.get_by_test_id("state").inner_text() == "Collected"


def test_a_batch_pick_of_three_orders_into_three_totes(demo, page, live_server):
    fos = list(workable("wh-east").exclude(order__status="on_hold")[:3])
    units = [(fo, line) for fo in fos for line in lines_of(fo)]
    log_in(page, live_server, "picker", "demo-picker-2026")
    page.goto(f"{live_server.url}/fulfillment/?bucket=to_pick")
    for fo in fos:
        page.locator(f"tr[data-fo='{fo.number}'] input[type=checkbox]").check()
    page.get_by_role("button", name="Batch pick ticked").click()
    page.wait_for_url("**/fulfillment/batches/PB-*/")
    assert page.locator("[data-tote]").count() == 3
    shown_bins = page.locator("[data-testid=batch-lines] td.bin").all_inner_texts()
    assert shown_bins == sorted(shown_bins)

    for sku_code in sorted({line.sku.code for _, line in units}):
        total = sum(line.quantity for _, line in units if line.sku.code == sku_code)
        for _ in range(total):
            scan(page, sku_code)
            page.get_by_text(f"x {sku_code} into tote").wait_for()
            page.locator("[data-feedback].flash").wait_for()
    page.get_by_text("Every tote is picked").wait_for()
    batch = PickBatch.objects.get()
    assert batch.closed_at is not None
    picked = FulfillmentOrder.objects.filter(batch=batch, picked_at__isnull=False)
    assert sorted(picked.values_list("tote", flat=True)) == ["T1", "T2", "T3"]


def test_a_return_is_received_by_scanning_its_tracking_number(demo, page, live_server):
    rma = ReturnAuthorization.objects.filter(status="authorized").exclude(tracking_number="").get()
    log_in(page, live_server, "picker", "demo-picker-2026")
    scan(page, rma.tracking_number)
    page.wait_for_url(f"**/returns/{rma.number}/")
    receive = page.locator("[data-receive]")
    receive.get_by_label("Condition").select_option("new")
    receive.get_by_label("Disposition").select_option("restock")
    receive.get_by_role("button", name="Receive").click()
    page.get_by_text("Received 1 unit(s) at wh-east").wait_for()
    assert sum(rma.lines.values_list("quantity_received", flat=True)) == 1
