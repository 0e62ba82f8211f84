"""Beat schedules live in the database (django-celery-beat, editable in the admin): the entries of
CELERY_BEAT_SCHEDULE are created there when missing, and an admin's change survives a restart."""

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from oms.beat import SeedingDatabaseScheduler
from oms.celery import app

# The scheduler closes "old" connections as beat does, which a test's wrapping transaction would not survive.
pytestmark = pytest.mark.django_db(transaction=True)


def start_beat() -> SeedingDatabaseScheduler:
    return SeedingDatabaseScheduler(app=app, lazy=False)


def test_every_configured_entry_is_in_the_database_schedule():
    start_beat()
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert set(app.conf.beat_schedule) <= names
    sweep = PeriodicTask.objects.get(name="webhooks-sweep")
    assert sweep.task == "webhooks.sweep" and sweep.interval.every == 30


def test_an_admins_change_survives_the_next_start():
    start_beat()
    slower = IntervalSchedule.objects.create(every=300, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(name="inbox-purge-documents").update(interval=slower, enabled=False)
    start_beat()
    purge = PeriodicTask.objects.get(name="inbox-purge-documents")
    assert purge.interval.every == 300 and purge.enabled is False


def test_the_beat_admin_is_there_for_admins(client, admin_user):
    start_beat()
    client.force_login(admin_user)
    page = client.get("/admin/django_celery_beat/periodictask/")
    assert page.status_code == 200 and b"webhooks-sweep" in page.content
