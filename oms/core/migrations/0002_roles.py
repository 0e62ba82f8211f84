"""The three staff roles as groups, with the kernel's permissions each needs."""

from django.db import migrations

from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, WAREHOUSE, grant_role_permissions, model_permissions


def create_roles(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for role in (CUSTOMER_SERVICE, WAREHOUSE, OMS_ADMIN):
        group_model.objects.get_or_create(name=role)
    grant_role_permissions(apps, "core", {
        OMS_ADMIN: model_permissions("channel") + ["view_outboxevent", "view_idempotencyrecord"],
        CUSTOMER_SERVICE: ["view_channel"],
    })
    grant_role_permissions(apps, "auth", {
        OMS_ADMIN: model_permissions("user", "group", actions=("view", "add", "change")),
    })
    grant_role_permissions(apps, "authtoken", {
        OMS_ADMIN: ["view_tokenproxy", "add_tokenproxy", "delete_tokenproxy"],
    })


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
