"""Celery tasks: thin, idempotent, each calls one service."""

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from oms.core.adapters import AdapterError, is_retryable

from . import services
from .models import Refund

MAX_RETRIES = 8


@shared_task(name="returns.request_refund", bind=True, ignore_result=True, max_retries=MAX_RETRIES)
def request_refund(self, refund_id: int) -> str:
    """Ask the channel's adapter to pay a refund back; skip one that already succeeded. A
    failure worth another attempt (no answer, a 429, a 5xx) is retried with exponential backoff
    (30 s doubling to an hour, jittered; at least the channel's Retry-After), up to 8 times;
    a refusal (a 4xx, the channel's validation) is final at once: the refund stays `failed`
    on the order and in the desk's exceptions queue for someone to resend."""
    refund = Refund.objects.filter(pk=refund_id).first()
    if refund is None or refund.status == Refund.Status.SUCCEEDED:
        return "skipped"
    try:
        return services.refund_send(refund=refund).status
    except AdapterError as error:
        if not is_retryable(error):
            return Refund.Status.FAILED
        countdown = get_exponential_backoff_interval(
            factor=30, retries=self.request.retries, maximum=60 * 60, full_jitter=True
        )
        countdown = max(countdown, float(getattr(error, "retry_after", None) or 0))
        raise self.retry(exc=error, countdown=countdown) from error
