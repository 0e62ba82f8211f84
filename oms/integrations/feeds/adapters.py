"""The generic HTTP JSON channel: orders arrive already normalized and refunds are handed back
outside the OMS (as with "manual"); the inventory feed is POSTed as JSON to the URL in the
channel's feed settings:

    {"channel": "<code>", "push": <push id or null>, "items": [{"sku", "external_id", "available"}, ...]}

with "Authorization: Bearer <token>" when a token is set and "Idempotency-Key: oms-feed-<push id>".
Any 2xx is accepted; a failure is the common HTTP client's AdapterError (the feed retries)."""

from oms.core.adapters import AdapterError, ManualAdapter, register_adapter
from oms.integrations.common.http import post_json

HTTP_JSON = "http_json"


def _public(item: dict) -> dict:
    """The item as this feed documents it (the channel ids beside it are for real channels)."""
    return {"sku": item["sku"], "external_id": item["external_id"], "available": item["available"]}


@register_adapter(HTTP_JSON)
class HttpJsonAdapter(ManualAdapter):
    timeout = 30

    def push_inventory(self, items: list[dict], *, push_id: int | None = None) -> str:
        from .models import FeedSettings

        settings = FeedSettings.objects.filter(channel=self.channel).first()
        if settings is None or not settings.url:
            raise AdapterError(f"Channel {self.channel} has no feed URL in its feed settings.")
        headers = {"Idempotency-Key": f"oms-feed-{push_id}"} if push_id else {}
        status, text = post_json(
            settings.url,
            {"channel": self.channel.code, "push": push_id, "items": [_public(item) for item in items]},
            token=settings.auth_token,
            timeout=self.timeout,
            headers=headers,
        )
        return f"HTTP {status} {text[:200]}".strip()
