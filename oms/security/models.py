"""The audit log of personal data: who looked at or took out a customer's data, and when.

Append-only: a row is written once and never changed; only the retention purge
(`audit_purge_expired`) removes rows, older than OMS_AUDIT_RETENTION_DAYS.
"""

from django.db import models
from django.utils import timezone


class AppendOnly(Exception):
    """The audit log is never edited or deleted row by row."""


class PersonalDataAccessQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("The personal-data audit log is append-only.")

    def delete(self):
        raise AppendOnly("The personal-data audit log is append-only; the retention purge removes old rows.")

    def purge(self) -> int:
        """Only for the retention purge (oms.security.services.audit)."""
        return self._raw_delete(self.db)


class PersonalDataAccess(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed a page"
        EXPORT = "export", "Exported"
        API_READ = "api_read", "Read through the API"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    #: Kept as written: the entry stays meaningful after the user is renamed or deleted.
    user_id = models.BigIntegerField(null=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    #: What was read: the route's name ("desk:order", "api:order-list"...).
    resource = models.CharField(max_length=100)
    #: The order number (or other key) when the access was about one record; blank for lists.
    subject = models.CharField(max_length=100, blank=True, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    #: The query string (the filters of a list or an export).
    query = models.TextField(blank=True)
    address = models.GenericIPAddressField(null=True)

    objects = PersonalDataAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "personal data access"
        verbose_name_plural = "personal data accesses"
        indexes = [models.Index(fields=["subject", "at"], name="pda_subject_at_idx")]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.subject or self.resource} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("The personal-data audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("The personal-data audit log is append-only.")
