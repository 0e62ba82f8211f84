"""Scheduled pulls (issue 17) against local fake channel servers: orders updated since the
channel's cursor, every page, 429 / 5xx / throttling waited out as the channel says, the cursor
advanced only after the page it covers is stored, each order then landing through the inbox."""

import json

import pytest

from oms.core.adapters import AdapterError
from oms.integrations.connections.models import ChannelConnection
from oms.integrations.inbox.models import InboxDocument
from oms.integrations.pulls import services
from orders.models import ChannelRefund, Order
from tests.integrations.channels import doc, make_channel
from tests.integrations.fake_channel import serve_fake_channel

pytestmark = pytest.mark.django_db(transaction=True)


class Waits(list):
    """sleep() stand-in: records the waits instead of taking them."""

    def __call__(self, seconds):
        self.append(round(seconds, 2))


@pytest.fixture
def fake():
    with serve_fake_channel() as server:
        yield server


def connect(channel, base_url: str, **fields) -> ChannelConnection:
    ChannelConnection.objects.filter(channel=channel).update(
        api_base_url=base_url, pull_enabled=True, **fields
    )
    return ChannelConnection.objects.get(channel=channel)


def pull(channel, waits, **kwargs) -> int:
    return services.pull_channel_orders(channel_id=channel.pk, sleep=waits, **kwargs)


# --- Shopify: GraphQL cursor paging, THROTTLED answers -------------------------------------------


def test_shopify_pages_through_graphql_waits_out_throttling_and_advances_its_cursor(fake):
    channel = make_channel("shopify-ca", "shopify", skus=("SOCK-MER-CH-M", "INS-TRAIL-42", "48123456854549"))
    connect(
        channel,
        f"{fake.url}/admin/api/2025-07",
        access_token="shpat_test",
        pull_cursor="2025-03-14T16:00:00Z",
    )
    throttled = doc("shopify", "graphql_throttled.json")
    fake.expect("POST", "/admin/api/2025-07/graphql.json", body=throttled["body"])
    for page in ("graphql_orders_page1.json", "graphql_orders_page2.json"):
        fake.recorded(doc("shopify", page))
    waits = Waits()
    assert pull(channel, waits, page_size=2) == 3
    assert waits == [3.75]  # (412 requested - 37 available) / 100 per second
    sent = [request.json()["variables"] for request in fake.seen]
    assert [v["after"] for v in sent] == [
        None,
        None,
        doc("shopify", "graphql_orders_page1.json")["body"]["data"]["orders"]["pageInfo"]["endCursor"],
    ]
    assert sent[0]["query"] == "updated_at:>='2025-03-14T16:00:00Z'"
    assert fake.seen[0].headers["X-Shopify-Access-Token"] == "shpat_test"
    connection = ChannelConnection.objects.get(channel=channel)
    assert connection.pull_cursor == "2025-03-20T21:11:10Z" and connection.last_pull_error == ""
    # the orders landed, the later version of #1042 with its refund
    refunded = Order.objects.get(channel=channel, external_id="6183729104917")
    assert [r.channel_refund_id for r in ChannelRefund.objects.filter(order=refunded)] == ["1029384756021"]
    assert Order.objects.get(channel=channel, external_id="6183730415637").status == "cancelled"


def test_the_cursor_moves_only_past_stored_pages_and_the_next_run_resumes_there(fake):
    channel = make_channel("shopify-ca", "shopify", skus=("SOCK-MER-CH-M", "INS-TRAIL-42", "48123456854549"))
    connect(channel, f"{fake.url}/admin/api/2025-07", access_token="t", pull_cursor="2025-03-14T16:00:00Z")
    fake.recorded(doc("shopify", "graphql_orders_page1.json"))
    for _ in range(5):
        fake.expect("POST", "/admin/api/2025-07/graphql.json", status=503, body={"errors": "unavailable"})
    waits = Waits()
    with pytest.raises(AdapterError, match="503"):
        pull(channel, waits, page_size=2)
    assert waits == [1.0, 2.0, 4.0, 8.0]  # exponential backoff between five attempts
    connection = ChannelConnection.objects.get(channel=channel)
    page1_latest = max(
        n["updatedAt"] for n in doc("shopify", "graphql_orders_page1.json")["body"]["data"]["orders"]["nodes"]
    )
    assert connection.pull_cursor == page1_latest  # page 1 is stored: the cursor covers it, no more
    assert "503" in connection.last_pull_error and connection.pull_started_at is None
    assert InboxDocument.objects.count() == 2
    # the next run starts from page 1's last change; what it sees again creates nothing
    fake.expect(
        "POST", "/admin/api/2025-07/graphql.json", body=doc("shopify", "graphql_orders_page2.json")["body"]
    )
    assert pull(channel, Waits()) == 1
    assert fake.seen[-1].json()["variables"]["query"] == f"updated_at:>='{page1_latest}'"


