from django.db import migrations

from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, grant_role_permissions, model_permissions


def grant(apps, schema_editor):
    grant_role_permissions(
        apps,
        "inbox",
        {
            OMS_ADMIN: model_permissions("inboxdocument", actions=("view", "change")),
            CUSTOMER_SERVICE: model_permissions("inboxdocument", actions=("view",)),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("inbox", "0001_inbox_documents"), ("core", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
