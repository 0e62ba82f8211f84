"""Background jobs: one service call per item in its own transaction, counts and errors kept,
resumed where a dead worker stopped, progress a page can poll."""

import pytest
from django.test import Client

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.core.jobs import job_run, job_start, register_job
from oms.core.models import Job
from oms.core.transactions import transactional

pytestmark = pytest.mark.django_db
seen: list = []


@transactional
def _service(item):
    if item == "bad":
        raise DomainError("nope", f"{item} was refused")
    if item == "boom":
        raise RuntimeError("a bug")
    seen.append(item)


register_job("tests.echo", lambda item, params, actor: _service(item))


@pytest.fixture(autouse=True)
def _clean():
    seen.clear()


def test_a_job_runs_every_item_and_keeps_the_refusals(cs_user):
    job = job_start(
        kind="tests.echo", label="Echo", items=[1, "bad", 2, "boom", 3], actor=Actor.for_user(cs_user)
    )
    job.refresh_from_db()  # without a broker it ran in process, after the commit
    assert seen == [1, 2, 3]
    assert (job.status, job.total, job.done, job.failed, job.percent) == ("done", 5, 3, 2, 100)
    assert job.errors[0] == {"item": "bad", "message": "bad was refused"}
    assert "RuntimeError" in job.errors[1]["message"]
    assert job.actor_label == "carla" and job.finished_at is not None


def test_a_redelivered_job_resumes_where_it_stopped(cs_user):
    job = Job.objects.create(
        kind="tests.echo",
        label="Echo",
        items=[1, 2, 3, 4],
        total=4,
        done=2,
        status="running",
        **Actor.for_user(cs_user).as_fields(),
    )
    job_run(job_id=job.pk)
    assert seen == [3, 4]
    job.refresh_from_db()
    assert (job.done, job.status) == (4, "done")
    job_run(job_id=job.pk)  # a finished job is left alone
    assert seen == [3, 4]


def test_an_unknown_kind_fails_the_job_with_a_reason(cs_user):
    job = Job.objects.create(
        kind="tests.gone", label="Gone", items=[1], total=1, **Actor.system().as_fields()
    )
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "No handler" in job.errors[0]["message"]


def test_the_progress_partial_polls_until_the_job_is_done_and_only_for_its_owner(cs_user, warehouse_user):
    job = Job.objects.create(
        kind="tests.echo",
        label="Echo",
        items=[1, 2],
        total=2,
        done=1,
        status="running",
        **Actor.for_user(cs_user).as_fields(),
    )
    client = Client()
    client.force_login(cs_user)
    partial = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert (
        'hx-trigger="every 1s"' in partial and "1 of 2 processed (50%)" in partial and "<html" not in partial
    )
    Job.objects.filter(pk=job.pk).update(done=2, status="done")
    finished = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in finished and "2 of 2 processed (100%)" in finished
    assert "<html" in client.get(f"/jobs/{job.pk}/").content.decode()
    other = Client()
    other.force_login(warehouse_user)
    assert other.get(f"/jobs/{job.pk}/").status_code == 404
