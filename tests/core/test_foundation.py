"""The foundation as a newcomer meets it: sign-in, roles, API errors, health, demo data."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from inventory.models import Location, Sku, StockLevel, StockMovement
from oms.core.roles import CUSTOMER_SERVICE, DROPSHIP_VENDOR, OMS_ADMIN, WAREHOUSE
from oms.demo.seed import DEMO_USERS
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_role_groups_exist_with_their_permissions():
    admin = Group.objects.get(name=OMS_ADMIN)
    cs = Group.objects.get(name=CUSTOMER_SERVICE)
    warehouse = Group.objects.get(name=WAREHOUSE)
    assert admin.permissions.filter(codename="change_sku").exists()
    assert admin.permissions.filter(codename="add_channel").exists()
    assert cs.permissions.filter(codename="view_stocklevel").exists()
    assert not cs.permissions.filter(codename="change_sku").exists()
    assert not warehouse.permissions.filter(codename="add_location").exists()


def test_anonymous_api_request_gets_401_problem_details(anon_api):
    response = anon_api.get("/api/v1/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 401
    assert body["code"] == "not_authenticated"
    assert body["type"] == "urn:oms:problem:not_authenticated"
    assert body["instance"] == "/api/v1/"
    assert "WWW-Authenticate" in response


def test_bad_token_gets_401_problem_details(anon_api):
    anon_api.credentials(HTTP_AUTHORIZATION="Token nonsense")
    response = anon_api.get("/api/v1/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_user_without_role_gets_403(no_role_user):
    response = client_for(no_role_user).get("/api/v1/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_api_root_lists_collections_for_staff(cs_user):
    response = client_for(cs_user).get("/api/v1/")
    assert response.status_code == 200
    assert response.json()["docs"].endswith("/api/docs/")


def test_unknown_api_path_is_a_problem(api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_found"


def test_schema_and_docs_render_for_staff(client, cs_user):
    client.force_login(cs_user)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


def test_schema_needs_authentication(client):
    assert client.get("/api/schema/").status_code in (401, 403)


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"


def test_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("fixture", "sees", "does_not_see"),
    [
        ("cs_user", 'data-role="customer_service"', "/admin/"),
        ("warehouse_user", 'data-role="warehouse"', "/admin/"),
        ("admin_user", 'data-role="oms_admin"', 'data-role="warehouse"'),
    ],
)
def test_home_and_navigation_follow_the_role(client, request, fixture, sees, does_not_see):
    client.force_login(request.getfixturevalue(fixture))
    html = client.get("/").content.decode()
    assert sees in html
    assert does_not_see not in html


def test_user_without_role_is_refused_the_staff_ui(client, no_role_user):
    client.force_login(no_role_user)
    assert client.get("/").status_code == 403


def test_seed_demo_is_idempotent_and_its_ledger_explains_stock():
    call_command("seed_demo", force=True, verbosity=0)
    counts = (Sku.objects.count(), Location.objects.count(), StockMovement.objects.count())
    call_command("seed_demo", force=True, verbosity=0)
    assert (Sku.objects.count(), Location.objects.count(), StockMovement.objects.count()) == counts
    assert counts[0] == 200
    assert set(Location.objects.values_list("kind", flat=True)) == {
        "warehouse",
        "store",
        "dropship",
    }
    assert Location.objects.filter(latitude__isnull=True).count() == 0
    on_hand = StockLevel.objects.aggregate(total=Sum("on_hand"))["total"]
    assert on_hand > 0
    assert on_hand == StockMovement.objects.aggregate(total=Sum("on_hand_delta"))["total"]


def test_demo_logins_work_and_land_on_their_role_home(client):
    call_command("seed_demo", force=True, verbosity=0)
    for username, password, role, _ in DEMO_USERS:
        response = client.post(reverse("login"), {"username": username, "password": password}, follow=True)
        assert response.status_code == 200
        if role == DROPSHIP_VENDOR:  # no staff home: the vendor lands on their own desk
            assert response.redirect_chain[-1][0] == reverse("fulfillment:vendor")
        else:
            assert f'data-role="{role}"'.encode() in response.content
        client.post(reverse("logout"))


def test_demo_shows_every_stage_and_its_books_balance():
    from fulfillment.models import FulfillmentOrder
    from orders.models import Order
    from returns.models import ReturnAuthorization
    from tests.fulfillment.invariants import assert_invariants

    call_command("seed_demo", force=True, verbosity=0)
    statuses = set(Order.objects.values_list("status", flat=True))
    assert {"allocated", "on_hold", "shipped", "completed"} <= statuses
    states = set(FulfillmentOrder.objects.values_list("state", flat=True))
    assert {"pending", "picking", "packed", "shipped", "delivered", "ready_for_pickup"} <= states
    assert set(ReturnAuthorization.objects.values_list("status", flat=True)) >= {"requested", "authorized"}
    assert_invariants()
