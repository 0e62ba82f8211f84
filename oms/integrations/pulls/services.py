"""Pull a channel's orders updated since its cursor into the inbox (each order one document,
processed by its task like a webhook), advancing the cursor only after the page it covers is
stored; or fetch one order (a BigCommerce webhook names only its id)."""

import json
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from oms.core.adapters import AdapterError
from oms.core.models import Channel
from oms.integrations.connections import services as connections
from oms.integrations.connections.models import ChannelConnection
from oms.integrations.inbox import services as inbox
from oms.integrations.inbox.models import InboxDocument

from .base import PulledDocument

logger = logging.getLogger(__name__)


class PullRefused(AdapterError):
    """The channel cannot be pulled (no connection, no API URL, no puller for its kind)."""


def puller_for(
    channel: Channel, connection: ChannelConnection, page_size: int | None = None, **client_kwargs
):
    """(puller, client) for the channel's kind; the caller closes the client."""
    kind = channel.adapter_kind
    sized = {"page_size": page_size} if page_size else {}
    if kind == "shopify":
        from oms.integrations.shopify.pull import ShopifyPuller, client_for

        client = client_for(connection, **client_kwargs)
        return ShopifyPuller(client, **sized), client
    if kind == "woocommerce":
        from oms.integrations.woocommerce.pull import WooCommercePuller, client_for

        client = client_for(connection, **client_kwargs)
        return WooCommercePuller(client, **sized), client
    if kind == "bigcommerce":
        from oms.integrations.bigcommerce.pull import BigCommercePuller, client_for

        client = client_for(connection, **client_kwargs)
        return BigCommercePuller(client, **sized), client
    if kind == "amazon":
        from oms.integrations.amazon.pull import AmazonPuller, client_for

        client = client_for(connection, **client_kwargs)
        return AmazonPuller(client, connection.account or "ATVPDKIKX0DER", **sized), client
    raise PullRefused(f"Channel {channel.code}: {kind} channels are not pulled.")


def _connection(channel: Channel) -> ChannelConnection:
    connection = ChannelConnection.objects.filter(channel=channel).first()
    if connection is None or not connection.api_base_url:
        raise PullRefused(f"Channel {channel.code} has no API base URL in its connection.")
    return connection


def _store(channel: Channel, document: PulledDocument, topic: str) -> bool:
    # Numbers the channel sent with fractions were read as Decimal; they are kept as strings.
    body = json.dumps(document.body, default=str, separators=(",", ":"))
    _, created = inbox.inbox_receive(
        channel=channel,
        source=InboxDocument.Source.PULL,
        body=body,
        topic=topic,
        delivery_id=document.delivery_id,
    )
    return created


def pull_channel_orders(
    *, channel_id: int, sleep=time.sleep, transport=None, page_size: int | None = None
) -> int:
    """Pull once; returns how many new documents were stored (0 when another pull of the same
    channel is running). Errors are noted on the connection and raised (AdapterError)."""
    channel = Channel.objects.get(pk=channel_id)
    connection = _connection(channel)
    if not connections.connection_begin_pull(connection_id=connection.pk):
        logger.info("pull of %s skipped: another one is running", channel.code)
        return 0
    stored, error = 0, ""
    since = connection.pull_cursor or (
        timezone.now() - timedelta(days=settings.OMS_PULL_FIRST_DAYS)
    ).isoformat(timespec="seconds")
    try:
        puller, client = puller_for(channel, connection, page_size, sleep=sleep, transport=transport)
        with client:
            for page in puller.pages(since):
                for document in page.documents:
                    stored += _store(channel, document, puller.topic)
                if page.cursor:
                    connections.connection_set_cursor(connection_id=connection.pk, cursor=page.cursor)
    except AdapterError as failure:
        error = str(failure)
        raise
    finally:
        connections.connection_end_pull(connection_id=connection.pk, error=error)
    logger.info("pull of %s: %s new documents", channel.code, stored)
    return stored


def pull_one_order(*, channel_id: int, external_id: str, sleep=time.sleep, transport=None) -> bool:
    """Fetch one order (all its documents) into the inbox; True when it was new."""
    channel = Channel.objects.get(pk=channel_id)
    puller, client = puller_for(channel, _connection(channel), sleep=sleep, transport=transport)
    with client:
        return _store(channel, puller.fetch(external_id), puller.topic)
