"""Celery tasks: thin, idempotent, each calls one service."""

from celery import shared_task

from oms.core.adapters import AdapterError

from . import services
from .models import Refund


@shared_task(
    name="returns.request_refund",
    ignore_result=True,
    autoretry_for=(AdapterError,),
    retry_backoff=30,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=8,
)
def request_refund(refund_id: int) -> str:
    """Ask the channel's adapter to pay a refund back; skip one that already succeeded."""
    refund = Refund.objects.filter(pk=refund_id).first()
    if refund is None or refund.status == Refund.Status.SUCCEEDED:
        return "skipped"
    return services.refund_send(refund=refund).status
