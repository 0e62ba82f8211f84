"""Sign-in protection: lockout per username and address, a clear message, admin unlock, records."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import Client

from tests.conftest import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "pass-1234-word"


@pytest.fixture
def carla(db):
    return make_user("carla", "customer_service")


def sign_in(client, username, password, address="198.51.100.4"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_user_out_from_that_address_even_with_the_right_password(carla, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    for _ in range(4):
        assert sign_in(client, "carla", "wrong").status_code == 200  # the form again, with its error
    locked = sign_in(client, "carla", "wrong")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    assert "Too many failed sign-ins" in locked.content.decode()
    assert sign_in(client, "carla", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessFailureLog.objects.filter(username="carla").count() >= 5


def test_another_address_is_not_locked(carla):
    client = Client()
    for _ in range(5):
        sign_in(client, "carla", "wrong")
    response = sign_in(Client(), "carla", PASSWORD, address="198.51.100.99")
    assert response.status_code == 302


def test_an_admin_unlocks_from_the_user_list(carla, admin_user):
    for _ in range(5):
        sign_in(Client(), "carla", "wrong")
    assert AccessAttempt.objects.filter(username="carla").exists()
    admin = Client()
    admin.force_login(admin_user)
    response = admin.post(
        "/admin/auth/user/", {"action": "unlock_sign_in", "_selected_action": [carla.pk]}, follow=True
    )
    assert "Sign-in unlocked for carla" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="carla").exists()
    assert sign_in(Client(), "carla", PASSWORD).status_code == 302


def test_a_successful_sign_in_is_recorded(carla):
    assert sign_in(Client(), "carla", PASSWORD).status_code == 302
    entry = AccessLog.objects.get(username="carla")
    assert entry.ip_address == "198.51.100.4"
