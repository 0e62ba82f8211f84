"""The customer-service desk in a real browser, on the demo data, as the demo agent.

Seeding the demo is most of a test's time, so each test walks through several tasks of one
working session, each on orders of its own (CI budget).
"""

import re

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from fulfillment.models import FulfillmentOrder
from inventory.models import Location
from oms.core.actor import Actor
from oms.core.models import Job
from orders import services
from orders.models import Hold, Order
from returns import services as return_services
from returns.models import ReturnAuthorization
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", force=True, verbosity=0)


@pytest.fixture
def agent_page(demo, page, live_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "agent", "demo-agent-2026")
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations of irreversible actions
    return page


def _said(page, message) -> None:
    """Wait for the page's message (after an action the page reloads with it)."""
    page.locator(".messages").get_by_text(message).wait_for()


def _pending_only(orders):
    """Orders whose every fulfillment order is still pending (nothing picked yet)."""
    return orders.annotate(
        busy=Count("fulfillment_orders", filter=~Q(fulfillment_orders__state="pending"))
    ).filter(busy=0, fulfillment_orders__isnull=False)


def _find_an_order_by_email_and_cancel_one_line(page, live_server):
    order = (
        _pending_only(Order.objects.filter(status="allocated", delivery_method="ship"))
        .annotate(n=Count("lines", distinct=True))
        .filter(n__gte=2)
        .order_by("placed_at")
        .first()
    )
    first, second = order.lines.order_by("line_number")[:2]
    page.keyboard.press("g")
    page.keyboard.press("o")
    page.wait_for_url(f"{live_server.url}/orders/")
    page.keyboard.press("/")
    page.keyboard.type(order.customer_email)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q="))
    expected = Order.objects.filter(customer_email=order.customer_email).count()
    assert page.locator("[data-count]").inner_text().startswith(str(expected))
    page.locator("tr", has_text=order.number).get_by_text(order.external_id).click()  # the row opens it
    page.wait_for_url(f"{live_server.url}/orders/{order.number}/")

    page.keyboard.press("x")
    page.get_by_role("button", name="Cancel the units").click()  # no units entered: refused in place
    page.locator("#form-cancel_lines [data-form-error]").wait_for()
    page.get_by_label(f"Cancel units of line {first.sku_code}").fill("1")
    page.locator("#form-cancel_lines").get_by_label("Reason").select_option("customer_request")
    page.locator("#form-cancel_lines").get_by_label("Note").fill("changed her mind")
    page.get_by_role("button", name="Cancel the units").click()
    _said(page, "Units cancelled.")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.quantity_cancelled == 1 and second.quantity_cancelled == 0
    timeline = page.locator("#timeline [data-timeline]")
    assert timeline.get_by_text("Lines cancelled").first.is_visible()
    assert timeline.get_by_text("Customer asked to cancel: changed her mind").first.is_visible()


def _fix_an_unknown_sku_and_release_the_exception_hold(page, live_server):
    order = Order.objects.get(
        lines__sku__isnull=True, holds__kind="exception", holds__released_at__isnull=True
    )
    unknown = order.lines.get(sku__isnull=True)
    replacement = order.lines.exclude(pk=unknown.pk).first().sku
    page.goto(f"{live_server.url}/orders/")
    page.get_by_label("Search").fill(order.number.removeprefix("OMS-"))  # the number without its prefix
    page.get_by_label("Search").press("Enter")
    page.get_by_role("link", name=order.number).click()
    assert page.locator(".badge", has_text="unknown SKU").is_visible()

    page.locator(f'tr[data-line="{unknown.line_number}"] summary').click()
    sku_field = page.locator(f"#form-sku-{unknown.pk}").get_by_label("Replace with SKU")
    sku_field.fill("NO-SUCH-SKU")
    page.get_by_role("button", name="Replace the unknown SKU").click()
    error = page.locator(f"#form-sku-{unknown.pk} .errorlist")
    error.wait_for()
    assert "NO-SUCH-SKU" in error.inner_text()  # the service's message, beside the field
    page.locator(f"#form-sku-{unknown.pk}").get_by_label("Replace with SKU").fill(replacement.code)
    page.get_by_role("button", name="Replace the unknown SKU").click()
    _said(page, "SKU replaced.")
    assert page.locator(".badge", has_text="unknown SKU").count() == 0

    hold = order.holds.get(kind="exception")
    release = page.locator(f"#form-release-{hold.pk}")
    release.get_by_role("button").click()
    reason = release.get_by_label(re.compile("Why may it continue"))
    assert reason.evaluate("field => field.validity.valueMissing")  # a release needs a reason
    assert order.holds.get(kind="exception").released_at is None
    page.locator(f"#form-release-{hold.pk}").get_by_label(re.compile("Why may it continue")).fill(
        "SKU replaced with the current one"
    )
    page.locator(f"#form-release-{hold.pk}").get_by_role("button").click()
    _said(page, "Hold released.")
    order.refresh_from_db()
    assert order.status == "allocated"
    assert page.locator("[data-status]").first.inner_text() == "Allocated"


