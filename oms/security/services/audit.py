"""Recording and purging the personal-data audit log."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from ..models import PersonalDataAccess


def audit_record_access(*, user, action: str, resource: str, subject: str = "", request=None) -> None:
    """One entry: `user` (a person, never a channel or the system) did `action` on `resource`."""
    PersonalDataAccess.objects.create(
        user_id=user.pk,
        username=user.get_username(),
        action=action,
        resource=resource,
        subject=subject[:100],
        method=request.method if request is not None else "",
        path=request.path[:500] if request is not None else "",
        query=request.META.get("QUERY_STRING", "") if request is not None else "",
        address=_address(request),
    )


def audit_purge_expired(*, now: datetime | None = None, days: int | None = None) -> int:
    """Remove entries older than OMS_AUDIT_RETENTION_DAYS (none when unset); returns how many."""
    days = days if days is not None else settings.OMS_AUDIT_RETENTION_DAYS
    if not days:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return PersonalDataAccess.objects.filter(at__lt=cutoff).purge()


def _address(request) -> str | None:
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None
