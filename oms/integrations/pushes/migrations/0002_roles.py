from django.db import migrations

from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, grant_role_permissions, model_permissions


def grant(apps, schema_editor):
    grant_role_permissions(
        apps,
        "pushes",
        {
            OMS_ADMIN: model_permissions("channelpush", actions=("view", "change"))
            + model_permissions("pushcursor", actions=("view",)),
            CUSTOMER_SERVICE: model_permissions("channelpush", actions=("view",)),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("pushes", "0001_channel_pushes"), ("core", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
