"""Catalog and configuration writes in the admin and the imports go through the services, with
their validation: SKUs, locations, routing rules, channels and their tokens."""

import pytest
import tablib
from django.core.exceptions import ValidationError

from fulfillment import services as fulfillment
from fulfillment.models import RoutingRule
from fulfillment.resources import RoutingRuleResource
from inventory import services as inventory
from inventory.models import Location, Sku
from inventory.resources import LocationResource, SkuResource
from oms.core import services as core
from oms.core.actor import Actor
from oms.core.adapters import register_adapter, unregister_adapter
from oms.core.errors import DomainError, ForbiddenError
from oms.core.models import Channel
from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN
from tests.conftest import make_user
from tests.fulfillment.factories import ChannelFactory, LocationFactory

pytestmark = pytest.mark.django_db

AGENT = Actor("user", 7, "carla", frozenset({CUSTOMER_SERVICE}))
ADMIN = Actor("user", 8, "ada", frozenset({OMS_ADMIN}))


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def invalid_rows(result) -> dict:
    return {row.number: row.error.message_dict for row in result.invalid_rows}


def test_a_sku_import_refuses_a_warehouse_as_drop_ship_vendor_and_tags_that_are_not_a_list():
    LocationFactory(code="wh-east")
    data = tablib.Dataset(headers=["code", "name", "tags", "dropship_vendor"])
    data.append(["NEW-1", "One", '["fragile"]', "wh-east"])
    data.append(["NEW-2", "Two", '"fragile"', ""])
    result = SkuResource().import_data(data, dry_run=False)
    errors = invalid_rows(result)
    assert "dropship_vendor" in errors[1]
    assert "tags" in errors[2]
    assert not Sku.objects.exists()  # all or nothing


def test_a_location_import_and_the_admin_refuse_a_country_code_that_is_not_one(admin_client):
    data = tablib.Dataset(headers=["code", "name", "kind", "country_code", "latitude"])
    data.append(["store-1", "Store 1", "store", "1X", "12.5"])
    data.append(["store-2", "Store 2", "store", "us", "95"])
    errors = invalid_rows(LocationResource().import_data(data, dry_run=False))
    assert "country_code" in errors[1] and "latitude" in errors[2]
    assert not Location.objects.exists()
    page = admin_client.post(
        "/admin/inventory/location/add/",
        {"code": "store-3", "name": "Store 3", "kind": "store", "country_code": "1X", "priority": 100},
    )
    assert page.status_code == 200 and "two-letter ISO country code" in page.content.decode()
    saved = admin_client.post(
        "/admin/inventory/location/add/",
        {
            "code": "store-3",
            "name": "Store 3",
            "kind": "store",
            "country_code": "de",
            "priority": 100,
            "shipping_cost_base": "0",
            "shipping_cost_per_km": "0",
            "pickup_hold_days": 7,
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert Location.objects.get(code="store-3").country_code == "DE"


def test_catalog_services_refuse_who_is_not_an_admin():
    with pytest.raises(ForbiddenError):
        inventory.sku_create(actor=AGENT, code="X-1", name="X")
    with pytest.raises(ForbiddenError):
        inventory.location_create(actor=AGENT, code="x", name="X", kind="store", country_code="US")
    with pytest.raises(DomainError) as error:
        inventory.sku_create(actor=ADMIN, code="  ", name="X")
    assert error.value.details["errors"]["code"]
    assert not Sku.objects.exists()


def test_a_routing_rule_import_refuses_unknown_location_kinds(east_store):
    data = tablib.Dataset(headers=["name", "position", "strategy", "include_kinds"])
    data.append(["Castles first", "5", "nearest", "warehouse,castle"])
    errors = invalid_rows(RoutingRuleResource().import_data(data, dry_run=False))
    assert "include_kinds" in errors[1]
    assert not RoutingRule.objects.exists()


@pytest.fixture
def east_store(db):
    return LocationFactory(code="wh-east"), LocationFactory(code="store-phl", kind=Location.Kind.STORE)


def test_the_routing_rule_admin_saves_and_deletes_through_the_service(admin_client, east_store):
    east, _store = east_store
    refused = admin_client.post(
        "/admin/fulfillment/routingrule/add/",
        {
            "name": "Both",
            "position": 1,
            "active": "on",
            "strategy": "nearest",
            "include_locations": [east.pk],
            "exclude_locations": [east.pk],
            "include_kinds": "[]",
            "exclude_kinds": "[]",
        },
    )
    assert refused.status_code == 200 and "both included and excluded" in refused.content.decode()
    assert not RoutingRule.objects.exists()
    rule = fulfillment.routing_rule_save(rule=RoutingRule(name="East", position=1), actor=ADMIN)
    with pytest.raises(ForbiddenError):
        fulfillment.routing_rule_save(rule=rule, actor=AGENT)
    admin_client.post(
        "/admin/fulfillment/routingrule/",
        {"action": "delete_selected", "_selected_action": [rule.pk], "post": "yes"},
    )
    assert not RoutingRule.objects.exists()


def test_a_channel_adapter_kind_must_be_a_registered_adapter(admin_client):
    channel = ChannelFactory(code="web")
    with pytest.raises(ValidationError):
        Channel(code="x", name="X", kind="web_shop", adapter_kind="nobody").full_clean()
    with pytest.raises(DomainError) as error:
        core.channel_save(
            channel=Channel(code="x", name="X", kind="web_shop", adapter_kind="nobody"), actor=ADMIN
        )
    assert "not a registered channel adapter" in error.value.message
    url = f"/admin/core/channel/{channel.pk}/change/"
    form = {
        "code": "web",
        "name": "Web",
        "kind": "web_shop",
        "active": "on",
        "inventory_buffer": 0,
        "payment_due_hours": 72,
        "handling_days": 2,
    }
    refused = admin_client.post(url, {**form, "adapter_kind": "shopfiy"})
    assert refused.status_code == 200 and "shopfiy" in refused.content.decode()
    assert Channel.objects.get(pk=channel.pk).adapter_kind == "manual"

    @register_adapter("shopify-test")
    class ShopifyTest:
        def __init__(self, channel):
            self.channel = channel

    try:
        assert admin_client.post(url, {**form, "adapter_kind": "shopify-test"}).status_code == 302
        assert Channel.objects.get(pk=channel.pk).adapter_kind == "shopify-test"
    finally:
        unregister_adapter("shopify-test")


def test_only_an_admin_issues_channel_tokens():
    channel = ChannelFactory(code="web")
    with pytest.raises(ForbiddenError):
        core.channel_issue_token(channel=channel, actor=AGENT)
    token = core.channel_issue_token(channel=channel, actor=ADMIN)
    assert token.startswith("ch_") and Channel.objects.get(pk=channel.pk).api_token_digest


def test_a_staff_user_without_the_admin_role_cannot_change_the_catalog_in_the_admin(client):
    """Model permissions of the admin site are not enough: the service checks the role."""
    from django.contrib.auth.models import Permission

    clerk = make_user("clerk", CUSTOMER_SERVICE, is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["add_sku", "view_sku"]))
    client.force_login(clerk)
    response = client.post("/admin/inventory/sku/add/", {"code": "NEW-9", "name": "Nine", "tags": "[]"})
    assert response.status_code == 403
    assert not Sku.objects.exists()
