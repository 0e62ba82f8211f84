from django.db import migrations

from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, grant_role_permissions, model_permissions

READ = model_permissions("ordercharge", "taxline", "channelrefund", actions=("view",))


def grant(apps, schema_editor):
    grant_role_permissions(apps, "orders", {OMS_ADMIN: READ, CUSTOMER_SERVICE: READ})


class Migration(migrations.Migration):
    dependencies = [("orders", "0005_channel_orders_whole"), ("core", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
