"""The generic HTTP JSON channel: orders arrive already normalized and refunds are handed back
outside the OMS (as with "manual"); the inventory feed is POSTed as JSON to the URL in the
channel's feed settings:

    {"channel": "<code>", "items": [{"sku", "external_id", "available"}, ...]}

with "Authorization: Bearer <token>" when a token is set. Any 2xx is accepted."""

from oms.core.adapters import AdapterError, ManualAdapter, register_adapter
from oms.integrations.http import PostFailed, post_json

HTTP_JSON = "http_json"


@register_adapter(HTTP_JSON)
class HttpJsonAdapter(ManualAdapter):
    timeout = 30

    def push_inventory(self, items: list[dict]) -> str:
        from .models import FeedSettings

        settings = FeedSettings.objects.filter(channel=self.channel).first()
        if settings is None or not settings.url:
            raise AdapterError(f"Channel {self.channel} has no feed URL in its feed settings.")
        try:
            status, text = post_json(
                settings.url,
                {"channel": self.channel.code, "items": items},
                token=settings.auth_token,
                timeout=self.timeout,
            )
        except PostFailed as error:
            raise AdapterError(str(error)) from error
        return f"HTTP {status} {text[:200]}".strip()
