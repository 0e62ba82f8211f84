"""Availability in SQL: per location, per SKU, per channel; one query for a channel feed."""

import pytest

from inventory import selectors, services
from oms.core.models import Channel

from .factories import LocationFactory, SkuFactory, receive, reserve

pytestmark = pytest.mark.django_db


@pytest.fixture
def web():
    return Channel.objects.create(code="web-test", name="Web", kind=Channel.Kind.WEB_SHOP, inventory_buffer=2)


@pytest.fixture
def stocked(sku, location, other_location, web):
    """sku: east 10 on hand / 8 reserved / 3 safety (available 0, not -1); west 6 (available 6)."""
    location.channels.add(web)
    other_location.channels.add(web)
    receive(sku, location, 10)
    reserve(sku, location, 8)
    services.stock_set_safety(sku=sku, location=location, safety_stock=3)
    receive(sku, other_location, 6)
    return sku


def test_availability_by_location_clamps_at_zero(stocked, location, other_location):
    rows = {row.location.code: row.available_units for row in selectors.availability_by_location()}
    assert rows == {location.code: 0, other_location.code: 6}


def test_availability_by_sku_sums_clamped_levels(stocked):
    unstocked = SkuFactory()
    rows = {row.code: row for row in selectors.availability_by_sku()}
    assert (rows[stocked.code].on_hand_total, rows[stocked.code].reserved_total) == (16, 8)
    assert rows[stocked.code].available_total == 6  # -1 at east does not eat west's 6
    assert rows[unstocked.code].available_total == 0


def test_inactive_locations_and_skus_do_not_count(stocked, other_location):
    other_location.active = False
    other_location.save()
    assert selectors.availability_by_sku().get(code=stocked.code).available_total == 0
    stocked.active = False
    stocked.save()
    assert not selectors.availability_by_sku().filter(code=stocked.code).exists()


def test_channel_availability_uses_its_locations_minus_its_buffer(stocked, web, location, other_location):
    rows = {row.code: row.channel_available for row in selectors.availability_for_channel(web)}
    assert rows[stocked.code] == 4  # 0 + 6 - buffer 2
    pos = Channel.objects.create(code="pos-test", name="POS", kind=Channel.Kind.POS)
    other_location.channels.set([pos])  # now sells for the stores' POS only
    assert selectors.availability_for_channel(web).get(code=stocked.code).channel_available == 0  # never < 0
    elsewhere = LocationFactory()  # another location that sells for another channel only
    elsewhere.channels.add(pos)
    receive(stocked, elsewhere, 50)
    assert selectors.availability_for_channel(web).get(code=stocked.code).channel_available == 0


def test_a_location_naming_no_channel_serves_every_channel(stocked, web, other_location):
    other_location.channels.clear()
    assert selectors.availability_for_channel(web).get(code=stocked.code).channel_available == 4
    pos = Channel.objects.create(code="pos-test", name="POS", kind=Channel.Kind.POS)
    assert selectors.availability_for_channel(pos).get(code=stocked.code).channel_available == 6


def test_a_channel_feed_is_one_query_however_many_skus(
    web, location, other_location, django_assert_num_queries
):
    location.channels.add(web)
    other_location.channels.add(Channel.objects.create(code="pos-test", name="POS", kind=Channel.Kind.POS))
    for index in range(30):
        sku = SkuFactory()
        receive(sku, location, index + 1)
        receive(sku, other_location, 1)
    with django_assert_num_queries(1):
        rows = list(selectors.availability_for_channel(web))
    assert len(rows) == 30
    assert sum(row.channel_available for row in rows) == sum(max(i + 1 - 2, 0) for i in range(30))


def test_stock_levels_and_movements_filter_by_codes(stocked, location):
    assert [
        lvl.location.code for lvl in selectors.stock_levels(sku=stocked.code.lower(), location=location.code)
    ] == [location.code]
    kinds = set(selectors.stock_movements(sku=stocked, location=location).values_list("kind", flat=True))
    assert kinds == {"receipt", "reservation"}
    assert selectors.stock_movements(kind="receipt").count() == 2


def test_sku_search_by_code_prefix_barcode_and_name(sku):
    other = SkuFactory(code="HOOD-RED-L", name="Hoodie red L", barcode="4000000000024")
    assert list(selectors.sku_search("tee-")) == [sku]
    assert list(selectors.sku_search("4000000000024")) == [other]
    assert list(selectors.sku_search("hoodie")) == [other]
    assert list(selectors.sku_search("  ")) == []
    assert selectors.sku_exact_match("tee-blk-m") == sku
    assert selectors.sku_exact_match(sku.barcode) == sku
    assert selectors.sku_exact_match("TEE") is None
