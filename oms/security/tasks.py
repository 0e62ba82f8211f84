from celery import shared_task

from .services.audit import audit_purge_expired


@shared_task(name="security.purge_audit_log")
def purge_audit_log() -> int:
    return audit_purge_expired()
