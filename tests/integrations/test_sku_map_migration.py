"""The connection's SKU map moves into the channel's listings (and back on a rollback): numeric
keys become external ids, other keys channel SKUs, entries naming no SKU of ours are dropped."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def leaves() -> list:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def at(connections_migration: str) -> list:
    """Every app at its latest migration, connections at the one named."""
    return [node for node in leaves() if node[0] != "connections"] + [("connections", connections_migration)]


BEFORE, AFTER = "0002_roles", "0003_sku_map_into_listings"


def migrate(name: str):
    executor = MigrationExecutor(connection)
    executor.migrate(at(name))
    return executor.loader.project_state(at(name)).apps


def test_sku_map_entries_become_listings_and_come_back_on_a_rollback():
    old = migrate(BEFORE)
    Channel = old.get_model("core", "Channel")
    Sku = old.get_model("inventory", "Sku")
    Connection = old.get_model("connections", "ChannelConnection")
    Listing = old.get_model("feeds", "ChannelListing")
    channel = Channel.objects.create(code="woo", name="woo", kind="web_shop", adapter_kind="woocommerce")
    for code in ("BEANS", "MUG", "LISTED"):
        Sku.objects.create(code=code, name=code)
    Listing.objects.create(channel=channel, sku=Sku.objects.get(code="LISTED"), external_id="900")
    Connection.objects.create(
        channel=channel,
        sku_map={"130": "BEANS", "mug-old": "MUG", "777": "NO-SUCH-SKU", "900": "MUG", "LISTED": "LISTED"},
    )
    try:
        new = migrate(AFTER)
        rows = set(
            new.get_model("feeds", "ChannelListing")
            .objects.filter(channel_id=channel.pk)
            .values_list("sku__code", "external_id", "channel_sku")
        )
        # 900 is LISTED's already: MUG keeps only its channel SKU; NO-SUCH-SKU is dropped
        assert rows == {("BEANS", "130", ""), ("MUG", "", "mug-old"), ("LISTED", "900", "")}
        back = migrate(BEFORE)
        restored = back.get_model("connections", "ChannelConnection").objects.get(channel_id=channel.pk)
        assert restored.sku_map == {"130": "BEANS", "mug-old": "MUG", "900": "LISTED"}
    finally:
        MigrationExecutor(connection).migrate(leaves())