# --- WooCommerce: pages, 429 with Retry-After --------------------------------------------------


def test_woocommerce_pages_honour_retry_after_and_move_the_cursor_after_the_whole_run(fake):
    channel = make_channel(
        "woo-us", "woocommerce", skus=("DRIP-CER-WHT", "130", "FILTER-PAPER-100", "KETTLE-GOOSE")
    )
    connect(
        channel,
        f"{fake.url}/wp-json/wc/v3",
        api_key="ck_test",
        api_secret="cs_test",
        pull_cursor="2025-03-14T16:00:00+00:00",
    )
    page1 = doc("woocommerce", "orders_list_page1.json")
    limited = doc("woocommerce", "rate_limited_429.json")
    fake.expect("GET", page1["request"]["path"], status=429, headers=limited["headers"], body=limited["body"])
    fake.recorded(page1)
    fake.recorded(doc("woocommerce", "orders_list_page2.json"))
    waits = Waits()
    assert pull(channel, waits, page_size=2) == 3
    assert waits == [30.0]  # Retry-After: 30 from the host in front of the shop
    assert fake.seen[0].headers["Authorization"] == page1["request"]["headers"]["Authorization"]
    connection = ChannelConnection.objects.get(channel=channel)
    assert connection.pull_cursor == "2025-03-14T19:40:12+00:00"  # the latest change, not the last id's
    assert Order.objects.filter(channel=channel).count() == 3 and fake.unexpected == []


# --- BigCommerce: pages to 204, 429 with its reset time, three documents per order ---------------------


def _bigcommerce_order_documents(fake, order_ids, size=2):
    """Each order's products (4, on pages of `size`, 204 past the end) and shipping addresses."""
    base = "/stores/k3x9q2w7vd/v2/orders"
    for order_id in order_ids:
        products = [dict(p, order_id=order_id) for p in doc("bigcommerce", "order_products.json")]
        pages = [products[i : i + size] for i in range(0, len(products), size)]
        for number, batch in enumerate(pages, start=1):
            fake.expect("GET", f"{base}/{order_id}/products?limit={size}&page={number}", body=batch)
        if len(pages[-1]) == size:
            fake.expect("GET", f"{base}/{order_id}/products?limit={size}&page={len(pages) + 1}", status=204)
        fake.expect(
            "GET",
            f"{base}/{order_id}/shippingaddresses?limit={size}&page=1",
            body=doc("bigcommerce", "order_shipping_addresses.json"),
        )


def test_bigcommerce_pages_until_204_waiting_the_stated_reset_on_429(fake):
    channel = make_channel("bigc-us", "bigcommerce", skus=("APR-LIN-SAGE", "SET-BRKFST", "MUG-ENM-WHT", "92"))
    connect(
        channel,
        f"{fake.url}/stores/k3x9q2w7vd",
        access_token="test-access-token",
        pull_cursor="2025-03-14T16:00:00+00:00",
    )
    limited = doc("bigcommerce", "rate_limited_429.json")
    fake.recorded(limited)
    page1 = doc("bigcommerce", "orders_list_page1.json")
    fake.recorded(page1)
    empty = doc("bigcommerce", "orders_list_page2.json")
    fake.expect(
        "GET",
        empty["request"]["path"],
        status=204,
        headers=doc("bigcommerce", "orders_list_page3_empty.json")["headers"],
    )
    _bigcommerce_order_documents(fake, [1187, 1188])
    waits = Waits()
    assert pull(channel, waits, page_size=2) == 2
    assert waits == [15.0]  # X-Rate-Limit-Time-Reset-Ms: 15000, no Retry-After
    assert fake.seen[0].headers["X-Auth-Token"] == "test-access-token"
    assert fake.pending == [] and fake.unexpected == []
    stored = json.loads(InboxDocument.objects.filter(external_id="1187").get().body)
    assert set(stored) == {"order", "products", "shipping_addresses"} and len(stored["products"]) == 4
    assert ChannelConnection.objects.get(channel=channel).pull_cursor == "2025-03-14T16:51:40+00:00"


