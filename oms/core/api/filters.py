"""Filters shared by every app's API."""

from datetime import UTC, timedelta

import django_filters
from django import forms

#: UTC offsets in use on Earth run from -12:00 to +14:00; PostgreSQL refuses some beyond.
MAX_UTC_OFFSET = timedelta(hours=14)


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 timestamp, its UTC offset within +-14:00, read as the UTC instant it names
    (so the database never sees an offset it cannot hold, nor a year out of range)."""

    default_error_messages = {
        "offset": "The UTC offset must be within -14:00 and +14:00.",
        "range": "The time is out of range.",
    }

    def to_python(self, value):
        try:
            parsed = super().to_python(value)
        except OverflowError as error:
            raise forms.ValidationError(self.error_messages["range"], code="range") from error
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise forms.ValidationError(self.error_messages["offset"], code="offset")
        try:
            return parsed.astimezone(UTC)
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError(self.error_messages["range"], code="range") from error


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField
