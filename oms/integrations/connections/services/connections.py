"""Writes of channel connections: validated, one transaction."""

import logging

from django.core.exceptions import ValidationError

from oms.core.actor import Actor
from oms.core.transactions import for_update, transactional

from ..models import ChannelConnection

logger = logging.getLogger(__name__)
MAP_FIELDS = ("location_map", "field_mapping")


def validate_connection(connection: ChannelConnection) -> None:
    errors = {}
    for name in MAP_FIELDS:
        value = getattr(connection, name)
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            errors[name] = "An object of names to values."
    for name in ("location_map",):
        value = getattr(connection, name)
        if isinstance(value, dict) and not all(isinstance(v, str) and v.strip() for v in value.values()):
            errors[name] = "Every value is a code (text)."
    services = connection.own_fulfillment_services
    if not isinstance(services, list) or not all(isinstance(s, str) for s in services):
        errors["own_fulfillment_services"] = 'A list of names, e.g. ["manual"].'
    if connection.pull_enabled and not connection.api_base_url:
        errors["api_base_url"] = "Pulls need the channel's API base URL."
    if not 1 <= (connection.pull_every_minutes or 0) <= 24 * 60:
        errors["pull_every_minutes"] = "Between 1 and 1440 minutes."
    if connection.webhook_secret and len(connection.webhook_secret) < 8:
        errors["webhook_secret"] = "At least 8 characters."  # noqa: S105 - a message
    if errors:
        raise ValidationError(errors)


@transactional
def connection_save(*, connection: ChannelConnection, actor: Actor) -> ChannelConnection:
    """Create or change a channel's connection (admin): validated, secrets encrypted by the field."""
    connection.full_clean(exclude=["channel"] if connection.channel_id is None else None)
    validate_connection(connection)
    connection.save()
    from oms.integrations.pulls.schedule import schedule_pull

    if connection.pull_enabled or connection.api_base_url:
        schedule_pull(connection)
    logger.info("connection of channel %s saved by %s", connection.channel_id, actor)
    return connection


@transactional
def connection_set_cursor(*, connection_id: int, cursor: str) -> ChannelConnection:
    """Advance the pull cursor, once the page it covers is stored."""
    connection = for_update(ChannelConnection.objects.filter(pk=connection_id)).get()
    connection.pull_cursor = cursor[:100]
    connection.save(update_fields=["pull_cursor"])
    return connection


#: A pull that started this long ago and never finished (a worker died) no longer blocks the next.
PULL_STALE_AFTER_MINUTES = 30


@transactional
def connection_begin_pull(*, connection_id: int, now=None) -> bool:
    """Claim the channel's pull: False when another pull of it is running (one at a time, so the
    cursor only moves forward)."""
    from datetime import timedelta

    from django.utils import timezone

    now = now or timezone.now()
    connection = for_update(ChannelConnection.objects.filter(pk=connection_id)).get()
    running = connection.pull_started_at
    if running and now - running < timedelta(minutes=PULL_STALE_AFTER_MINUTES):
        return False
    connection.pull_started_at = now
    connection.save(update_fields=["pull_started_at"])
    return True


@transactional
def connection_end_pull(*, connection_id: int, error: str = "", now=None) -> None:
    from django.utils import timezone

    connection = for_update(ChannelConnection.objects.filter(pk=connection_id)).get()
    connection.pull_started_at = None
    connection.last_pull_at = now or timezone.now()
    connection.last_pull_error = error[:5000]
    connection.save(update_fields=["pull_started_at", "last_pull_at", "last_pull_error"])
