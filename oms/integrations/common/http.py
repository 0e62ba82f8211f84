"""One small HTTP client for every channel (httpx): timeouts, and retries of 429 and 5xx with
exponential backoff that honours the channel's wait hint (`Retry-After`, or what the channel
says instead: a function of the response, per channel).

Errors tell a retry from a refusal: `ChannelUnavailable` (429 / 5xx / network after the
attempts; `retryable = True`, `retry_after` the channel's last hint in seconds or None) and
`ChannelRefused` (another 4xx from `json()`; `retryable = False`). Both are AdapterError.

No channel SDK is used: each would need patching to reach a local test server (see
tests/integrations/fixtures/NOTES.md, "Client library"), and four GET/POST calls per channel do
not earn one.
"""

import logging
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

import httpx

from oms.core.adapters import AdapterError

logger = logging.getLogger(__name__)
RETRIED = {429, 500, 502, 503, 504}
MAX_WAIT = 120.0


class ChannelUnavailable(AdapterError):
    """The channel kept refusing (429 / 5xx) or could not be reached: try again later
    (`retry_after`: the seconds the channel asked for last, when it said)."""

    retryable = True

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class ChannelRefused(AdapterError):
    """The channel answered 4xx (not 429): the request is wrong and the same one will fail again."""

    retryable = False
    retry_after = None

    def __init__(self, message: str, *, status: int | None = None, body: str = ""):
        super().__init__(message)
        self.status = status
        self.body = body


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from `Retry-After` (a number, "2.0", or an HTTP date)."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class ChannelClient:
    """`request()` returns the response of the first attempt that is neither 429 nor 5xx."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: dict | None = None,
        auth=None,
        wait_hint: Callable[[httpx.Response], float | None] | None = None,
        retry_body: Callable[[httpx.Response], float | None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        attempts: int = 5,
        backoff: float = 1.0,
        timeout: float = 20.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers or {},
            auth=auth,
            timeout=timeout,
            transport=transport,
        )
        self.wait_hint = wait_hint
        self.retry_body = retry_body  # a 200 that says "throttled" (Shopify GraphQL): seconds to wait
        self.sleep = sleep
        self.attempts = attempts
        self.backoff = backoff
        #: Every wait taken, in seconds (for the pull's log and for tests).
        self.waits: list[float] = []

    def close(self) -> None:
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _hint(self, response: httpx.Response) -> float | None:
        hint = retry_after(response)
        if hint is None and self.wait_hint is not None:
            hint = self.wait_hint(response)
        return hint

    def _wait(self, attempt: int, response: httpx.Response | None) -> float:
        hint = self._hint(response) if response is not None else None
        wait = hint if hint is not None else self.backoff * 2**attempt
        return min(MAX_WAIT, wait)

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        last, status, hint = "", None, None
        for attempt in range(self.attempts):
            response = None
            try:
                response = self.http.request(method, url, **kwargs)
            except httpx.TransportError as error:
                last, status, hint = f"{type(error).__name__}: {error}", None, None
            else:
                throttled = (
                    self.retry_body(response) if self.retry_body and response.status_code == 200 else None
                )
                if response.status_code not in RETRIED and throttled is None:
                    return response
                last = f"HTTP {response.status_code}" if throttled is None else "throttled"
                status = response.status_code
                hint = throttled if throttled is not None else self._hint(response)
                if throttled is not None:
                    wait = min(MAX_WAIT, throttled)
                    self._sleep(wait, method, url, last)
                    continue
            if attempt + 1 < self.attempts:
                self._sleep(self._wait(attempt, response), method, url, last)
        raise ChannelUnavailable(
            f"{method} {url}: {last} after {self.attempts} attempts.", status=status, retry_after=hint
        )

    def _sleep(self, seconds: float, method: str, url: str, why: str) -> None:
        logger.info("%s %s: %s, waiting %.1fs", method, url, why, seconds)
        self.waits.append(seconds)
        self.sleep(seconds)

    def json(self, method: str, url: str, **kwargs):
        response = self.request(method, url, **kwargs)
        if response.status_code == 204:
            return None
        if response.status_code >= 400:
            raise ChannelRefused(
                f"{method} {url}: HTTP {response.status_code}: {response.text[:500]}",
                status=response.status_code,
                body=response.text[:2000],
            )
        try:
            return response.json()
        except ValueError as error:
            raise AdapterError(f"{method} {url}: the answer is not JSON.") from error
