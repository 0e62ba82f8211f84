"""Channel adapters: the seam between the OMS and a sales channel or payment provider.

An adapter is looked up by the channel's `adapter_kind`. Integrations (a later issue)
register theirs with `@register_adapter("shopify")`; until then the built-in "manual"
adapter accepts every request: the money is handed back outside the OMS (at a till, by a
bank transfer) and the refund is recorded with a reference "manual:<refund id>"; and the
documents of its channels are already in the OMS's normalized order format.
"""

import json
from collections.abc import Callable
from typing import Protocol, runtime_checkable

MANUAL = "manual"


class AdapterError(Exception):
    """The channel or provider refused or could not be reached; the caller may retry.
    `retryable`: False when retrying cannot help (oms.integrations.common.http's ChannelRefused)."""

    retryable = True


def is_retryable(error: Exception) -> bool:
    """Whether a failed channel call is worth another attempt: an AdapterError says so with its
    `retryable` (oms.integrations.common.http: ChannelUnavailable for no answer, a 429 or a 5xx,
    with `status` and `retry_after`; ChannelRefused for another 4xx), or else its HTTP
    `status`; one that says nothing (a timeout, a lost connection) is."""
    stated = getattr(error, "retryable", None)
    if stated is not None:
        return bool(stated)
    status = getattr(error, "status", None)
    if isinstance(status, int):
        return status == 429 or status >= 500
    return True


@runtime_checkable
class ChannelAdapter(Protocol):
    """What every adapter does. Optional, checked with `supports_inventory_feed`:

    push_inventory(self, items: list[dict], *, push_id: int | None = None) -> str
        Tell the channel how many units of each listed SKU it may sell; see
        `InventoryFeedAdapter`. The inventory feeds (oms.integrations.feeds) skip a channel whose
        adapter lacks it, and say so in the push log.

    Optional, checked with `supports_fulfillment_push` / `supports_cancellation_push`: see
    `FulfillmentPushAdapter` and `CancellationPushAdapter`. The channel pushes
    (oms.integrations.pushes) create no push for a channel whose adapter lacks them.
    """

    kind: str

    def __init__(self, channel) -> None: ...

    def request_refund(self, refund_payload: dict) -> str:
        """Ask for the money to go back; return the provider's reference or raise AdapterError.

        refund_payload: {"refund_id", "idempotency_key", "order", "external_id", "rma",
        "currency", "amount" (a decimal string), "lines": [{"sku", "channel_line_id",
        "quantity", "amount"}], "shipping_amount"}.
        Called again with the same payload on retries: adapters pass `refund_id` on as the
        provider's idempotency key.
        """
        ...

    def normalize_order(self, body: str, *, topic: str, headers: dict) -> dict | None:
        """The channel's document (an inbox entry's raw body) as the OMS's normalized order
        (orders.api.intake.OrderIntakeSerializer's input), or None when it is not about an order.
        Pure: no database, no network. Raises ValueError (or AdapterError) when it cannot be read.
        """
        ...


@runtime_checkable
class InventoryFeedAdapter(ChannelAdapter, Protocol):
    def push_inventory(self, items: list[dict], *, push_id: int | None = None) -> str:
        """Send availability; return the channel's reference for the push or raise AdapterError
        (`retryable` True for a throttled or unreachable channel, False for a refusal).

        items: [{"sku": our SKU code, "external_id": the channel's id for it ("" when unknown),
        "available": units the channel may sell (safety stock and the channel's buffer already
        taken off, never below zero), and the listing's other channel ids "channel_sku",
        "parent_id", "inventory_item_id" ("" when not set)}], one per SKU, sorted by SKU. The same
        items may be sent again (a retry, the scheduled full push): they state quantities, not
        changes. push_id: the feed's push log entry (for the channel's idempotency key or audit
        reference); None outside a logged push.
        """
        ...


def supports_inventory_feed(adapter) -> bool:
    return callable(getattr(adapter, "push_inventory", None))


@runtime_checkable
class FulfillmentPushAdapter(ChannelAdapter, Protocol):
    def push_fulfillment(self, payload: dict) -> str:
        """Tell the channel a shipment left; return the channel's reference (its fulfillment or
        shipment id) or raise AdapterError (oms.integrations.common.http: ChannelUnavailable,
        retryable, with the status and Retry-After; ChannelRefused, final).

        payload: {"push_id": a stable idempotency key, the same on every attempt, "order": our
        order number, "external_id": the channel's order id, "shipment": our shipment id,
        "carrier", "service", "tracking_numbers": [str], "tracking_url", "shipped_at" (ISO),
        "lines": [{"sku", "channel_line_id", "quantity"}]}. Lines the channel fulfils itself
        are never in it. Called again after a lost answer: look first whether the channel has
        it already (the same tracking number, a note carrying push_id) and answer that.
        """
        ...


@runtime_checkable
class CancellationPushAdapter(ChannelAdapter, Protocol):
    def push_cancellation(self, payload: dict) -> str:
        """Tell the channel units (or the whole order) were cancelled; return its reference.

        payload: {"push_id", "order", "external_id", "reason": str, "lines": [{"sku",
        "channel_line_id", "quantity"}] (an empty list: the whole order), "restock": bool}.
        The same idempotency rules as push_fulfillment.
        """
        ...


def supports_fulfillment_push(adapter) -> bool:
    return callable(getattr(adapter, "push_fulfillment", None))


def supports_cancellation_push(adapter) -> bool:
    return callable(getattr(adapter, "push_cancellation", None))


_REGISTRY: dict[str, type] = {}


def register_adapter(kind: str) -> Callable[[type], type]:
    """Class decorator: make an adapter class available under `kind`."""

    def decorator(cls: type) -> type:
        cls.kind = kind
        _REGISTRY[kind] = cls
        return cls

    return decorator


def unregister_adapter(kind: str) -> None:
    _REGISTRY.pop(kind, None)


def adapter_kinds() -> list[str]:
    return sorted(_REGISTRY)


def adapter_kind_choices() -> list[tuple[str, str]]:
    return [(kind, kind) for kind in adapter_kinds()]


def validate_adapter_kind(value: str) -> None:
    """Model field validator: `Channel.adapter_kind` names a registered adapter."""
    if value not in _REGISTRY:
        from django.core.exceptions import ValidationError  # this module stays importable without Django

        raise ValidationError(
            f"{value!r} is not a registered channel adapter; registered: {', '.join(adapter_kinds())}.",
            code="unknown_adapter",
        )


def get_adapter(channel) -> ChannelAdapter:
    """The adapter for a channel, built for it; AdapterError when none is registered."""
    kind = getattr(channel, "adapter_kind", "") or MANUAL
    try:
        cls = _REGISTRY[kind]
    except KeyError as exc:
        raise AdapterError(f"No adapter registered for kind {kind!r} (channel {channel}).") from exc
    return cls(channel)


@register_adapter(MANUAL)
class ManualAdapter:
    """Money handed back outside the OMS: accept and return a reference staff can quote."""

    def __init__(self, channel) -> None:
        self.channel = channel

    def request_refund(self, refund_payload: dict) -> str:
        return f"manual:{refund_payload['refund_id']}"

    def normalize_order(self, body: str, *, topic: str = "", headers: dict | None = None) -> dict | None:
        document = json.loads(body)
        if not isinstance(document, dict):
            raise ValueError("The document is not a JSON object.")
        return document
