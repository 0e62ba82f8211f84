"""Inventory feeds to the real channels, against local fake channel servers (real HTTP on
127.0.0.1): each channel receives exactly its ids and quantities, in batches of its API's size,
only for the SKUs listed on it; a 429 is waited out and the push still goes through."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inventory import services as inventory
from oms.core.actor import Actor
from oms.integrations.feeds.models import ChannelListing, FeedPending, FeedPush, FeedSettings
from oms.integrations.feeds.services import feed_claim_full, feed_collect_changes, feed_push_send, feed_tick
from tests.integrations.channels import make_channel
from tests.integrations.fake_channel import serve_fake_channel
from tests.inventory.factories import LocationFactory, SkuFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")
GRAPHQL_OK = {"data": {"inventorySetQuantities": {"inventoryAdjustmentGroup": {}, "userErrors": []}}}


@pytest.fixture
def fake():
    with serve_fake_channel() as server:
        yield server


def stock(count: int, *, prefix: str, start: int = 1):
    """`count` SKUs with 3 + n units each at one location, received in one call."""
    location = LocationFactory(code=f"wh-{prefix.lower()}")
    skus = [SkuFactory(code=f"{prefix}-{n:03d}") for n in range(start, start + count)]
    inventory.stock_receive(
        lines=[inventory.StockLine(sku, location, 3 + n) for n, sku in enumerate(skus)],
        actor=ACTOR,
        reference="t",
    )
    return skus, location


def feed_channel(code: str, kind: str, url: str, **settings):
    channel = make_channel(code, kind, api_base_url=url, access_token="token-1", account="ATVPDKIKX0DER")
    FeedSettings.objects.create(channel=channel, enabled=True, **settings)
    return channel


def full_push(channel) -> FeedPush:
    push = feed_claim_full(channel_id=channel.pk)
    return feed_push_send(push_id=push.pk)


def test_shopify_gets_inventory_set_quantities_250_per_mutation_for_its_inventory_items(fake):
    skus, _ = stock(251, prefix="SH")
    unlisted, _ = stock(1, prefix="SHX")
    channel = feed_channel("shop", "shopify", fake.url, location_id="7001")
    ChannelListing.objects.bulk_create(
        [
            ChannelListing(channel=channel, sku=sku, external_id=f"9{n}", inventory_item_id=f"5{n}")
            for n, sku in enumerate(skus)
        ]
    )
    no_item, _ = stock(1, prefix="SHN")
    ChannelListing.objects.create(channel=channel, sku=no_item[0], external_id="77")  # no inventory item id
    fake.expect("POST", "/graphql.json", status=429, headers={"Retry-After": "0"})
    fake.expect("POST", "/graphql.json", body=GRAPHQL_OK)
    fake.expect("POST", "/graphql.json", body=GRAPHQL_OK)

    push = full_push(channel)

    assert push.status == FeedPush.Status.SENT, push.message
    assert fake.unexpected == [] and fake.pending == []
    first, second = fake.seen[1].json(), fake.seen[2].json()
    assert fake.seen[0].json() == first  # the 429 was waited out and the same mutation sent again
    assert "inventorySetQuantities(input: $input)" in first["query"]
    given = first["variables"]["input"]
    assert {
        key: given[key] for key in ("name", "reason", "ignoreCompareQuantity", "referenceDocumentUri")
    } == {
        "name": "available",
        "reason": "correction",
        "ignoreCompareQuantity": True,
        "referenceDocumentUri": f"gid://oms/FeedPush/{push.pk}",
    }
    assert len(given["quantities"]) == 250 and len(second["variables"]["input"]["quantities"]) == 1
    assert given["quantities"][0] == {
        "inventoryItemId": "gid://shopify/InventoryItem/50",
        "locationId": "gid://shopify/Location/7001",
        "quantity": 3,
    }
    assert second["variables"]["input"]["quantities"][0]["quantity"] == 3 + 250
    sent = [
        q["inventoryItemId"] for body in (first, second) for q in body["variables"]["input"]["quantities"]
    ]
    assert len(sent) == len(set(sent)) == 251  # neither the unlisted SKU nor the one without an item id
    assert fake.seen[1].headers["X-Shopify-Access-Token"] == "token-1"
    assert "SHN-001" in push.message and "no Shopify inventory item id" in push.message
    assert unlisted[0].code not in push.message


def test_shopify_user_errors_fail_the_push_and_the_changes_wait_for_the_next(fake):
    skus, location = stock(2, prefix="SE")
    channel = feed_channel("shop", "shopify", fake.url, location_id="gid://shopify/Location/1")
    for n, sku in enumerate(skus):
        ChannelListing.objects.create(channel=channel, sku=sku, inventory_item_id=str(n + 1))
    feed_collect_changes()
    inventory.stock_adjust(sku=skus[0], location=location, delta=-1, reason="count", actor=ACTOR)
    refused = {
        "data": {
            "inventorySetQuantities": {
                "userErrors": [
                    {"code": "INVALID_INVENTORY_ITEM", "field": ["input"], "message": "not stocked"}
                ]
            }
        }
    }
    fake.expect("POST", "/graphql.json", body=refused)
    [push] = feed_tick(now=timezone.now() + timedelta(seconds=5))
    assert push.status == FeedPush.Status.FAILED and "not stocked" in push.message
    assert push.message.startswith("Refused (fix, then retry)")  # a retry alone will not help
    assert list(FeedPending.objects.values_list("sku_id", flat=True)) == [skus[0].pk]


def test_woocommerce_gets_products_batch_of_100_and_variations_under_their_parent(fake):
    simple, _ = stock(101, prefix="WS")
    variations, _ = stock(2, prefix="WV")
    unmapped, _ = stock(1, prefix="WU")
    channel = feed_channel("woo", "woocommerce", fake.url)
    ChannelListing.objects.bulk_create(
        [ChannelListing(channel=channel, sku=sku, external_id=str(1000 + n)) for n, sku in enumerate(simple)]
        + [
            ChannelListing(channel=channel, sku=sku, external_id=str(60 + n), parent_id="50")
            for n, sku in enumerate(variations)
        ]
        + [ChannelListing(channel=channel, sku=unmapped[0])]
    )
    fake.expect("POST", "/products/batch", status=429, headers={"Retry-After": "0"})
    fake.expect("POST", "/products/batch", body={"update": []})
    fake.expect("POST", "/products/batch", body={"update": []})
    fake.expect("POST", "/products/50/variations/batch", body={"update": []})

    push = full_push(channel)

    assert push.status == FeedPush.Status.SENT, push.message
    assert fake.unexpected == [] and fake.pending == []
    bodies = {(seen.path, n): seen.json() for n, seen in enumerate(fake.seen)}
    batches = [body["update"] for (path, _n), body in bodies.items() if path == "/products/batch"]
    assert [len(batch) for batch in batches] == [100, 100, 1]  # the 429'd one, its retry, the rest
    assert batches[1][0] == {"id": 1000, "manage_stock": True, "stock_quantity": 3}
    assert batches[2] == [{"id": 1100, "manage_stock": True, "stock_quantity": 3 + 100}]
    [variation_batch] = [body for (path, _n), body in bodies.items() if path.startswith("/products/50/")]
    assert variation_batch == {
        "update": [
            {"id": 60, "manage_stock": True, "stock_quantity": 3},
            {"id": 61, "manage_stock": True, "stock_quantity": 4},
        ]
    }
    assert fake.seen[1].headers["Authorization"].startswith("Basic ")
    assert "WU-001" in push.message and "no numeric WooCommerce id" in push.message


def test_woocommerce_item_errors_fail_the_push(fake):
    skus, _ = stock(1, prefix="WE")
    channel = feed_channel("woo", "woocommerce", fake.url)
    ChannelListing.objects.create(channel=channel, sku=skus[0], external_id="12")
    fake.expect(
        "POST",
        "/products/batch",
        body={
            "update": [
                {"id": 12, "error": {"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID."}}
            ]
        },
    )
    push = full_push(channel)
    assert push.status == FeedPush.Status.FAILED and "Invalid ID." in push.message


def test_bigcommerce_gets_absolute_adjustments_by_variant_product_or_sku(fake):
    skus, _ = stock(3, prefix="BC")
    channel = feed_channel("bc", "bigcommerce", fake.url, location_id="3")
    ChannelListing.objects.create(channel=channel, sku=skus[0], external_id="401", parent_id="40")
    ChannelListing.objects.create(channel=channel, sku=skus[1], parent_id="41")
    ChannelListing.objects.create(channel=channel, sku=skus[2], channel_sku="bc-old-3")
    stock(1, prefix="BCX")  # not listed
    fake.expect(
        "PUT", "/v3/inventory/adjustments/absolute", status=429, headers={"X-Rate-Limit-Time-Reset-Ms": "10"}
    )
    fake.expect("PUT", "/v3/inventory/adjustments/absolute", body={"transaction_id": "tx-1"})

    push = full_push(channel)

    assert push.status == FeedPush.Status.SENT and "tx-1" in push.message, push.message
    assert fake.pending == [] and fake.seen[0].json() == fake.seen[1].json()
    assert fake.seen[1].json() == {
        "reason": f"OMS inventory feed, push {push.pk}",
        "items": [
            {"location_id": 3, "variant_id": 401, "quantity": 3},
            {"location_id": 3, "product_id": 41, "quantity": 4},
            {"location_id": 3, "sku": "bc-old-3", "quantity": 5},
        ],
    }
    assert fake.seen[1].headers["X-Auth-Token"] == "token-1"


def test_bigcommerce_sends_2000_items_per_request(fake):
    skus, _ = stock(2001, prefix="BB")
    channel = feed_channel("bc", "bigcommerce", fake.url)
    ChannelListing.objects.bulk_create([ChannelListing(channel=channel, sku=sku) for sku in skus])
    fake.expect("PUT", "/v3/inventory/adjustments/absolute", body={"transaction_id": "a"})
    fake.expect("PUT", "/v3/inventory/adjustments/absolute", body={"transaction_id": "b"})
    assert full_push(channel).status == FeedPush.Status.SENT
    sizes = [len(seen.json()["items"]) for seen in fake.seen]
    assert sizes == [2000, 1] and fake.seen[1].json()["items"] == [
        {"location_id": 1, "sku": "BB-999", "quantity": 3 + 998}
    ]  # sorted by code: BB-999 comes after BB-2001


def test_amazon_gets_a_json_listings_feed_through_a_feed_document(fake):
    skus, _ = stock(2, prefix="AM")
    stock(1, prefix="AMX")  # not listed
    channel = feed_channel("amz", "amazon", fake.url, seller_id="A2SELLER")
    ChannelListing.objects.create(channel=channel, sku=skus[0], channel_sku="seller-sku-1")
    ChannelListing.objects.create(channel=channel, sku=skus[1])
    fake.expect("POST", "/feeds/2021-06-30/documents", status=429, headers={"x-amzn-RateLimit-Limit": "100"})
    fake.expect(
        "POST",
        "/feeds/2021-06-30/documents",
        body={"feedDocumentId": "amzn1.tortuga.doc-1", "url": f"{fake.url}/upload/doc-1"},
    )
    fake.expect("PUT", "/upload/doc-1", body="")
    fake.expect("POST", "/feeds/2021-06-30/feeds", status=202, body={"feedId": "FEED-77"})

    push = full_push(channel)

    assert push.status == FeedPush.Status.SENT and "FEED-77" in push.message, push.message
    assert fake.unexpected == [] and fake.pending == []
    create_doc, _, upload, create_feed = fake.seen[0], fake.seen[1], fake.seen[2], fake.seen[3]
    assert create_doc.json() == {"contentType": "application/json; charset=UTF-8"}
    assert create_doc.headers["x-amz-access-token"] == "token-1"
    assert "x-amz-access-token" not in upload.headers  # the pre-signed URL carries its own authority
    assert upload.headers["Content-Type"] == "application/json; charset=UTF-8"
    patch = {"op": "merge", "path": "/attributes/fulfillment_availability"}
    assert upload.json() == {
        "header": {"sellerId": "A2SELLER", "version": "2.0", "issueLocale": "en_US"},
        "messages": [
            {
                "messageId": 1,
                "sku": "seller-sku-1",
                "operationType": "PATCH",
                "productType": "PRODUCT",
                "patches": [{**patch, "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 3}]}],
            },
            {
                "messageId": 2,
                "sku": "AM-002",
                "operationType": "PATCH",
                "productType": "PRODUCT",
                "patches": [{**patch, "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 4}]}],
            },
        ],
    }
    assert create_feed.json() == {
        "feedType": "JSON_LISTINGS_FEED",
        "marketplaceIds": ["ATVPDKIKX0DER"],
        "inputFeedDocumentId": "amzn1.tortuga.doc-1",
    }


def test_a_channel_without_feed_ids_is_refused_without_a_request(fake):
    skus, _ = stock(1, prefix="NF")
    channel = feed_channel("amz", "amazon", fake.url)  # no seller id
    ChannelListing.objects.create(channel=channel, sku=skus[0])
    push = full_push(channel)
    assert push.status == FeedPush.Status.FAILED and "seller id" in push.message and fake.seen == []


def test_a_hundred_stock_changes_in_a_second_give_one_shopify_mutation(fake):
    skus, location = stock(6, prefix="BU")
    channel = feed_channel("shop", "shopify", fake.url, location_id="1", debounce_seconds=30)
    for n, sku in enumerate(skus[:4]):
        ChannelListing.objects.create(channel=channel, sku=sku, inventory_item_id=str(n + 1))
    feed_collect_changes()
    fake.expect("POST", "/graphql.json", body=GRAPHQL_OK)
    for n in range(100):
        inventory.stock_adjust(
            sku=skus[n % 6], location=location, delta=1 if (n // 6) % 2 else -1, reason="count", actor=ACTOR
        )
        feed_tick()
    assert fake.seen == []  # still inside the burst
    feed_tick(now=timezone.now() + timedelta(seconds=31))
    feed_tick(now=timezone.now() + timedelta(seconds=32))
    [request] = fake.seen
    quantities = request.json()["variables"]["input"]["quantities"]
    on_hand = {sku.pk: level for sku, level in ((s, s.stock_levels.get().on_hand) for s in skus[:4])}
    assert [q["quantity"] for q in quantities] == [on_hand[sku.pk] for sku in skus[:4]]
    assert [q["inventoryItemId"] for q in quantities] == [
        f"gid://shopify/InventoryItem/{n}" for n in range(1, 5)
    ]


def test_incoming_orders_read_their_skus_through_the_listings():
    from oms.integrations.common.base import config_for

    skus, _ = stock(2, prefix="IN")
    channel = make_channel("woo", "woocommerce")
    ChannelListing.objects.create(channel=channel, sku=skus[0], external_id="130")
    ChannelListing.objects.create(channel=channel, sku=skus[1], channel_sku="old-code", active=False)
    config = config_for(channel)
    assert config.sku("", "130") == "IN-001"  # a line without a SKU, by its product id
    assert config.sku("old-code") == "IN-002"  # not fed any more, still mapped
    assert config.sku("IN-001") == "IN-001" and config.sku("", None) == "UNMAPPED"


def test_amazon_sends_one_feed_per_batch_of_its_item_limit(fake, monkeypatch):
    from oms.integrations.amazon import inventory as amazon_feed

    monkeypatch.setattr(amazon_feed, "BATCH", 2)  # Amazon's limit is 25,000: the same path, smaller
    skus, _ = stock(3, prefix="AB")
    channel = feed_channel("amz", "amazon", fake.url, seller_id="A2SELLER")
    ChannelListing.objects.bulk_create([ChannelListing(channel=channel, sku=sku) for sku in skus])
    for n in (1, 2):
        fake.expect(
            "POST",
            "/feeds/2021-06-30/documents",
            body={"feedDocumentId": f"d{n}", "url": f"{fake.url}/up/{n}"},
        )
        fake.expect("PUT", f"/up/{n}", body="")
        fake.expect("POST", "/feeds/2021-06-30/feeds", status=202, body={"feedId": f"F{n}"})
    push = full_push(channel)
    assert push.status == FeedPush.Status.SENT and "F1, F2" in push.message, push.message
    uploads = [seen.json()["messages"] for seen in fake.seen if seen.method == "PUT"]
    assert [[(m["messageId"], m["sku"]) for m in messages] for messages in uploads] == [
        [(1, "AB-001"), (2, "AB-002")],
        [(1, "AB-003")],
    ]
    feeds = [seen.json()["inputFeedDocumentId"] for seen in fake.seen if seen.path.endswith("/feeds")]
    assert feeds == ["d1", "d2"]
