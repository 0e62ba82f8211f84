"""API authentication: `Authorization: Token <key>` for integration users (DRF tokens)
and for sales channels (each channel's own token), or the browser session."""

import copy
import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils.functional import cached_property
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from oms.core.models import Channel, token_digest
from oms.core.roles import CHANNEL


class ChannelPrincipal:
    """`request.user` when a sales channel calls with its own token."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = None
    id = None
    oms_roles = frozenset({CHANNEL})

    def __init__(self, channel: Channel):
        self.channel = channel

    @cached_property
    def username(self) -> str:
        return f"channel:{self.channel.code}"

    def get_username(self) -> str:
        return self.username

    def __str__(self) -> str:
        return self.username


class ChannelTokenCache:
    """The channels recently authenticated in this process, by token digest, each for
    OMS_CHANNEL_TOKEN_CACHE_SECONDS (a copy handed out each time: a request may change its
    channel object). Forgotten whenever a channel is saved or deleted, or its token reissued."""

    def __init__(self):
        self._entries: dict[str, tuple[float, Channel]] = {}

    def get(self, digest: str) -> Channel | None:
        ttl = settings.OMS_CHANNEL_TOKEN_CACHE_SECONDS
        entry = self._entries.get(digest)
        now = time.monotonic()
        if ttl > 0 and entry is not None and entry[0] > now:
            return copy.copy(entry[1])
        found = Channel.objects.filter(api_token_digest=digest, active=True)[:1]
        channel = found[0] if found else None
        if ttl > 0 and channel is not None:
            if len(self._entries) > 1000:  # stale digests of reissued tokens: start afresh
                self._entries.clear()
            self._entries[digest] = (now + ttl, copy.copy(channel))
        return channel

    def clear(self, **kwargs) -> None:
        self._entries.clear()


channel_tokens = ChannelTokenCache()
post_save.connect(channel_tokens.clear, sender=Channel, dispatch_uid="oms.core.api.channel_tokens.save")
post_delete.connect(channel_tokens.clear, sender=Channel, dispatch_uid="oms.core.api.channel_tokens.delete")


class BearerTokenAuthentication(authentication.TokenAuthentication):
    """Accepts `Token <key>` or `Bearer <key>`; tries user tokens, then channel tokens."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"token", b"bearer"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header: expected 'Token <key>'.")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token header: bad characters.") from exc
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key):
        if key.startswith("ch_"):
            channel = channel_tokens.get(token_digest(key))
            if channel is None:
                raise exceptions.AuthenticationFailed("Invalid or inactive channel token.")
            return ChannelPrincipal(channel), key
        try:
            token = Token.objects.select_related("user").get(key=key)
        except Token.DoesNotExist as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return token.user, token