def _edit_the_address_and_see_the_resourcing_on_the_timeline(page, live_server):
    order = (
        _pending_only(Order.objects.filter(status="allocated", delivery_method="ship")).order_by("pk").first()
    )
    before = set(order.fulfillment_orders.values_list("pk", flat=True))
    page.goto(f"{live_server.url}/orders/{order.number}/")
    page.keyboard.press("a")
    form = page.locator("#form-address")
    form.get_by_label("Address line 1").fill("500 Terry Francois Blvd")
    form.get_by_label("City").fill("San Francisco")
    form.get_by_label("Region / state").fill("CA")
    form.get_by_label("Postal code").fill("94158")
    form.get_by_label("Why (optional)").fill("customer moved")
    form.get_by_role("button", name="Save and source again").click()
    _said(page, "Delivery changed")
    assert "500 Terry Francois Blvd" in page.locator("[data-ship-to]").inner_text()
    timeline = page.locator("#timeline [data-timeline]")
    assert timeline.get_by_text("Address changed").first.is_visible()
    assert timeline.get_by_text("Allocation released").first.is_visible()
    assert timeline.get_by_text("Sourcing after an edit").first.is_visible()
    assert set(order.fulfillment_orders.values_list("pk", flat=True)) != before  # new work, sourced again


def _start_a_return_and_refund_it(page, live_server):
    order = (
        Order.objects.filter(status="completed", payment_status="paid", returns__isnull=True)
        .order_by("placed_at")
        .first()
    )
    line = order.lines.order_by("line_number").first()
    page.goto(f"{live_server.url}/orders/{order.number}/")
    page.keyboard.press("r")
    form = page.locator("#form-return")
    form.get_by_label(f"Units of {line.sku_code}").fill("1")
    form.get_by_role("button", name="Request the return").click()
    form.locator(".errorlist").first.wait_for()  # the reason is chosen from the list
    page.locator("#form-return").get_by_label(f"Reason for {line.sku_code}").select_option("defective")
    page.locator("#form-return").get_by_role("button", name="Request the return").click()
    _said(page, re.compile(r"Return RMA-\w+ requested\."))
    rma = ReturnAuthorization.objects.get(order=order)
    page.get_by_role("button", name=f"Authorize {rma.number}").click()
    _said(page, f"Return {rma.number} authorized.")

    # The warehouse receives the parcel (its own desk); the agent then refunds it.
    return_services.return_receive(
        rma=rma,
        location=Location.objects.get(code="wh-east"),
        lines=[{"return_line": rma.lines.get(), "quantity": 1, "condition": "new", "disposition": "restock"}],
        actor=Actor.system("warehouse"),
    )
    page.reload()
    page.get_by_text(f"Refund {rma.number}").click()
    page.locator(f"#form-refund-{rma.pk}").get_by_role("button", name="Issue the refund").click()
    _said(page, re.compile(r"Refund of [\d.]+ USD issued\."))
    order.refresh_from_db()
    assert order.refunded_total > 0
    assert page.locator("[data-refunded]").inner_text() == f"{order.refunded_total:.2f}"
    assert page.locator(f'[data-rma="{rma.number}"]').get_by_text("Succeeded").is_visible()


