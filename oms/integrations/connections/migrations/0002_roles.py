from django.db import migrations

from oms.core.roles import OMS_ADMIN, grant_role_permissions, model_permissions


def grant(apps, schema_editor):
    # Connections hold credentials: OMS admins only.
    grant_role_permissions(
        apps,
        "connections",
        {OMS_ADMIN: model_permissions("channelconnection", actions=("view", "add", "change", "delete"))},
    )


class Migration(migrations.Migration):
    dependencies = [("connections", "0001_channel_connections"), ("core", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