def test_a_signed_bigcommerce_webhook_fetches_the_order_it_names(fake, anon_api, monkeypatch):
    import time

    from tests.integrations.channels import post_delivery

    channel = make_channel("bigc-us", "bigcommerce", skus=("APR-LIN-SAGE", "SET-BRKFST", "MUG-ENM-WHT", "92"))
    connect(channel, f"{fake.url}/stores/k3x9q2w7vd", access_token="test-access-token")
    fake.expect("GET", "/stores/k3x9q2w7vd/v2/orders/1187", body=doc("bigcommerce", "order.json"))
    _bigcommerce_order_documents(fake, [1187], size=250)
    delivery = doc("bigcommerce", "webhook_order_created.json")
    monkeypatch.setattr(time, "time", lambda: int(delivery["headers"]["webhook-timestamp"]) + 5)
    assert post_delivery(anon_api, delivery).status_code == 202
    order = Order.objects.get(channel=channel, external_id="1187")
    assert order.lines.count() == 4
    assert InboxDocument.objects.filter(source="pull", order=order).exists()


# --- Amazon: NextToken pages, items pages, 429 without Retry-After ----------------------------------


def test_amazon_pages_with_next_token_and_takes_last_updated_before_as_the_cursor(fake):
    channel = make_channel("amazon-us", "amazon", skus=("KT-BAM-3PK", "CB-OAK-L", "KT-BAM-3PK-FBA"))
    connect(
        channel,
        fake.url,
        access_token="Atza|test-access-token",
        account="ATVPDKIKX0DER",
        pull_cursor="2025-03-14T16:00:00Z",
    )
    limited = doc("amazon", "getOrders_429.json")
    fake.recorded(limited)
    fake.recorded(doc("amazon", "getOrders_page1.json"))
    fake.recorded(doc("amazon", "getOrders_page2.json"))
    items = {
        "113-4079225-2317825": ["getOrderItems_page1.json", "getOrderItems_page2.json"],
        "112-9983421-0075526": ["getOrderItems_canceled.json"],
        "114-2250981-6634631": ["getOrderItems_afn.json"],
    }
    for order_id, pages in items.items():
        token = None
        for name in pages:
            path = f"/orders/v0/orders/{order_id}/orderItems" + (f"?NextToken={token}" if token else "")
            fake.expect("GET", path, body=doc("amazon", name))
            token = doc("amazon", name)["payload"].get("NextToken")
        fake.expect(
            "GET", f"/orders/v0/orders/{order_id}/buyerInfo", body=doc("amazon", "getOrderBuyerInfo.json")
        )
    # the shipped order's refunds are in the Finances API
    refunds = {"payload": {"FinancialEvents": {"RefundEventList": []}}}
    fake.expect("GET", "/finances/v0/orders/114-2250981-6634631/financialEvents", body=refunds)
    waits = Waits()
    assert pull(channel, waits, page_size=2) == 3
    assert waits == [1.0]  # QuotaExceeded without Retry-After or a rate header: backoff
    assert fake.seen[0].headers["x-amz-access-token"] == "Atza|test-access-token"
    assert fake.pending == [] and fake.unexpected == []
    assert ChannelConnection.objects.get(channel=channel).pull_cursor == "2025-03-15T09:50:00Z"
    tongs = Order.objects.get(channel=channel, external_id="113-4079225-2317825")
    assert tongs.lines.count() == 2  # both item pages
    assert Order.objects.get(external_id="114-2250981-6634631").fulfilled_by_channel


def test_an_amazon_refresh_token_is_exchanged_for_an_access_token(fake, settings):
    from oms.integrations.amazon.pull import access_token

    settings.OMS_AMAZON_LWA_URL = f"{fake.url}/auth/o2/token"
    fake.expect("POST", "/auth/o2/token", body={"access_token": "Atza|fresh", "expires_in": 3600})
    connection = ChannelConnection(refresh_token="Atzr|r", api_key="amzn1.client", api_secret="s3cret")
    assert access_token(connection) == "Atza|fresh"
    assert b"grant_type=refresh_token" in fake.seen[0].body


# --- scheduling ------------------------------------------------------------------------------


def test_one_pull_per_channel_at_a_time(fake):
    from oms.integrations.connections import services as connections

    channel = make_channel("woo-us", "woocommerce")
    connection = connect(channel, f"{fake.url}/wp-json/wc/v3")
    assert connections.connection_begin_pull(connection_id=connection.pk)
    assert pull(channel, Waits()) == 0 and fake.seen == []  # the running one is left alone


def test_saving_a_connection_schedules_its_pull_as_an_editable_periodic_task(admin_user):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    from oms.core.actor import Actor
    from oms.integrations.connections import services as connections

    channel = make_channel("woo-us", "woocommerce")
    connection = ChannelConnection.objects.get(channel=channel)
    connection.api_base_url, connection.pull_enabled, connection.pull_every_minutes = (
        "https://shop.example",
        True,
        10,
    )
    connections.connection_save(connection=connection, actor=Actor.system("test"))
    task = PeriodicTask.objects.get(name="pull woo-us")
    assert (task.task, json.loads(task.args), task.enabled, task.interval.every) == (
        "pulls.pull_channel",
        [channel.pk],
        True,
        10,
    )
    # an admin moves it to a crontab: saving the connection keeps that, and follows pull_enabled
    task.interval, task.crontab = None, CrontabSchedule.objects.create(minute="*/5")
    task.save()
    connection.pull_enabled = False
    connections.connection_save(connection=connection, actor=Actor.system("test"))
    task.refresh_from_db()
    assert (task.enabled, task.crontab.minute) == (False, "*/5")


