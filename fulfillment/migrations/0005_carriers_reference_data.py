"""UPS, FedEx, USPS and DHL in the carrier registry."""

from django.db import migrations

from fulfillment.carrier_data import seed_carriers


def seed(apps, schema_editor):
    seed_carriers(apps.get_model("fulfillment", "Carrier"))


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0004_carriers_packages_batches_changes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
