from django.db import migrations

from oms.core.roles import OMS_ADMIN, grant_role_permissions, model_permissions


def grant(apps, schema_editor):
    grant_role_permissions(
        apps,
        "erp",
        {
            OMS_ADMIN: model_permissions("erpconnection")
            + model_permissions("erpexport", actions=("view", "change"))
            + model_permissions("erpcursor", "erpimport", actions=("view",))
        },
    )


class Migration(migrations.Migration):
    dependencies = [("erp", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
