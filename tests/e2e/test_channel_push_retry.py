"""The exceptions queue in a real browser: a shipment Shopify refused waits there; the agent
clicks Retry, and the fake Shopify gets the fulfillment."""

import pytest

from oms.integrations.pushes.models import ChannelPush
from tests.conftest import make_user
from tests.e2e.conftest import log_in
from tests.integrations.pushes import conftest as pushes
from tests.integrations.pushes.conftest import channel_order, ship

# the push tests' fixtures: the fake Shopify, its channel, a warehouse, the collector connected
shopify_store, shopify_channel = pushes.shopify_store, pushes.shopify_channel
east, collecting = pushes.east, pushes.collecting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_retries_a_refused_shipment_push_from_the_exceptions_queue(
    page, live_server, shopify_store, shopify_channel, east, collecting
):
    order = channel_order(shopify_channel, shopify_store, east, [("SOCK-M", 1, "111")])
    shopify_store.fail_next(403, body={"errors": "[API] Access denied for fulfillmentCreate field."})
    ship(order)
    push = ChannelPush.objects.get(order=order)
    assert push.status == "failed"
    make_user("carla", "customer_service")

    log_in(page, live_server, "carla", "pass-1234-word")
    page.goto(f"{live_server.url}/exceptions/")
    row = page.locator(f'[data-push="{push.pk}"]')
    row.get_by_text("Access denied").wait_for()
    row.get_by_role("button", name="Retry").click()
    page.locator(".messages").get_by_text(f"Sending to shopify-us again for order {order.number}.").wait_for()
    assert page.locator(f'[data-push="{push.pk}"]').count() == 0
    assert ChannelPush.objects.get(pk=push.pk).status == "sent"
    assert len(shopify_store.orders["6001"]["fulfillments"]) == 1
