from django.db import migrations

from oms.core.roles import OMS_ADMIN, grant_role_permissions, model_permissions


def grant(apps, schema_editor):
    grant_role_permissions(
        apps,
        "feeds",
        {
            OMS_ADMIN: model_permissions("channellisting", "feedsettings")
            + model_permissions("feedpush", actions=("view", "change"))
        },
    )


class Migration(migrations.Migration):
    dependencies = [("feeds", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
