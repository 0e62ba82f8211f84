from django.db import migrations

from oms.core.roles import OMS_ADMIN, grant_role_permissions, model_permissions


def grant(apps, schema_editor):
    """Admins search the personal-data audit log and unlock sign-ins (axes' access attempts)."""
    grant_role_permissions(apps, "security", {OMS_ADMIN: model_permissions("personaldataaccess", actions=("view",))})
    grant_role_permissions(
        apps,
        "axes",
        {
            OMS_ADMIN: [
                *model_permissions("accessattempt", actions=("view", "delete")),
                *model_permissions("accesslog", "accessfailurelog", actions=("view",)),
            ]
        },
    )


class Migration(migrations.Migration):
    dependencies = [("security", "0001_personal_data_access"), ("core", "0002_roles"), ("axes", "0010_accessattemptexpiration")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
