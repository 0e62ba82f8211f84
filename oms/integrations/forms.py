"""Form helpers the integration admins share."""

from django.db import models


def url_https_formfield(db_field, **kwargs):
    """A ModelForm's formfield_callback: URLs without a scheme are taken as https (Django 6's
    default, stated now so the form does not warn)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)
