from django.db import migrations

from oms.core.roles import OMS_ADMIN, grant_role_permissions, model_permissions


def grant(apps, schema_editor):
    grant_role_permissions(
        apps,
        "webhooks",
        {
            OMS_ADMIN: model_permissions("webhookendpoint")
            + model_permissions("webhookdelivery", actions=("view", "change"))
            + model_permissions("webhookattempt", actions=("view",)),
        },
    )
    # Beat schedules, editable in the admin by admins.
    grant_role_permissions(
        apps,
        "django_celery_beat",
        {
            OMS_ADMIN: model_permissions(
                "periodictask", "intervalschedule", "crontabschedule", "solarschedule", "clockedschedule"
            ),
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_webhook_endpoints_deliveries"),
        ("core", "0002_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