def test_the_pull_task_runs_the_pull_and_keeps_a_refusal_on_the_connection(fake):
    from oms.integrations.pulls.tasks import pull_channel

    channel = make_channel("woo-us", "woocommerce")
    connect(channel, f"{fake.url}/wp-json/wc/v3")
    fake.expect(
        "GET",
        "/wp-json/wc/v3/orders",
        status=401,
        body={"code": "woocommerce_rest_cannot_view"},
        any_query=True,
    )
    assert pull_channel.delay(channel.pk).get() == 0
    assert "401" in ChannelConnection.objects.get(channel=channel).last_pull_error


def test_a_channel_without_an_api_url_is_not_pulled(db):
    channel = make_channel("woo-us", "woocommerce")
    with pytest.raises(services.PullRefused):
        pull(channel, Waits())


def test_pull_now_from_the_api(fake, api):
    channel = make_channel(
        "woo-us", "woocommerce", skus=("DRIP-CER-WHT", "130", "FILTER-PAPER-100", "KETTLE-GOOSE")
    )
    connect(channel, f"{fake.url}/wp-json/wc/v3", pull_cursor="2025-03-14T16:00:00+00:00")
    fake.expect(
        "GET",
        "/wp-json/wc/v3/orders",
        body=doc("woocommerce", "orders_list_page2.json")["body"],
        headers={"X-WP-TotalPages": "1"},
        any_query=True,
    )
    response = api.post("/api/v1/channels/woo-us/pull/")
    assert response.status_code == 202, response.content
    assert Order.objects.filter(channel=channel, external_id="4219").exists()
    make_channel("till", "manual")
    refused = api.post("/api/v1/channels/till/pull/")
    assert refused.status_code == 422 and refused.json()["code"] == "not_pulled"


def test_a_shopify_refund_webhook_fetches_its_order_with_the_refund(fake, anon_api):
    from tests.integrations.channels import post_delivery

    channel = make_channel("shopify-ca", "shopify", skus=("SOCK-MER-CH-M", "INS-TRAIL-42", "48123456854549"))
    connect(channel, f"{fake.url}/admin/api/2025-07", access_token="t")
    page2 = doc("shopify", "graphql_orders_page2.json")["body"]
    fake.expect("POST", "/admin/api/2025-07/graphql.json", body=page2)
    delivery = doc("shopify", "webhook_refunds_create.json")
    assert post_delivery(anon_api, delivery, path="/api/v1/channels/shopify-ca/webhooks/").status_code == 202
    assert fake.seen[0].json()["variables"]["query"] == f"id:{json.loads(delivery['body'])['order_id']}"
    order = Order.objects.get(channel=channel, external_id="6183729104917")
    assert [r.channel_refund_id for r in ChannelRefund.objects.filter(order=order)] == ["1029384756021"]


def test_an_order_with_more_lines_than_one_query_page_gets_them_all(fake):
    import copy

    channel = make_channel("shopify-ca", "shopify", skus=("SOCK-MER-CH-M", "INS-TRAIL-42", "48123456854549"))
    connect(channel, f"{fake.url}/admin/api/2025-07", access_token="t", pull_cursor="2025-03-14T16:00:00Z")
    page = copy.deepcopy(doc("shopify", "graphql_orders_page2.json")["body"])
    order = page["data"]["orders"]["nodes"][0]
    lines = order["lineItems"]
    rest = lines["nodes"][2:]
    lines["nodes"], lines["pageInfo"] = lines["nodes"][:2], {"hasNextPage": True, "endCursor": "c-2"}
    fake.expect("POST", "/admin/api/2025-07/graphql.json", body=page)
    fake.expect(
        "POST",
        "/admin/api/2025-07/graphql.json",
        body={
            "data": {
                "order": {
                    "lineItems": {"pageInfo": {"hasNextPage": False, "endCursor": "c-3"}, "nodes": rest}
                }
            }
        },
    )
    assert pull(channel, Waits()) == 1
    follow_up = fake.seen[1].json()
    assert follow_up["variables"] == {"id": order["id"], "after": "c-2"} and "lineItems" in follow_up["query"]
    placed = Order.objects.get(channel=channel, external_id="6183729104917")
    assert placed.lines.count() == 3
