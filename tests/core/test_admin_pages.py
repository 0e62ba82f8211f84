"""Every admin page an admin can reach renders, on the demo data."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    call_command("seed_demo", force=True, verbosity=0)
    client.force_login(admin_user)
    return client


def test_every_registered_model_lists_and_shows_a_row(admin_client, admin_user):
    checked = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        if not model_admin.has_view_or_change_permission(type("R", (), {"user": admin_user})()):
            continue
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = admin_client.get(changelist)
        assert response.status_code == 200, (changelist, response.status_code)
        row = model.objects.order_by("pk").first()
        if row is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
            assert admin_client.get(change).status_code == 200, change
        checked.append(meta.label)
    assert {"orders.Order", "inventory.StockLevel", "returns.Refund", "core.Channel"} <= set(checked)
