"""API rate limits (DRF throttles). Counters live in Django's default cache: Redis when REDIS_URL
is set, so every web process shares them; per process otherwise (the zero-setup demo).

Scopes and their rates, settings.OMS_API_THROTTLE_RATES (read on each request):
- "token": each API token (or signed-in user, or sales channel) on its own counter;
- "anon": each anonymous client address;
- "channel_webhook": a channel's webhook deliveries, per channel code, with higher limits. The
  webhook view opts in with `throttle_classes = [ChannelWebhookThrottle]` (it replaces the
  defaults, so a channel's burst of events is never cut by the anonymous limit).
A refused request is 429 problem details (code "throttled") with Retry-After in seconds.

DRF checks permissions before throttles, so an anonymous client would only ever see 401 and never
be limited; `ThrottleFirst` (the first default permission class) runs the view's throttles
before the role checks, and each throttle counts a request once. A wrong token fails even
earlier, in authentication: `GuardedTokenAuthentication` counts those per address.
"""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from oms.core.api.authentication import BearerTokenAuthentication, ChannelPrincipal

TOKEN_SCOPE = "token"  # noqa: S105 (a throttle scope name)
CHANNEL_SCOPE = "channel"
ANON_SCOPE = "anon"
CHANNEL_WEBHOOK_SCOPE = "channel_webhook"


class _SettingsRateThrottle(SimpleRateThrottle):
    """Rates from settings.OMS_API_THROTTLE_RATES at request time (so a deploy or a test can
    change them); a scope without a rate is not limited.

    Each counter is a number in the cache, counting the requests of a window that opens with
    the first of them and lasts the rate's period: constant work per request at any rate (DRF's
    own throttle keeps a list of every request's time in the window, read and written whole on
    each request: 60,000 entries for a channel's 60000/min)."""

    def __init__(self):
        pass  # the rate is read per request in allow_request

    def allow_request(self, request, view):
        self.rate = settings.OMS_API_THROTTLE_RATES.get(self.scope)
        counted = request.__dict__.setdefault("_oms_throttle_counted", set())
        if not self.rate or self.scope in counted:
            return True
        counted.add(self.scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        return self._count() <= self.num_requests

    def _count(self) -> int:
        """This request's number in its window (keys of their own: never DRF's lists)."""
        self.now = self.timer()
        counter = f"{self.key}:count"
        in_window = getattr(self.cache, "count_in_window", None)  # Redis: one round trip
        if in_window is not None:
            return in_window(counter, f"{self.key}:since", self.now, self.duration)
        try:
            count = self.cache.incr(counter)
        except ValueError:  # no window open: this request opens one
            if self.cache.add(counter, 1, self.duration):
                self.cache.set(f"{self.key}:since", self.now, self.duration)
                return 1
            count = self.cache.incr(counter)  # another request opened it meanwhile
        if count == 1:  # the window closed between Redis' EXISTS and INCR: the new one must close too
            self.cache.touch(counter, self.duration)
        return count

    def wait(self) -> float:
        """Seconds until the window closes (at least 1)."""
        opened = self.cache.get(f"{self.key}:since", self.now)
        return max(1.0, opened + self.duration - self.now)


class TokenRateThrottle(_SettingsRateThrottle):
    """Per token; a sales channel's own token has the "channel" scope, with a rate sized for order
    intake in a flash sale rather than for a person or a script."""

    scope = TOKEN_SCOPE

    def allow_request(self, request, view):
        is_channel = isinstance(getattr(request, "user", None), ChannelPrincipal)
        self.scope = CHANNEL_SCOPE if is_channel else TOKEN_SCOPE
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        auth = getattr(request, "auth", None)
        key = getattr(auth, "key", None) or getattr(auth, "pk", None)
        if key is not None:
            ident = f"{type(auth).__name__}:{key}"  # a user token or a channel token
        elif getattr(user, "pk", None) is not None:
            ident = f"user:{user.pk}"  # a browser session
        else:
            ident = f"principal:{user}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonAddressThrottle(_SettingsRateThrottle):
    scope = ANON_SCOPE

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ChannelWebhookThrottle(_SettingsRateThrottle):
    scope = CHANNEL_WEBHOOK_SCOPE

    def get_cache_key(self, request, view):
        code = getattr(view, "kwargs", {}).get("code") or self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": code}


class ThrottleFirst(BasePermission):
    """Runs the view's throttles before the permission checks (429 before 401/403)."""

    def has_permission(self, request, view):
        view.check_throttles(request)
        return True


class FailedAuthenticationThrottle(_SettingsRateThrottle):
    """Counts refused credentials per address (the anonymous rate): a client guessing tokens
    gets 429 once over it, even though every guess fails authentication before any throttle."""

    scope = ANON_SCOPE
    cache_format = "throttle_failed_auth_%(ident)s"

    def get_cache_key(self, request, view):
        return self.cache_format % {"ident": self.get_ident(request)}


class GuardedTokenAuthentication(BearerTokenAuthentication):
    """`BearerTokenAuthentication` whose refusals count against the caller's address."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle = FailedAuthenticationThrottle()
            if not throttle.allow_request(request, None):
                raise exceptions.Throttled(wait=throttle.wait()) from None
            raise
