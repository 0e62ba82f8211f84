"""The staff UI under its Content-Security-Policy: htmx, the keyboard shortcuts and the charts
work with no inline script; an inline script would be refused (the policy is really enforced)."""

import pytest
from django.core.management import call_command

from orders.models import Order
from tests.e2e.conftest import csp_violations, forget_csp_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", force=True, verbosity=0)


def test_home_charts_shortcuts_and_htmx_work_under_the_policy(demo, page, live_server):
    log_in(page, live_server, "admin", "demo-admin-2026")
    response = page.goto(f"{live_server.url}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    canvas = page.locator("canvas[data-chart]").first
    canvas.wait_for()
    page.wait_for_function("() => window.Chart && Object.keys(window.Chart.instances).length > 0")
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("g")
    page.keyboard.press("o")
    page.wait_for_url(f"{live_server.url}/orders/")
    order = Order.objects.order_by("placed_at").first()
    page.keyboard.press("/")
    page.keyboard.type(order.number)
    page.keyboard.press("Enter")
    page.get_by_role("link", name=order.number).click()
    assert page.get_by_role("heading", name=order.number, exact=True).is_visible()
    page.wait_for_function("() => window.htmx !== undefined")
    assert csp_violations(page) == []


def test_an_inline_script_is_refused(demo, page, live_server):
    log_in(page, live_server, "admin", "demo-admin-2026")
    page.goto(f"{live_server.url}/")
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.injected = 1";
        document.head.appendChild(s); }"""
    )
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert page.evaluate("window.injected") is None
    assert any("script-src" in v for v in csp_violations(page))
    forget_csp_violations(page)  # provoked on purpose


def test_admin_and_api_docs_load_under_the_policy(demo, page, live_server):
    log_in(page, live_server, "admin", "demo-admin-2026")
    page.goto(f"{live_server.url}/admin/orders/order/")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/admin/orders/order/{Order.objects.first().pk}/change/")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".swagger-ui .info").wait_for()
