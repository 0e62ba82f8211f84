"""Production: everything secret or host-specific must come from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list


def required(name: str, value, example: str):
    if not value:
        raise ImproperlyConfigured(f"Production settings need {name} in the environment, e.g. {example}.")
    return value


SECRET_KEY = required("SECRET_KEY", os.environ.get("SECRET_KEY", "").strip(), "a random 50-character string")
DEBUG = False
ALLOWED_HOSTS = required("ALLOWED_HOSTS", env_list("ALLOWED_HOSTS", ""), "ALLOWED_HOSTS=oms.example.com")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers probe over plain HTTP; a redirect would read as "unhealthy". Prometheus scrapes
# inside the network too.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Never show the demo users' second-factor codes in production.
OMS_MFA_DEMO_HINTS = False

# Static files: WhiteNoise serves them from gunicorn, names hashed by content (cached for a year
# by browsers and proxies) and compressed ahead of time; `make serve` runs collectstatic first.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or STATIC_ROOT  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MIDDLEWARE = list(MIDDLEWARE)  # noqa: F405
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)

# Structured logs for the log collector: one JSON object a line with the request id and order number.
LOG_FORMAT = os.environ.get("OMS_LOG_FORMAT", "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"OMS_LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405
