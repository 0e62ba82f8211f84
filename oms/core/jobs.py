"""Background jobs over many items, with progress a page can poll.

An app registers a handler under a name (`register_job("desk.release_hold", fn)`, from its
AppConfig.ready()); `job_start` stores the items and enqueues the Celery task `core.run_job`
once the job row has committed; `job_run` calls the handler once per item. A handler calls
one service, which runs in its own transaction, so one refused item (a DomainError: the
hold was released meanwhile) is counted and explained and the others go on.

Progress is written after every item, so a worker that dies resumes where it stopped (the
task is acked late and redelivered). Without REDIS_URL, Celery runs tasks in process: the job
then runs to its end inside the request that started it, and the page it leads to shows it
finished.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .actor import USER, Actor
from .errors import DomainError
from .models import Job

logger = logging.getLogger(__name__)

#: Errors kept on a job for the page; the count goes on past them.
MAX_ERRORS = 200
Handler = Callable[[Any, dict, Actor], None]
_handlers: dict[str, Handler] = {}


def register_job(kind: str, handler: Handler) -> None:
    _handlers[kind] = handler


def job_start(*, kind: str, label: str, items: list, actor: Actor, params: dict | None = None) -> Job:
    """Store a job and run it after the commit (a worker, or in process without a broker)."""
    if kind not in _handlers:
        raise ValueError(f"no job handler registered as {kind!r}")
    job = Job.objects.create(
        kind=kind, label=label, items=list(items), total=len(items), params=params or {}, **actor.as_fields()
    )
    from .tasks import run_job  # the task module imports this one

    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def _actor(job: Job) -> Actor:
    """Who started the job, with the roles they hold now: a job may do only what they may."""
    if job.actor_kind == USER and job.actor_id is not None:
        user = get_user_model().objects.filter(pk=job.actor_id, is_active=True).first()
        if user is not None:
            return Actor.for_user(user)
    return Actor(job.actor_kind, job.actor_id, job.actor_label)


def _record_failure(job: Job, item, message: str) -> None:
    job.failed += 1
    if len(job.errors) < MAX_ERRORS:
        job.errors.append({"item": item, "message": message})
    Job.objects.filter(pk=job.pk).update(failed=job.failed, errors=job.errors)


def job_run(*, job_id: int) -> Job | None:
    """Call the job's handler for every item not yet processed. Not atomic on purpose: each
    item commits (or is refused) on its own."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job
    handler = _handlers.get(job.kind)
    if handler is None:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            errors=[{"item": None, "message": f"No handler for jobs of kind {job.kind!r}."}],
        )
        return Job.objects.get(pk=job.pk)
    if job.status == Job.Status.QUEUED:
        job.status, job.started_at = Job.Status.RUNNING, timezone.now()
        Job.objects.filter(pk=job.pk).update(status=job.status, started_at=job.started_at)
    actor = _actor(job)
    for item in job.items[job.processed :]:
        try:
            handler(item, job.params, actor)
        except DomainError as error:
            _record_failure(job, item, error.message)
            continue
        except Exception as exc:  # one broken item must not stop the others
            logger.exception("job %s: item %r failed", job.pk, item)
            _record_failure(job, item, f"Unexpected error ({type(exc).__name__}); see the server log.")
            continue
        job.done += 1
        Job.objects.filter(pk=job.pk).update(done=F("done") + 1)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, finished_at=timezone.now())
    return Job.objects.get(pk=job.pk)


def jobs_of(user) -> Any:
    """The jobs a staff user started, newest first."""
    return Job.objects.filter(actor_kind="user", actor_id=user.pk).order_by("-id")
