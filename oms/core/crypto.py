"""Secrets at rest: channel credentials and webhook secrets are stored encrypted.

Keys come from the environment: ``OMS_ENCRYPTION_KEYS``, a comma-separated list of Fernet keys
(``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``).
The first key encrypts; every key decrypts, so a new key goes first and the old one stays
listed until ``manage.py reencrypt_secrets`` has rewritten every stored value with the new one.
Without the variable (development, tests) one key is derived from SECRET_KEY.
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class UnreadableSecret(Exception):
    """A stored secret that none of the configured keys decrypts."""


def _derived_key() -> bytes:
    digest = hashlib.sha256(f"oms-secrets:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _keyring(configured: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in configured] or [Fernet(_derived_key())])
    except ValueError as error:
        raise ImproperlyConfigured(f"OMS_ENCRYPTION_KEYS: not a list of Fernet keys ({error})") from error


def keyring() -> MultiFernet:
    return _keyring(tuple(settings.OMS_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return keyring().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return keyring().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise UnreadableSecret("A stored secret is not readable with OMS_ENCRYPTION_KEYS.") from error


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database and plain in Python; "" stays "" (nothing to hide)."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        names = [field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def reencrypt_all() -> int:
    """Rewrite every stored secret with the first key; returns how many rows were rewritten."""
    rewritten = 0
    for model, names in encrypted_fields():
        for row in model._base_manager.only("pk", *names).iterator():
            model._base_manager.filter(pk=row.pk).update(**{name: getattr(row, name) for name in names})
            rewritten += 1
    return rewritten
