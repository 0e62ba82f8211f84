from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import jobs
from .idempotency import idempotency_purge

#: How long a client may replay a POST and get the first answer back.
IDEMPOTENCY_WINDOW = timedelta(hours=48)


@shared_task(name="core.purge_idempotency_records")
def purge_idempotency_records() -> int:
    return idempotency_purge(older_than=timezone.now() - IDEMPOTENCY_WINDOW)


@shared_task(name="core.run_job")
def run_job(job_id: int) -> None:
    jobs.job_run(job_id=job_id)
