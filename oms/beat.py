"""Celery beat on django-celery-beat's database schedule, editable in the admin.

The stock DatabaseScheduler writes every CELERY_BEAT_SCHEDULE entry over the database row at
each start, so an admin's change (another interval, disabled) would not survive a restart. This
one creates the entries that are missing and leaves existing rows as the admin set them.
"""

from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler


class SeedingDatabaseScheduler(DatabaseScheduler):
    def update_from_dict(self, mapping):
        known = set(PeriodicTask.objects.filter(name__in=list(mapping)).values_list("name", flat=True))
        super().update_from_dict({name: entry for name, entry in mapping.items() if name not in known})
