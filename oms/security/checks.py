"""Deploy checks (`manage.py check --deploy`): what a production setup must not miss."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def encryption_keys_configured(app_configs, **kwargs):
    from oms.core.crypto import keyring

    if not settings.OMS_ENCRYPTION_KEYS:
        return [
            Warning(
                "OMS_ENCRYPTION_KEYS is not set: stored secrets (channel credentials, webhook secrets) "
                "are encrypted with a key derived from SECRET_KEY, so changing SECRET_KEY makes them "
                "unreadable.",
                hint="Set OMS_ENCRYPTION_KEYS to a Fernet key (python -c 'from cryptography.fernet import "
                "Fernet; print(Fernet.generate_key().decode())'); README, 'Secrets at rest'.",
                id="security.W001",
            )
        ]
    try:
        keyring()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="security.E001")]
    return []
