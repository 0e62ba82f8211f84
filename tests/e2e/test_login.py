import pytest
from django.core.management import call_command

from oms.core.roles import DROPSHIP_VENDOR
from oms.demo.seed import DEMO_USERS
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_demo_login_lands_on_its_role_home_and_can_log_out(page, live_server):
    call_command("seed_demo", force=True, verbosity=0)
    for username, password, role, first_name in DEMO_USERS:
        log_in(page, live_server, username, password)
        if role == DROPSHIP_VENDOR:  # a vendor's user has no staff home: their own desk
            assert page.url == f"{live_server.url}/fulfillment/vendor/"
            assert page.get_by_role("heading", name="Drop-ship orders").is_visible()
        else:
            assert page.url == f"{live_server.url}/"
            assert page.locator(f'section[data-role="{role}"]').is_visible()
            assert page.get_by_role("heading", name=f"Good to see you, {first_name}").is_visible()
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url(f"{live_server.url}/login/")


def test_wrong_password_shows_an_error_and_stays_on_login(page, live_server):
    call_command("seed_demo", force=True, verbosity=0)
    log_in(page, live_server, "agent", "not-the-password")
    assert "/login/" in page.url
    assert page.get_by_role("alert").is_visible()


def test_api_docs_render_in_the_browser_without_internet(page, live_server):
    call_command("seed_demo", force=True, verbosity=0)
    log_in(page, live_server, "admin", "demo-admin-2026")
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "OMS API" in page.locator(".swagger-ui .info .title").inner_text()
