"""Pull tasks: thin, load by id, call the pull service. Retried by their schedule, not here."""

import json

from celery import shared_task
from django.db import transaction

from oms.core.adapters import AdapterError

from . import services


def _named_order(document) -> str | None:
    """The order a webhook names without carrying it: a BigCommerce notification (always), a
    Shopify refund (refunds/create carries the refund alone; the order is fetched with it)."""
    kind = document.channel.adapter_kind
    try:
        body = json.loads(document.body)
        if kind == "bigcommerce" and str(body.get("scope", "")).startswith("store/order/"):
            return str(body["data"]["id"])
        if kind == "shopify" and document.topic == "refunds/create":
            return str(body["order_id"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return None


def after_webhook(document) -> None:
    """Fetch the order a stored webhook only names, once the webhook is committed."""
    external_id = _named_order(document)
    if external_id is None:
        return
    connection = getattr(document.channel, "connection", None)
    if document.channel.adapter_kind == "shopify" and not (connection and connection.api_base_url):
        return  # no API access: Shopify's own orders/updated brings the refund
    channel_id = document.channel_id
    transaction.on_commit(lambda: fetch_order.delay(channel_id, external_id))


@shared_task(name="pulls.pull_channel")
def pull_channel(channel_id: int) -> int:
    try:
        return services.pull_channel_orders(channel_id=channel_id)
    except AdapterError:
        return 0  # noted on the connection; the next scheduled run tries again


@shared_task(name="pulls.fetch_order")
def fetch_order(channel_id: int, external_id: str) -> bool:
    try:
        return services.pull_one_order(channel_id=channel_id, external_id=external_id)
    except AdapterError:
        return False  # the scheduled pull brings the order all the same
