"""Routing rules in the admin (ordered, import / export) and the read-only FO admin; demo rules."""

import pytest
import tablib
from django.urls import reverse

from fulfillment import demo
from fulfillment.models import FulfillmentOrder, RoutingRule
from fulfillment.resources import RoutingRuleResource

from .factories import accept, make_order, receive

pytestmark = pytest.mark.django_db


def test_routing_rules_are_listed_in_position_order(client, admin_user):
    RoutingRule.objects.create(name="Late", position=50)
    RoutingRule.objects.create(name="Early", position=5)
    client.force_login(admin_user)
    html = client.get(reverse("admin:fulfillment_routingrule_changelist")).content.decode()
    assert html.index("Early") < html.index("Late")
    assert client.get(reverse("admin:fulfillment_routingrule_add")).status_code == 200


def test_routing_rules_import_and_export(east, store):
    data = tablib.Dataset(
        headers=[
            "name",
            "position",
            "active",
            "strategy",
            "country_code",
            "exclude_locations",
            "include_kinds",
        ]
    )
    data.append(["Warehouses first", "5", "1", "nearest", "US", "store-phl", "warehouse, store"])
    result = RoutingRuleResource().import_data(data, dry_run=False)
    assert not result.has_errors(), [row.errors for row in result.rows]
    rule = RoutingRule.objects.get(name="Warehouses first")
    assert (rule.position, rule.strategy, rule.include_kinds) == (5, "nearest", ["store", "warehouse"])
    assert list(rule.exclude_locations.values_list("code", flat=True)) == ["store-phl"]
    exported = RoutingRuleResource().export()
    assert exported.dict[0]["exclude_locations"] == "store-phl"
    assert exported.dict[0]["include_kinds"] == "store,warehouse"


def test_fulfillment_orders_are_read_only_in_the_admin(client, admin_user, east, sku_a):
    receive(sku_a, east, 3)
    fo = FulfillmentOrder.objects.get(order=accept(make_order([(sku_a, 1)])))
    client.force_login(admin_user)
    assert fo.number in client.get(reverse("admin:fulfillment_fulfillmentorder_changelist")).content.decode()
    page = client.get(reverse("admin:fulfillment_fulfillmentorder_change", args=[fo.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.get(reverse("admin:fulfillment_fulfillmentorder_add")).status_code == 403


def test_demo_rules_are_idempotent():
    demo.seed()
    demo.seed()
    assert list(RoutingRule.objects.values_list("name", flat=True)) == [
        "Pickup",
        "Fragile from warehouses",
        "US default",
    ]
