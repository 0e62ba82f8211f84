"""Celery task failures by task name on /metrics, counted wherever the task ran."""

import os
import re
import subprocess
import sys

import pytest
from celery import shared_task
from django.conf import settings
from django.test import Client

from tests.serving import REPO

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


@shared_task(name="tests.security.always_fails")
def always_fails():
    raise Boom("the channel said no")


@shared_task(name="tests.security.succeeds")
def succeeds():
    return "ok"


def failures_on_metrics(admin_user, task: str) -> float:
    client = Client()
    client.force_login(admin_user)
    text = client.get("/metrics").content.decode()
    found = re.search(rf'^oms_celery_task_failures_total\{{task="{re.escape(task)}"\}} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def test_a_failing_task_is_counted_by_name_and_a_successful_one_is_not(admin_user):
    before = failures_on_metrics(admin_user, "tests.security.always_fails")

    # In process as without a broker (base settings: failures do not propagate to the caller;
    # settings.test make them propagate, and Celery sends no task_failure then).
    assert always_fails.apply(throw=False).failed()
    assert always_fails.apply(throw=False).failed()
    succeeds.apply(throw=False)

    assert failures_on_metrics(admin_user, "tests.security.always_fails") == before + 2
    assert failures_on_metrics(admin_user, "tests.security.succeeds") == 0.0


@pytest.mark.skipif(not settings.REDIS_URL, reason="without a broker failures are counted in process")
def test_a_failure_in_another_process_shows_on_this_process_metrics(admin_user):
    task = "tests.security.fails_in_a_worker"
    before = failures_on_metrics(admin_user, task)
    code = (
        "import django; django.setup()\n"
        "from oms.celery import app\n"
        f"@app.task(name={task!r})\n"
        "def fails(): raise RuntimeError('worker side')\n"
        "assert fails.apply(throw=False).failed()\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "oms.settings.test"}
    subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, check=True, timeout=60)

    assert failures_on_metrics(admin_user, task) == before + 1
