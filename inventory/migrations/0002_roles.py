from django.db import migrations

from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, WAREHOUSE, grant_role_permissions, model_permissions

READ = model_permissions("sku", "location", "stocklevel", "stockmovement", "reservation", actions=("view",))


def grant(apps, schema_editor):
    grant_role_permissions(apps, "inventory", {
        OMS_ADMIN: READ + model_permissions("sku", "location", "stocklevel", actions=("add", "change")),
        CUSTOMER_SERVICE: READ,
        WAREHOUSE: READ,
    })


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
