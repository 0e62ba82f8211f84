"""The personal-data audit log: each kind of access by a person is recorded; nobody edits it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from oms.security.models import AppendOnly, PersonalDataAccess
from oms.security.services.audit import audit_purge_expired
from oms.security.tasks import purge_audit_log
from orders.resources import EXPORT_COLUMNS
from tests.conftest import client_for
from tests.orders.factories import ChannelFactory, SkuFactory, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(db):
    web = ChannelFactory(code="web", pay_later_allowed=True)
    SkuFactory(code="TSHIRT-M")
    return make_order(web)


def browser_for(user):
    client = Client()
    client.force_login(user)
    return client


def entries(**filters):
    return list(PersonalDataAccess.objects.filter(**filters).values_list("username", "action", "subject"))


def test_an_agent_viewing_an_order_page_is_recorded(order, cs_user):
    assert browser_for(cs_user).get(f"/orders/{order.number}/", REMOTE_ADDR="192.0.2.10").status_code == 200
    entry = PersonalDataAccess.objects.get()
    assert (entry.username, entry.action, entry.subject, entry.resource) == (
        "carla",
        "view",
        order.number,
        "desk:order",
    )
    assert entry.address == "192.0.2.10"
    assert timezone.now() - entry.at < timedelta(minutes=1)


def test_a_refused_or_missing_page_is_not_recorded(order, warehouse_user, cs_user):
    browser_for(warehouse_user).get(f"/orders/{order.number}/")  # not their desk
    browser_for(cs_user).get("/orders/NO-SUCH/")
    assert entries() == []


def test_exports_are_recorded_with_their_filters(order, cs_user, admin_user):
    response = browser_for(cs_user).get("/orders/export.csv?q=jane")
    b"".join(response.streaming_content)
    assert entries(action="export") == [("carla", "export", "")]
    assert PersonalDataAccess.objects.get().query == "q=jane"
    admin = browser_for(admin_user)
    assert admin.get("/admin/orders/order/export/").status_code == 200  # the form: no data yet
    assert len(entries(action="export")) == 1
    fields = {f"orderexportresource_{column}": "on" for column in EXPORT_COLUMNS}
    response = admin.post("/admin/orders/order/export/", {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert entries(action="export", resource="admin:orders_order_export") == [("ada", "export", "")]


def test_api_reads_by_a_person_are_recorded_not_a_channels(order, cs_user):
    api = client_for(cs_user)
    api.get("/api/v1/orders/")
    api.get(f"/api/v1/orders/{order.number}/")
    assert entries() == [("carla", "api_read", order.number), ("carla", "api_read", "")]
    channel = order.channel
    token = channel.issue_token()
    channel.save()
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(f"/api/v1/orders/{order.number}/").status_code in (200, 403, 404)
    assert len(entries()) == 2


def test_the_log_is_append_only(order, cs_user):
    browser_for(cs_user).get(f"/orders/{order.number}/")
    entry = PersonalDataAccess.objects.get()
    entry.username = "someone-else"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        PersonalDataAccess.objects.update(username="x")
    with pytest.raises(AppendOnly):
        PersonalDataAccess.objects.all().delete()
    assert entries() == [("carla", "view", order.number)]


def test_an_admin_searches_the_log_and_cannot_change_it(order, cs_user, admin_user):
    browser_for(cs_user).get(f"/orders/{order.number}/")
    admin = browser_for(admin_user)
    found = admin.get("/admin/security/personaldataaccess/", {"q": order.number})
    assert found.status_code == 200 and "carla" in found.content.decode()
    assert "carla" not in admin.get("/admin/security/personaldataaccess/", {"q": "W-NONE"}).content.decode()
    entry = PersonalDataAccess.objects.get()
    assert admin.post(f"/admin/security/personaldataaccess/{entry.pk}/delete/").status_code == 403
    assert browser_for(cs_user).get("/admin/security/personaldataaccess/").status_code == 302


def test_retention_purges_only_old_entries(order, cs_user, settings):
    browser = browser_for(cs_user)
    browser.get(f"/orders/{order.number}/")
    browser.get(f"/orders/{order.number}/")
    PersonalDataAccess.objects.create(
        at=timezone.now() - timedelta(days=400), username="carla", action="view", resource="desk:order"
    )
    settings.OMS_AUDIT_RETENTION_DAYS = 365
    assert purge_audit_log.delay().get() == 1
    assert PersonalDataAccess.objects.count() == 2  # this year's two views stay
    settings.OMS_AUDIT_RETENTION_DAYS = 0
    assert audit_purge_expired(now=timezone.now() + timedelta(days=10_000)) == 0  # 0: kept for ever
