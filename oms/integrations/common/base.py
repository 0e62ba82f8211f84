"""The base of every channel adapter: its configuration (SKU and location mappings from the
channel's connection), the refund refusal (pushes are a later issue) and the webhook seams."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from oms.core.adapters import AdapterError

from .parse import load_json

UNMAPPED_SKU = "UNMAPPED"


@dataclass(frozen=True)
class AdapterConfig:
    """What an adapter knows of its channel besides the document: pure data.

    sku_map: the channel's SKU, variant id or product id -> our SKU code (a channel SKU that is
    already ours needs no entry); from a channel, its listings (feeds.ChannelListing) read lazily,
    one query per key. location_map: the channel's location id -> our location code.
    own_fulfillment_services: Shopify fulfilment services that are us ("manual": the merchant's
    own stock); a line served by another is the channel's to ship. mapping: the generic JSON
    adapter's field mapping."""

    sku_map: Mapping = field(default_factory=dict)
    location_map: dict = field(default_factory=dict)
    own_fulfillment_services: frozenset = frozenset({"manual"})
    mapping: dict = field(default_factory=dict)

    def sku(self, sku, *fallbacks) -> str:
        """Our SKU for a channel line: its SKU (mapped if listed), else the first fallback id
        (variant, product) mapped or as it is; a line with nothing gets UNMAPPED (held)."""
        stated = str(sku).strip() if sku is not None else ""
        if stated:
            return self.sku_map.get(stated, stated)
        for fallback in fallbacks:
            key = str(fallback).strip() if fallback not in (None, "", 0) else ""
            if key:
                return self.sku_map.get(key, key)
        return UNMAPPED_SKU


def config_for(channel) -> AdapterConfig:
    """The channel's configuration from its connection (none yet: the defaults)."""
    if channel is None or getattr(channel, "pk", None) is None:
        return AdapterConfig()
    from oms.integrations.connections.selectors import adapter_config

    return adapter_config(channel)


class BaseAdapter:
    """Subclasses set `kind` (by register_adapter) and implement `normalize(document, topic,
    headers)`; webhook channels also `verify_webhook`, `webhook_topic`, `webhook_delivery_id`."""

    kind = ""
    #: Whether the channel delivers webhooks to POST /api/v1/channels/{code}/webhooks/.
    webhooks = False

    def __init__(self, channel, config: AdapterConfig | None = None) -> None:
        self.channel = channel
        self.config = config if config is not None else config_for(channel)

    def request_refund(self, refund_payload: dict) -> str:
        raise AdapterError(
            f"Refunds are not sent to {self.kind} by the OMS yet: refund order "
            f"{refund_payload.get('order')} in the channel's own admin."
        )

    def normalize_order(self, body: str, *, topic: str = "", headers: dict | None = None) -> dict | None:
        document = load_json(body)
        if not isinstance(document, dict):
            raise ValueError("The document is not a JSON object.")
        return self.normalize(document, topic=topic or "", headers=headers or {})

    def normalize(self, document: dict, *, topic: str, headers: dict) -> dict | None:
        raise NotImplementedError

    # --- webhooks (channels that send them override) ---------------------------------------
    def verify_webhook(self, body: bytes, headers: dict, secrets: list[str], now: float) -> bool:
        return False

    def webhook_topic(self, headers: dict) -> str:
        return ""

    def webhook_delivery_id(self, headers: dict, body: bytes) -> str:
        return ""

    def webhook_ping(self, body: bytes, headers: dict) -> bool:
        """A delivery the channel sends to test the URL: answered 200, nothing stored."""
        return False


def header(headers: dict, name: str) -> str:
    """A header by name, whatever its case (Django, httpx and fixtures spell them differently)."""
    wanted = name.lower()
    for key, value in headers.items():
        if str(key).lower() == wanted:
            return str(value)
    return ""
