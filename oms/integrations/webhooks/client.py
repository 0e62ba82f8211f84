"""One HTTP POST of a signed message.

httpx rather than urllib: it has separate connect / read / write / pool timeouts (urllib has one
socket timeout), does not follow redirects unless asked (urllib's opener follows them by default),
and `trust_env=False` keeps proxies and .netrc from the environment out of the way. A redirect
is a failed attempt: the receiver must give its final URL.
"""

import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime

import httpx
from django.conf import settings
from standardwebhooks.webhooks import Webhook

from .urlsafety import UnsafeUrl, check_url

#: Kept of a response body in the attempt log.
EXCERPT_CHARS = 1000
#: Read at most this much of a response (a receiver answering with megabytes is not our problem).
MAX_READ_BYTES = 64 * 1024
USER_AGENT = "OMS-Webhooks/1.0"


@dataclass
class Outcome:
    succeeded: bool
    status_code: int | None
    duration_ms: int
    excerpt: str = ""
    error: str = ""


def timeout() -> httpx.Timeout:
    return httpx.Timeout(
        connect=settings.OMS_WEBHOOK_CONNECT_TIMEOUT,
        read=settings.OMS_WEBHOOK_READ_TIMEOUT,
        write=settings.OMS_WEBHOOK_READ_TIMEOUT,
        pool=settings.OMS_WEBHOOK_CONNECT_TIMEOUT,
    )


def lease_seconds() -> float:
    """How long one attempt can take at most, with a margin: a worker's lease on a delivery."""
    return settings.OMS_WEBHOOK_CONNECT_TIMEOUT + 2 * settings.OMS_WEBHOOK_READ_TIMEOUT + 5


def signature_header(secrets: list[str], message_id: str, timestamp: datetime, body: str) -> str:
    """`v1,<sig>` for every secret that signs now (two during a rotation's overlap)."""
    return " ".join(Webhook(secret).sign(message_id, timestamp, body) for secret in secrets)


def headers_for(secrets: list[str], message_id: str, timestamp: datetime, body: str) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature_header(secrets, message_id, timestamp, body),
    }


_shared: dict = {}
_shared_lock = threading.Lock()


def shared_client() -> httpx.Client:
    """One client per process (a forked worker makes its own): building one loads the CA bundle
    (~90 ms), and its pool keeps connections to a receiver alive between messages."""
    with _shared_lock:
        client = _shared.get(os.getpid())
        if client is None:
            _shared.clear()
            client = _shared[os.getpid()] = httpx.Client(follow_redirects=False, trust_env=False)
        return client


def _read_excerpt(response: httpx.Response) -> str:
    data = b""
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) >= MAX_READ_BYTES:
            break
    return data[:MAX_READ_BYTES].decode("utf-8", errors="replace")[:EXCERPT_CHARS]


def post(url: str, body: str, headers: dict[str, str]) -> Outcome:
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        check_url(url, resolve=True)
    except UnsafeUrl as error:
        return Outcome(False, None, elapsed(), error=f"Refused: {error}")
    try:
        with shared_client().stream(
            "POST", url, content=body.encode(), headers=headers, timeout=timeout(), follow_redirects=False
        ) as response:
            excerpt = _read_excerpt(response)
            code = response.status_code
    except httpx.TimeoutException as error:
        return Outcome(False, None, elapsed(), error=f"Timed out ({type(error).__name__})")
    except httpx.HTTPError as error:
        return Outcome(False, None, elapsed(), error=f"{type(error).__name__}: {error}"[:500])
    error = f"Redirect to {headers_location(response)} not followed" if 300 <= code < 400 else ""
    return Outcome(200 <= code < 300, code, elapsed(), excerpt=excerpt, error=error)


def headers_location(response: httpx.Response) -> str:
    return response.headers.get("location", "?")[:300]