def _bulk_release_holds_with_the_progress_bar(page, live_server):
    orders = list(_pending_only(Order.objects.filter(status="allocated")).order_by("pk")[:4])
    for order in orders:
        services.order_hold(order=order, kind="manual", reason="address check", actor=Actor.system("test"))
    page.goto(f"{live_server.url}/")
    page.keyboard.press("g")
    page.keyboard.press("e")
    page.wait_for_url(f"{live_server.url}/exceptions/")
    manual = page.locator('[data-kind="manual"]')
    assert manual.locator("[data-kind-count]").inner_text() == "4"
    manual.get_by_label(re.compile("Every open manual hold")).check()
    page.get_by_label("Action").select_option("release")
    page.get_by_label(re.compile("Reason")).fill("address confirmed by phone")
    page.get_by_role("button", name="Run on the ticked holds").click()
    job = page.locator("[data-job]")
    job.wait_for()
    # Without a broker the job ran to its end in process: the page shows it finished.
    assert job.get_attribute("data-job") == "done"
    assert "4 of 4 processed (100%)" in job.locator("[data-job-counts]").inner_text()
    assert job.locator("progress").get_attribute("value") == "4"
    assert not Hold.objects.filter(order__in=orders, released_at__isnull=True).exists()


def _a_running_job_moves_its_progress_bar_by_itself(page, live_server):
    """With a worker the job runs elsewhere: the page polls the progress partial."""
    from django.contrib.auth.models import User

    agent = User.objects.get(username="agent")
    job = Job.objects.create(
        kind="desk.release_hold",
        label="Release 3 holds",
        status="running",
        items=[1, 2, 3],
        total=3,
        done=1,
        actor_kind="user",
        actor_id=agent.pk,
        actor_label="agent",
    )
    page.goto(f"{live_server.url}/exceptions/?job={job.pk}")
    counts = page.locator("[data-job-counts]")
    assert "1 of 3" in counts.inner_text()
    Job.objects.filter(pk=job.pk).update(
        done=2, failed=1, status="done", errors=[{"item": 3, "message": "X"}]
    )
    page.locator('[data-job="done"]').wait_for(timeout=5000)
    assert "3 of 3 processed" in page.locator("[data-job-counts]").inner_text()
    assert page.locator("[data-job-errors]").get_by_text("X").is_visible()


def _the_homes_counts_equal_the_lists_they_link_to(page, live_server):
    page.goto(f"{live_server.url}/")
    figures = page.locator("[data-figure]")
    assert figures.count() >= 18
    seen = [
        (
            figures.nth(i).get_attribute("data-figure"),
            figures.nth(i).locator("[data-count]").inner_text(),
            figures.nth(i).get_attribute("href"),
        )
        for i in range(figures.count())
    ]
    assert any(count != "0" for _name, count, _href in seen)
    for name, count, href in seen:
        page.goto(f"{live_server.url}{href}")
        listed = page.locator("p[data-count] strong").inner_text()
        assert listed == count, (name, href)


def _keyboard_shortcuts_rows_and_the_styled_404(page, live_server):
    page.goto(f"{live_server.url}/orders/")
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("?")
    assert page.get_by_role("dialog").get_by_text("Next / previous row of a list").is_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    first = page.locator("[data-list] tbody tr").first
    number = first.locator("[data-row-link]").inner_text()
    assert "chosen" in (first.get_attribute("class") or "")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/orders/{number}/")
    page.keyboard.press("?")
    assert page.get_by_role("dialog").get_by_text("Add a note").is_visible()  # the page's own keys
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    page.keyboard.type("Customer called about the delivery date")
    page.locator("#form-note").get_by_role("button", name="Add the note").click()
    _said(page, "Note added.")
    assert page.locator("[data-note]").first.inner_text().startswith("Customer called")

    response = page.goto(f"{live_server.url}/no/such/page/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert page.get_by_text("URLconf").count() == 0
    assert FulfillmentOrder.objects.exists()


def test_an_agent_works_orders_from_search_to_refund(agent_page, live_server):
    _find_an_order_by_email_and_cancel_one_line(agent_page, live_server)
    _fix_an_unknown_sku_and_release_the_exception_hold(agent_page, live_server)
    _edit_the_address_and_see_the_resourcing_on_the_timeline(agent_page, live_server)
    _start_a_return_and_refund_it(agent_page, live_server)
    _keyboard_shortcuts_rows_and_the_styled_404(agent_page, live_server)


def test_the_home_counts_match_their_lists_and_the_queue_clears_in_bulk(agent_page, live_server):
    _the_homes_counts_equal_the_lists_they_link_to(agent_page, live_server)
    _bulk_release_holds_with_the_progress_bar(agent_page, live_server)
    _a_running_job_moves_its_progress_bar_by_itself(agent_page, live_server)
