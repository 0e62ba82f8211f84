"""Security headers on every staff page, and the staff idle timeout."""

import time

import pytest
from django.core.management import call_command
from django.test import Client

from oms.security.middleware import LAST_SEEN

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/", "/orders/", "/inventory/stock/", "/fulfillment/", "/returns/", "/admin/", "/login/"]


@pytest.fixture
def signed_in(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_every_staff_page_has_a_strict_policy(signed_in, path):
    response = signed_in.get(path, follow=True)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_the_api_answers_carry_the_headers_too(api):
    response = api.get("/api/v1/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Permissions-Policy" in response.headers


def _go_idle(client, seconds):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_an_idle_staff_session_ends_and_says_why(signed_in, settings):
    settings.OMS_STAFF_IDLE_TIMEOUT_MINUTES = 15
    assert signed_in.get("/orders/").status_code == 200
    _go_idle(signed_in, 16 * 60)
    response = signed_in.get("/orders/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/?next=/orders/")
    assert "signed out after a period of inactivity" in response.content.decode()
    assert signed_in.get("/orders/").status_code == 302  # really signed out


def test_a_session_in_use_stays_signed_in(signed_in, settings):
    settings.OMS_STAFF_IDLE_TIMEOUT_MINUTES = 15
    signed_in.get("/orders/")
    _go_idle(signed_in, 14 * 60)
    assert signed_in.get("/orders/").status_code == 200
    assert time.time() - signed_in.session[LAST_SEEN] < 5  # the clock moved


def test_an_idle_htmx_request_sends_the_whole_page_to_sign_in(signed_in, settings):
    settings.OMS_STAFF_IDLE_TIMEOUT_MINUTES = 15
    signed_in.get("/orders/")
    _go_idle(signed_in, 20 * 60)
    response = signed_in.get("/orders/", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/login/")


def test_zero_turns_the_idle_timeout_off(signed_in, settings):
    settings.OMS_STAFF_IDLE_TIMEOUT_MINUTES = 0
    signed_in.get("/orders/")
    _go_idle(signed_in, 10 * 24 * 3600)
    assert signed_in.get("/orders/").status_code == 200


def test_deploy_check_warns_without_encryption_keys(settings, capsys):
    from oms.security.checks import encryption_keys_configured

    settings.OMS_ENCRYPTION_KEYS = []
    assert [w.id for w in encryption_keys_configured(None)] == ["security.W001"]
    settings.OMS_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    assert [w.id for w in encryption_keys_configured(None)] == ["security.E001"]
    from cryptography.fernet import Fernet

    settings.OMS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert encryption_keys_configured(None) == []
    call_command("check")  # a plain check (not --deploy) says nothing about it
