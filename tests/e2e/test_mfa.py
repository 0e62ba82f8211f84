"""A newcomer signs in as the demo admin with the second factor, in a real browser under the CSP."""

import re

import pytest
from django.core.management import call_command

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_admin_confirms_with_the_shown_code_and_reaches_the_admin(page, live_server, settings):
    settings.OMS_MFA_ENFORCED = True
    settings.OMS_MFA_DEMO_HINTS = True
    call_command("seed_demo", force=True, verbosity=0)
    log_in(page, live_server, "admin", "demo-admin-2026")
    page.wait_for_url(re.compile(r"/account/mfa/verify/"))
    code = page.locator("[data-demo-code] strong").inner_text()
    page.fill("#id_code", code)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/admin/")
    assert page.get_by_role("heading", name="Site administration").is_visible()


def test_an_admin_enrols_by_qr_code(page, live_server, settings, django_user_model):
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from oms.security.services.mfa import current_code

    settings.OMS_MFA_ENFORCED = True
    user = django_user_model.objects.create_user("nora", password="pass-1234-word", is_staff=True)
    user.groups.add(Group.objects.get(name="oms_admin"))
    log_in(page, live_server, "nora", "pass-1234-word")
    page.wait_for_url(re.compile(r"/account/mfa/enrol/"))
    assert page.locator("img[src^='data:image/svg+xml']").is_visible()
    page.fill("#id_code", current_code(TOTPDevice.objects.get(user=user, confirmed=False)))
    page.click("button.primary")
    assert page.locator("[data-recovery-codes] li").count() == 10
