from django.db import migrations

from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, WAREHOUSE, grant_role_permissions, model_permissions

MODELS = ("routingrule", "fulfillmentorder", "fulfillmentorderline", "shipment", "shipmentline")
READ = model_permissions(*MODELS, actions=("view",))


def grant(apps, schema_editor):
    grant_role_permissions(apps, "fulfillment", {
        OMS_ADMIN: READ + model_permissions("routingrule", actions=("add", "change", "delete")),
        CUSTOMER_SERVICE: READ,
        WAREHOUSE: model_permissions("fulfillmentorder", "fulfillmentorderline", "shipment", "shipmentline",
                                     actions=("view",)),
    })


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
