"""The connection's SKU map moves into the channel's listings (feeds.ChannelListing), the one SKU
mapping of a channel: a numeric key (a variant or product id) becomes the listing's external id,
any other key the listing's channel SKU. An entry naming a SKU the OMS does not have, or a key
another listing of the channel already holds, cannot be a listing and is dropped (logged)."""

import logging

from django.db import migrations

logger = logging.getLogger(__name__)


def move_sku_maps(apps, schema_editor):
    Connection = apps.get_model("connections", "ChannelConnection")
    Listing = apps.get_model("feeds", "ChannelListing")
    Sku = apps.get_model("inventory", "Sku")
    for connection in Connection.objects.exclude(sku_map={}):
        for key, code in (connection.sku_map or {}).items():
            key, code = str(key).strip(), str(code).strip()
            sku = Sku.objects.filter(code=code).first()
            if not key or sku is None or key == code:
                if key != code:
                    logger.warning("SKU map of channel %s: %s -> %s dropped (no such SKU)", connection.channel_id, key, code)
                continue
            field = "external_id" if key.isdigit() else "channel_sku"
            if Listing.objects.filter(channel_id=connection.channel_id, **{field: key}).exists():
                logger.warning("SKU map of channel %s: %s already listed, %s dropped", connection.channel_id, key, code)
                continue
            listing, _ = Listing.objects.get_or_create(channel_id=connection.channel_id, sku=sku)
            if getattr(listing, field):
                logger.warning("SKU map of channel %s: %s has a %s, %s dropped", connection.channel_id, code, field, key)
                continue
            setattr(listing, field, key)
            listing.save(update_fields=[field])


def listings_into_sku_maps(apps, schema_editor):
    Connection = apps.get_model("connections", "ChannelConnection")
    Listing = apps.get_model("feeds", "ChannelListing")
    for connection in Connection.objects.all():
        mapping = {}
        for external_id, channel_sku, code in Listing.objects.filter(channel_id=connection.channel_id).values_list(
            "external_id", "channel_sku", "sku__code"
        ):
            for key in (external_id, channel_sku):
                if key:
                    mapping[key] = code
        if mapping:
            connection.sku_map = mapping
            connection.save(update_fields=["sku_map"])


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0002_roles"),
        ("feeds", "0003_listing_channel_ids"),
        ("inventory", "0008_stock_quantities_64_bit"),
    ]

    operations = [
        migrations.RunPython(move_sku_maps, listings_into_sku_maps),
        migrations.RemoveField(model_name="channelconnection", name="sku_map"),
    ]
