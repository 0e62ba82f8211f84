"""A JSON POST for the outbound integrations (ERP export, inventory feeds): the standard library's
HTTP client, a timeout, and one exception for every way it can fail."""

import json
import urllib.error
import urllib.parse
import urllib.request

from django.core.serializers.json import DjangoJSONEncoder


class PostFailed(Exception):
    """The target refused (non-2xx) or could not be reached; worth a retry later."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


def post_json(url: str, body, *, token: str = "", timeout: float = 15, headers: dict | None = None) -> tuple:
    """POST `body` as JSON; (status, response text) on 2xx, else PostFailed."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise PostFailed(f"{url!r} is not an http(s) URL.")
    data = json.dumps(body, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310 - http(s) only, above
    request.add_header("Content-Type", "application/json")
    request.add_header("User-Agent", "oms-integrations/1")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read(2000).decode(errors="replace")
    except urllib.error.HTTPError as error:
        text = error.read(500).decode(errors="replace")
        raise PostFailed(f"HTTP {error.code} from {url}: {text}".strip(), status=error.code) from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise PostFailed(f"{url} could not be reached: {getattr(error, 'reason', error)}") from error
