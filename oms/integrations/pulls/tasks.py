"""Pull tasks: thin, load by id, call the pull service. Retried by their schedule, not here."""

import json

from celery import shared_task
from django.db import transaction

from oms.core.adapters import AdapterError

from . import services


def after_webhook(document) -> None:
    """A webhook that only names an order (BigCommerce) leads to fetching the order, once the
    notification is stored."""
    if document.channel.adapter_kind != "bigcommerce":
        return
    try:
        notification = json.loads(document.body)
        order_id = str(notification["data"]["id"])
    except (ValueError, KeyError, TypeError):
        return
    if str(notification.get("scope", "")).startswith("store/order/"):
        channel_id = document.channel_id
        transaction.on_commit(lambda: fetch_order.delay(channel_id, order_id))


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
