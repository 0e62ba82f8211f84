from django.db import migrations

from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, WAREHOUSE, grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps, "inventory", {
        OMS_ADMIN: ["view_transfer", "add_transfer", "change_transfer"],
        CUSTOMER_SERVICE: ["view_transfer"],
        WAREHOUSE: ["view_transfer"],
    })


class Migration(migrations.Migration):
    dependencies = [("inventory", "0006_transfers_in_transit")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
