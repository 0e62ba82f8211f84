"""Settings read from the environment; the defaults run the app with no server at all.

DATABASE_URL  default: a SQLite file in the project (writers wait, they do not fail)
REDIS_URL     optional: Celery broker and cache; without it tasks run in process
SECRET_KEY, DEBUG, ALLOWED_HOSTS
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-set-SECRET_KEY-in-production")
# Fernet keys for secrets at rest, newest first (oms/core/crypto.py); derived from SECRET_KEY when unset.
OMS_ENCRYPTION_KEYS = env_list("OMS_ENCRYPTION_KEYS", "")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_celery_beat",
    "oms.core",
    "inventory",
    "orders",
    "fulfillment",
    "returns",
    "oms.integrations.inbox",
    "oms.integrations.connections",
    "oms.integrations.csvimport",
    "oms.integrations.erp",
    "oms.integrations.feeds",
    "oms.desk",
    "oms.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oms.core.middleware.TransientErrorMiddleware",
]

ROOT_URLCONF = "oms.urls"
WSGI_APPLICATION = "oms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oms.core.context_processors.navigation",
            ],
        },
    },
]


def database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # IMMEDIATE takes the write lock at BEGIN, and the timeout makes a second
        # writer wait for it instead of failing with "database is locked".
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# Celery: without a broker, tasks run in process so that `make run` needs no server.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
#: Seconds between full inventory feed pushes to every channel.
OMS_FEED_FULL_PUSH_SECONDS = int(os.environ.get("OMS_FEED_FULL_PUSH_SECONDS", str(6 * 60 * 60)))
CELERY_BEAT_SCHEDULE: dict = {
    # Orders are sourced right after their intake commits; this catches any a lost wake-up left.
    "fulfillment-source-requested": {"task": "fulfillment.source_requested", "schedule": 60},
    "purge-idempotency-records": {"task": "core.purge_idempotency_records", "schedule": 60 * 60},
    "orders-cancel-expired-unpaid": {"task": "orders.cancel_expired_unpaid_orders", "schedule": 15 * 60},
    "fulfillment-return-uncollected-pickups": {
        "task": "fulfillment.return_uncollected_pickups",
        "schedule": 60 * 60,
    },
    "orders-anonymize-expired-customer-data": {
        "task": "orders.anonymize_expired_customer_data",
        "schedule": 24 * 60 * 60,
    },
    "inbox-process-pending-documents": {"task": "inbox.process_pending_documents", "schedule": 5 * 60},
    "inbox-purge-documents": {"task": "inbox.purge_documents", "schedule": 24 * 60 * 60},
    # ERP sync (queue erp) and inventory feeds (queue feeds); the tick collects stock changes and
    # pushes each channel at most once per its interval, the full push re-states everything.
    "erp-export": {"task": "erp.export", "schedule": 60},
    "erp-import-files": {"task": "erp.import_files", "schedule": 60},
    "feeds-tick": {"task": "feeds.tick", "schedule": 5},
    "feeds-push-full": {"task": "feeds.push_full", "schedule": OMS_FEED_FULL_PUSH_SECONDS},
}
# Beat reads its schedule from the database (django-celery-beat): the entries above are copied
# there, and each channel's pull is a periodic task edited in the admin (oms.integrations.pulls).
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "oms.core.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["oms.core.api.permissions.HasRole"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "oms.core.api.pagination.StandardCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "oms.core.api.problems.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "OMS API",
    "DESCRIPTION": (
        "Order management: orders from every channel, inventory, fulfillment and returns.\n\n"
        "Authenticate with `Authorization: Token <key>` (integrations) or a browser session. "
        "Every error is an RFC 9457 problem details object (`application/problem+json`). "
        "POST endpoints honour an `Idempotency-Key` header: a replay returns the first answer."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["oms.core.api.permissions.HasAnyRole"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI served from our own static files: the docs work with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.Order.Status",
        "OrderPaymentStatusEnum": "orders.models.Order.PaymentStatus",
        "HoldKindEnum": "orders.models.Hold.Kind",
        "DeliveryMethodEnum": "orders.models.Order.DeliveryMethod",
        "InboxDocumentStatusEnum": "oms.integrations.inbox.models.InboxDocument.Status",
    },
}

# Channel documents (the inbox) are kept this many days after they came in, then purged
# (failed ones stay until an admin has dealt with them).
OMS_INBOX_RETENTION_DAYS = int(os.environ.get("OMS_INBOX_RETENTION_DAYS", "90"))
#: Amazon Login with Amazon token endpoint (tests point it at a local server).
OMS_AMAZON_LWA_URL = os.environ.get("OMS_AMAZON_LWA_URL", "https://api.amazon.com/auth/o2/token")
#: A channel's first pull (no cursor yet) reaches back this many days.
OMS_PULL_FIRST_DAYS = int(os.environ.get("OMS_PULL_FIRST_DAYS", "7"))

# Personal data: orders older than this many days may be anonymized by the retention task.
OMS_CUSTOMER_DATA_RETENTION_DAYS = int(os.environ.get("OMS_CUSTOMER_DATA_RETENTION_DAYS", "0")) or None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per task run is noise when tasks run in process; failures still show.
        "celery.app.trace": {"level": "WARNING"},
        # Without a broker kombu warns about the in-memory transport's missing hostname.
        "kombu.connection": {"level": "WARNING" if REDIS_URL else "ERROR"},
    },
}
