"""What every channel's inventory feed mixin (`<channel>/inventory.py`) shares: the channel's
connection and feed settings, batches of the API's size, and the note on SKUs a push left out."""

from collections.abc import Iterator

from .http import ChannelRefused


def connection_for_feed(channel):
    """The channel's connection with its API URL, else a refusal a retry will not fix."""
    from oms.integrations.connections.selectors import connection_of

    connection = connection_of(channel)
    if connection is None or not connection.api_base_url:
        raise ChannelRefused(f"Channel {channel.code} has no connection with an API URL: no feed sent.")
    return connection


def feed_settings_for(channel):
    from oms.integrations.feeds.models import FeedSettings

    return FeedSettings.objects.filter(channel=channel).first()


def batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def numeric_id(value: str, kind: str) -> int:
    """A channel's integer id (WooCommerce, BigCommerce) from the listing's text."""
    try:
        return int(str(value or "").strip())
    except ValueError as error:
        raise ChannelRefused(f"{kind} {value!r} is not a number.") from error


def with_skipped(reference: str, skipped: list[str], why: str) -> str:
    """The push's reference, saying which SKUs were not sent and why (the push log shows it)."""
    if not skipped:
        return reference
    shown = ", ".join(skipped[:20]) + (f" and {len(skipped) - 20} more" if len(skipped) > 20 else "")
    return f"{reference}; not sent ({why}): {shown}"


def refuse_if_nothing(sent: int, skipped: list[str], channel, why: str) -> None:
    if not sent and skipped:
        raise ChannelRefused(
            f"Channel {channel.code}: no SKU could be sent ({why}): {', '.join(skipped[:20])}"
        )
