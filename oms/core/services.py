"""Writes of the kernel's configuration: sales channels and their API tokens. The admin calls
these; they validate the channel (its adapter must be registered) and check the actor."""

from django.db import transaction

from .actor import Actor
from .api.authentication import channel_tokens
from .authz import SYSTEM, permission
from .errors import CoreErrorCode
from .models import Channel
from .roles import OMS_ADMIN
from .transactions import transactional
from .validation import full_clean

CHANNEL_WRITE = permission("configure sales channels", OMS_ADMIN, SYSTEM)


@transactional
def channel_save(*, channel: Channel, actor: Actor) -> Channel:
    """Save a channel the caller filled in (new or changed), validated."""
    CHANNEL_WRITE.require(actor)
    full_clean(channel, code=CoreErrorCode.INVALID_FIELD, label=f"Channel {channel.code or '(no code)'}")
    channel.save()
    return channel


@transactional
def channel_issue_token(*, channel: Channel, actor: Actor) -> str:
    """A new API token for the channel (the old one stops working); only its digest is kept, so
    the token is returned to be shown once."""
    CHANNEL_WRITE.require(actor)
    token = channel.issue_token()
    Channel.objects.filter(pk=channel.pk).update(api_token_digest=channel.api_token_digest)
    transaction.on_commit(channel_tokens.clear)
    channel_tokens.clear()
    return token
