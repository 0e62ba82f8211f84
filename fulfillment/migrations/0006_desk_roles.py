"""The warehouse desk's models for each role, and the drop-ship vendor role (a vendor's own
users see the work sent to their vendor location, nothing else)."""

from django.db import migrations

from oms.core.roles import (
    CUSTOMER_SERVICE,
    DROPSHIP_VENDOR,
    OMS_ADMIN,
    WAREHOUSE,
    grant_role_permissions,
    model_permissions,
)

DESK = ("carrier", "package", "packageline", "pickbatch", "fulfillmentchange")
READ = model_permissions(*DESK, actions=("view",))


def grant(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=DROPSHIP_VENDOR)
    grant_role_permissions(apps, "fulfillment", {
        OMS_ADMIN: READ + model_permissions("carrier", actions=("add", "change", "delete")),
        CUSTOMER_SERVICE: READ,
        WAREHOUSE: READ,
        DROPSHIP_VENDOR: model_permissions("fulfillmentorder", "shipment", "carrier", actions=("view",)),
    })


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0005_carriers_reference_data"), ("fulfillment", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
