from django.db import migrations

from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, WAREHOUSE, grant_role_permissions, model_permissions

READ = model_permissions(
    "returnauthorization", "returnline", "returnreceipt", "refund", "refundline", actions=("view",)
)
MANAGE = model_permissions("returnauthorization", "returnline", "refund", "refundline", actions=("add", "change"))
RECEIVE = model_permissions("returnreceipt", "returnline", actions=("add", "change"))


def grant(apps, schema_editor):
    grant_role_permissions(apps, "returns", {
        OMS_ADMIN: READ + MANAGE + RECEIVE,
        CUSTOMER_SERVICE: READ + MANAGE,
        WAREHOUSE: READ + RECEIVE,
    })


class Migration(migrations.Migration):
    dependencies = [("returns", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
