"""Create, change, rotate the secret of, disable and enable webhook endpoints."""

import base64
import logging
import secrets as random_secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from oms.core.actor import Actor
from oms.core.roles import OMS_ADMIN
from oms.core.transactions import transactional

from ..errors import WebhookError, WebhookErrorCode
from ..events import valid_pattern
from ..models import WebhookEndpoint
from ..urlsafety import UnsafeUrl, check_url
from .locks import lock_endpoint

logger = logging.getLogger(__name__)
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix)
DEFAULT_OVERLAP = timedelta(hours=24)


def secret_generate() -> str:
    """A Standard Webhooks secret: whsec_ + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(random_secrets.token_bytes(32)).decode()


def secret_check(secret: str) -> str:
    body = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else ""
    try:
        raw = base64.b64decode(body + "==", validate=False) if body else b""
    except ValueError:
        raw = b""
    if len(raw) < 24:
        raise WebhookError(
            WebhookErrorCode.INVALID_SECRET,
            "A secret is whsec_ followed by base64 of 24 to 64 random bytes; leave it out to get one.",
            details={"field": "secret"},
        )
    return secret


def _checked_url(url: str) -> str:
    try:
        check_url(url, resolve=False)
    except UnsafeUrl as error:
        raise WebhookError(WebhookErrorCode.UNSAFE_URL, str(error), details={"field": "url"}) from error
    return url


def _checked_events(events: list[str]) -> list[str]:
    bad = [pattern for pattern in events if not isinstance(pattern, str) or not valid_pattern(pattern)]
    if not events or bad:
        raise WebhookError(
            WebhookErrorCode.INVALID_EVENTS,
            'Name at least one event type: "order.shipped", "order.*" or "*".',
            details={"field": "events", "invalid": bad},
        )
    return sorted(set(events))


@transactional
def endpoint_create(
    *, url: str, events: list[str], actor: Actor, secret: str = "", active: bool = True, description: str = ""
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.create(
        url=_checked_url(url),
        events=_checked_events(events),
        secret=secret_check(secret) if secret else secret_generate(),
        active=active,
        description=description,
    )
    logger.info("webhook endpoint %s created by %s", endpoint.pk, actor)
    return endpoint


@transactional
def endpoint_update(*, endpoint: WebhookEndpoint, actor: Actor, **changes) -> WebhookEndpoint:
    """Change url, events, active or description. Enabling a disabled endpoint clears its failure
    count: its waiting deliveries go out again from the next sweep."""
    endpoint = lock_endpoint(endpoint.pk)
    if "url" in changes:
        endpoint.url = _checked_url(changes["url"])
    if "events" in changes:
        endpoint.events = _checked_events(changes["events"])
    if "description" in changes:
        endpoint.description = changes["description"]
    if "active" in changes and changes["active"] != endpoint.active:
        endpoint.active = changes["active"]
        if endpoint.active:
            endpoint.consecutive_failures, endpoint.failing_since = 0, None
            endpoint.disabled_at, endpoint.disabled_reason = None, ""
            transaction.on_commit(lambda: _resume(endpoint.pk))
    endpoint.save()
    logger.info("webhook endpoint %s changed by %s: %s", endpoint.pk, actor, sorted(changes))
    return endpoint


@transactional
def endpoint_delete(*, endpoint: WebhookEndpoint, actor: Actor) -> None:
    """Remove an endpoint with its delivery log (to stop sending but keep the log: deactivate)."""
    locked = lock_endpoint(endpoint.pk)
    if locked is not None:
        locked.delete()
        logger.info("webhook endpoint %s (%s) deleted by %s", endpoint.pk, endpoint.url, actor)


def _resume(endpoint_id: int) -> None:
    from ..tasks import sweep

    sweep.delay(endpoint_id)


@transactional
def endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, actor: Actor, secret: str = "", overlap: timedelta = DEFAULT_OVERLAP
) -> WebhookEndpoint:
    """A new secret signs from now on; the old one signs too until `overlap` has passed, so a
    receiver can switch to the new one without dropping a message. Returns the endpoint with the
    new secret, to show once."""
    endpoint = lock_endpoint(endpoint.pk)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + overlap
    endpoint.secret = secret_check(secret) if secret else secret_generate()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    logger.info("webhook endpoint %s: secret rotated by %s", endpoint.pk, actor)
    return endpoint


def signing_secrets(endpoint: WebhookEndpoint, *, now=None) -> list[str]:
    now = now or timezone.now()
    keys = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires and expires > now:
        keys.append(endpoint.previous_secret)
    return keys


@transactional
def endpoint_disable(*, endpoint_id: int, reason: str) -> WebhookEndpoint | None:
    """Stop sending to an endpoint that keeps failing, and tell the admins (once)."""
    endpoint = lock_endpoint(endpoint_id)
    if endpoint is None or not endpoint.active:
        return endpoint
    endpoint.active, endpoint.disabled_at, endpoint.disabled_reason = False, timezone.now(), reason[:300]
    endpoint.save(update_fields=["active", "disabled_at", "disabled_reason", "updated_at"])
    logger.warning("webhook endpoint %s disabled: %s", endpoint.pk, reason)
    transaction.on_commit(lambda: _notify_admins(endpoint))
    return endpoint


def _notify_admins(endpoint: WebhookEndpoint) -> None:
    users = get_user_model().objects.filter(groups__name=OMS_ADMIN, is_active=True).exclude(email="")
    recipients = sorted(set(users.values_list("email", flat=True)))
    if not recipients:
        return
    send_mail(
        subject=f"[OMS] Webhook endpoint disabled: {endpoint}",
        message=(
            f"The webhook endpoint {endpoint.url} (#{endpoint.pk}) was disabled: "
            f"{endpoint.disabled_reason}\n\n"
            "Its undelivered messages wait. Fix the receiver, then enable the endpoint again in the admin "
            "(Webhook endpoints) or the API (PATCH active=true): they go out in order."
        ),
        from_email=None,
        recipient_list=recipients,
        fail_silently=True,
    )
