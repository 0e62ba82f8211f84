"""Staff MFA: required where the settings say; admin, tokens and exports need a verified session."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from oms.security.services.mfa import current_code, mfa_enrol_demo_device
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.OMS_MFA_ENFORCED = True
    settings.OMS_MFA_REQUIRED_ROLES = ["oms_admin"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def enrol(client) -> tuple[TOTPDevice, list[str]]:
    page = client.get("/account/mfa/enrol/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.content.decode()  # the QR code, no outside request
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post("/account/mfa/enrol/", {"code": current_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    return device, codes


def test_an_admin_without_a_device_must_enrol_before_any_page(admin_user):
    client = signed_in(admin_user)
    response = client.get("/orders/")
    assert response.status_code == 302 and response["Location"].startswith(
        "/account/mfa/enrol/?next=%2Forders%2F"
    )
    device, codes = enrol(client)
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/orders/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_does_not_enrol(admin_user):
    client = signed_in(admin_user)
    client.get("/account/mfa/enrol/")
    response = client.post("/account/mfa/enrol/", {"code": "000000"})
    assert response.status_code == 422
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_an_enrolled_admin_verifies_each_new_sign_in(admin_user):
    _device, codes = enrol(signed_in(admin_user))
    client = signed_in(admin_user)  # a new session: not verified yet
    response = client.get("/admin/")
    assert response["Location"].startswith("/account/mfa/verify/")
    response = client.post("/account/mfa/verify/", {"code": codes[0], "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    other = signed_in(admin_user)
    assert other.post("/account/mfa/verify/", {"code": codes[0]}).status_code == 422  # used once only
    assert "That code is not right" in other.post("/account/mfa/verify/", {"code": "123"}).content.decode()
    assert other.get("/orders/").status_code == 302
    assert not StaticToken.objects.filter(token=codes[0]).exists()


def test_an_agent_works_without_mfa_but_needs_it_to_export(cs_user):
    client = signed_in(cs_user)
    assert client.get("/orders/").status_code == 200
    response = client.get("/orders/export.csv")
    assert response.status_code == 302 and response["Location"].startswith("/account/mfa/enrol/")
    enrol(client)
    assert client.get("/orders/export.csv").status_code == 200


def test_no_unverified_session_reaches_the_admin_where_tokens_are_issued(db):
    staff = make_user("sam", "customer_service", is_staff=True, is_superuser=True)
    client = signed_in(staff)
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 302
    assert client.post("/admin/authtoken/tokenproxy/add/", {"user": staff.pk}).status_code == 302
    from rest_framework.authtoken.models import Token

    assert not Token.objects.exists()


def test_a_setting_names_more_roles(settings, cs_user):
    settings.OMS_MFA_REQUIRED_ROLES = ["oms_admin", "customer_service"]
    assert signed_in(cs_user).get("/orders/")["Location"].startswith("/account/mfa/enrol/")


def test_api_tokens_are_not_sessions_but_an_unverified_admin_session_gets_no_api(api, admin_user):
    assert api.get("/api/v1/orders/").status_code == 200
    response = signed_in(admin_user).get("/api/v1/orders/")
    assert response.status_code == 403 and response.json()["code"] == "mfa_required"


def test_htmx_requests_are_sent_to_the_code_page(admin_user):
    response = signed_in(admin_user).get("/orders/", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/account/mfa/enrol/")


def test_demo_users_see_their_code_in_development_only(settings):
    call_command("seed_demo", force=True, verbosity=0)
    from django.contrib.auth.models import User

    admin = User.objects.get(username="admin")
    client = Client()
    assert client.post("/login/", {"username": "admin", "password": "demo-admin-2026"}).status_code == 302
    settings.OMS_MFA_DEMO_HINTS = True
    page = client.get("/account/mfa/verify/").content.decode()
    code = re.search(r"current code is <strong>(\d{6})</strong>", page).group(1)
    assert client.post("/account/mfa/verify/", {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
    settings.OMS_MFA_DEMO_HINTS = False
    fresh = Client()
    fresh.post("/login/", {"username": "admin", "password": "demo-admin-2026"})
    assert "current code" not in fresh.get("/account/mfa/verify/").content.decode()
    assert mfa_enrol_demo_device(user=admin).key == TOTPDevice.objects.get(user=admin, name="demo").key
