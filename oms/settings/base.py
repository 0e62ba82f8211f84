"""Settings read from the environment; the defaults run the app with no server at all.

DATABASE_URL  default: a SQLite file in the project (writers wait, they do not fail)
REDIS_URL     optional: Celery broker and cache; without it tasks run in process
SECRET_KEY, DEBUG, ALLOWED_HOSTS
"""

import os
from datetime import timedelta
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
    "oms.integrations.webhooks",
    "oms.integrations.pushes",
    "oms.desk",
    "oms.demo",
    "oms.security",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "oms.core.logs.RequestContextMiddleware",  # first: every log line of a request has its id
    "oms.security.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "oms.core.middleware.InputGuardMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "oms.security.middleware.PermissionsPolicyMiddleware",
    "oms.security.middleware.StaffIdleTimeoutMiddleware",
    "oms.security.audit.PersonalDataAuditMiddleware",
    "oms.security.mfa.MfaRequiredMiddleware",
    "oms.core.middleware.TransientErrorMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out user/address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
    CACHES = {"default": {"BACKEND": "oms.core.cache.RedisCache", "LOCATION": REDIS_URL}}

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

# --- Celery reliability and queues (issue 18) ---------------------------------------------------
# A task is acked when it has finished (acks_late) and put back when its worker dies
# (reject_on_worker_lost), so Redis must not hand an unacked task to another worker while the
# first is still on it: the visibility timeout is above the longest task (a webhook chain run
# stops after 60 s, a job after its items; nothing runs for an hour). Webhook retries further out
# than 5 minutes are not Celery ETAs (they would outlive the timeout): the sweep finds them.
OMS_CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("OMS_CELERY_VISIBILITY_TIMEOUT", str(2 * 60 * 60)))
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": OMS_CELERY_VISIBILITY_TIMEOUT}
CELERY_TASK_DEFAULT_QUEUE = "default"
#: One queue per kind of work, so a slow receiver or a channel outage never holds up the rest.
OMS_CELERY_QUEUES = ("default", "webhooks", "channel", "feeds", "erp")
CELERY_TASK_ROUTES = {
    "webhooks.*": {"queue": "webhooks"},
    "inbox.*": {"queue": "channel"},
    "channel.*": {"queue": "channel"},
    "feeds.*": {"queue": "feeds"},
    "erp.*": {"queue": "erp"},
}
# Beat schedules live in the database (django-celery-beat), editable in the admin; the entries
# below are created there when missing and then left to the admin (oms/beat.py).
CELERY_BEAT_SCHEDULER = "oms.beat:SeedingDatabaseScheduler"
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
    # Webhooks: hand over outbox rows a lost wake-up left, wake deliveries that are due.
    "webhooks-sweep": {
        "task": "webhooks.sweep",
        "schedule": float(os.environ.get("OMS_WEBHOOK_SWEEP_SECONDS", "30")),
    },
    "webhooks-purge-outbox": {"task": "webhooks.purge_outbox", "schedule": 24 * 60 * 60},
    # Channel pushes (queue channel): collect shipments / cancellations a lost wake-up left,
    # send the pushes whose retry is due.
    "channel-pushes-sweep": {
        "task": "channel.pushes_sweep",
        "schedule": float(os.environ.get("OMS_CHANNEL_PUSH_SWEEP_SECONDS", "30")),
    },
    "security-purge-audit-log": {"task": "security.purge_audit_log", "schedule": 24 * 60 * 60},
}
# Each channel's pull is a periodic task of its own in that database schedule, kept in step with
# its connection (oms.integrations.pulls).

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # oms.core.api.authentication.BearerTokenAuthentication, wrong tokens counted per address.
        "oms.core.api.throttling.GuardedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # ThrottleFirst: an anonymous client is limited before it is told 401 (oms/core/api/throttling.py).
    "DEFAULT_PERMISSION_CLASSES": [
        "oms.core.api.throttling.ThrottleFirst",
        "oms.core.api.permissions.HasRole",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "oms.core.api.pagination.StandardCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "oms.core.api.schema.OmsAutoSchema",
    "EXCEPTION_HANDLER": "oms.core.api.problems.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only, with a depth limit and no NUL characters (oms/core/api/inputs.py).
    "DEFAULT_PARSER_CLASSES": ["oms.core.api.inputs.GuardedJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "COERCE_DECIMAL_TO_STRING": True,
    # Rates: OMS_API_THROTTLE_RATES below (oms/core/api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "oms.core.api.throttling.TokenRateThrottle",
        "oms.core.api.throttling.AnonAddressThrottle",
    ],
    # Behind a reverse proxy, the client address is the last X-Forwarded-For hop it added.
    "NUM_PROXIES": int(os.environ["OMS_NUM_PROXIES"]) if os.environ.get("OMS_NUM_PROXIES") else None,
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
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "oms.core.api.schema.problem_details_everywhere",
    ],
    # Swagger UI served from our own static files: the docs work with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The `webhooks` section (the messages webhook endpoints receive) is an OpenAPI 3.1 feature.
    "OAS_VERSION": "3.1.0",
    "WEBHOOKS": ["oms.integrations.webhooks.openapi.order_event"],
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.Order.Status",
        "OrderPaymentStatusEnum": "orders.models.Order.PaymentStatus",
        "HoldKindEnum": "orders.models.Hold.Kind",
        "DeliveryMethodEnum": "orders.models.Order.DeliveryMethod",
        "InboxDocumentStatusEnum": "oms.integrations.inbox.models.InboxDocument.Status",
        "WebhookDeliveryStatusEnum": "oms.integrations.webhooks.models.WebhookDelivery.Status",
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

#: With a broker, a woken batch task (sourcing, webhook dispatch, the channel-push collector)
#: starts this long after the commit that woke it, gathering the commits made meanwhile into
#: its run (oms.core.wakeups). A Celery task costs the worker 15-20 ms of CPU before it does any
#: work: at 0.25 s a busy intake sources about 25 orders per task rather than 8, and an order is
#: still reserved well within a second.
OMS_WAKE_GATHER_SECONDS = float(os.environ.get("OMS_WAKE_GATHER_SECONDS", "0.25"))

#: A web process remembers the channel a channel token authenticated this long (0: never), so
#: that a channel posting orders is not read again on every request. A channel saved or its token
#: reissued is forgotten at once in the process that wrote it; other processes may still accept
#: the old token, or apply the old settings, for up to this long.
OMS_CHANNEL_TOKEN_CACHE_SECONDS = float(os.environ.get("OMS_CHANNEL_TOKEN_CACHE_SECONDS", "5"))

# --- Outbound webhooks (issue 18, oms/integrations/webhooks) -------------------------------------
# Dispatch outbox rows right after their commit (a Celery task; in process without REDIS_URL).
OMS_WEBHOOKS_DISPATCH_ON_COMMIT = env_bool("OMS_WEBHOOKS_DISPATCH_ON_COMMIT", True)
# Handed-over outbox rows are purged after this many days; succeeded deliveries after theirs.
# Channel pushes (oms.integrations.pushes): shipments and cancellations told to the channel.
OMS_CHANNEL_PUSHES_ON_COMMIT = env_bool("OMS_CHANNEL_PUSHES_ON_COMMIT", True)
OMS_CHANNEL_PUSH_MAX_ATTEMPTS = int(os.environ.get("OMS_CHANNEL_PUSH_MAX_ATTEMPTS", "8"))
OMS_CHANNEL_PUSH_RETRY_BASE_SECONDS = float(os.environ.get("OMS_CHANNEL_PUSH_RETRY_BASE_SECONDS", "30"))
OMS_CHANNEL_PUSH_RETRY_FACTOR = float(os.environ.get("OMS_CHANNEL_PUSH_RETRY_FACTOR", "3"))
OMS_CHANNEL_PUSH_RETRY_CAP_SECONDS = float(
    os.environ.get("OMS_CHANNEL_PUSH_RETRY_CAP_SECONDS", str(6 * 60 * 60))
)
#: Without a broker (tasks in process) a retry waits for the sweep; the tests retry at once.
OMS_CHANNEL_PUSH_RETRY_IN_PROCESS = env_bool("OMS_CHANNEL_PUSH_RETRY_IN_PROCESS", False)
OMS_OUTBOX_RETENTION_DAYS = int(os.environ.get("OMS_OUTBOX_RETENTION_DAYS", "7"))
OMS_WEBHOOK_DELIVERY_RETENTION_DAYS = int(os.environ.get("OMS_WEBHOOK_DELIVERY_RETENTION_DAYS", "30"))
# Retries: base * factor^(n-1) seconds, capped, +-25% jitter; 10 attempts span about 3 days
# (10 s, 40 s, 2.7 min, 11 min, 43 min, 2.8 h, 11 h, 30 h, 30 h), then a dead letter.
OMS_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("OMS_WEBHOOK_MAX_ATTEMPTS", "10"))
OMS_WEBHOOK_RETRY_BASE_SECONDS = float(os.environ.get("OMS_WEBHOOK_RETRY_BASE_SECONDS", "10"))
OMS_WEBHOOK_RETRY_FACTOR = float(os.environ.get("OMS_WEBHOOK_RETRY_FACTOR", "4"))
OMS_WEBHOOK_RETRY_CAP_SECONDS = float(os.environ.get("OMS_WEBHOOK_RETRY_CAP_SECONDS", str(30 * 60 * 60)))
# An endpoint failing this many attempts in a row, for at least this many hours, is disabled
# (the admins get an email).
OMS_WEBHOOK_DISABLE_AFTER_FAILURES = int(os.environ.get("OMS_WEBHOOK_DISABLE_AFTER_FAILURES", "50"))
OMS_WEBHOOK_DISABLE_AFTER_HOURS = float(os.environ.get("OMS_WEBHOOK_DISABLE_AFTER_HOURS", "24"))
OMS_WEBHOOK_CONNECT_TIMEOUT = float(os.environ.get("OMS_WEBHOOK_CONNECT_TIMEOUT", "5"))
OMS_WEBHOOK_READ_TIMEOUT = float(os.environ.get("OMS_WEBHOOK_READ_TIMEOUT", "10"))
# URL safety: http to loopback is allowed with DEBUG or this; private addresses only with the next.
OMS_WEBHOOK_ALLOW_HTTP_LOOPBACK = env_bool("OMS_WEBHOOK_ALLOW_HTTP_LOOPBACK", False)
OMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("OMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # OMS_LOG_FORMAT: "text" (default here) or "json" (production's default): one JSON object a line.
    "filters": {"request_context": {"()": "oms.core.logs.RequestContextFilter"}},
    "formatters": {
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(order_number)s] %(message)s"
        },
        "json": {"()": "oms.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": os.environ.get("OMS_LOG_FORMAT", "text"),  # production.py checks it
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per task run is noise when tasks run in process; failures still show.
        "celery.app.trace": {"level": "WARNING"},
        # One line per webhook attempt; the attempt log has them.
        "httpx": {"level": "WARNING"},
        # Without a broker kombu warns about the in-memory transport's missing hostname.
        "kombu.connection": {"level": "WARNING" if REDIS_URL else "ERROR"},
        # django-axes says each attempt; oms.security.signals logs sign-ins and lockouts.
        "axes": {"level": "WARNING"},
    },
}

# --- Staff security and operations (issue 20, app oms.security) -----------------------------
from csp.constants import NONE, SELF  # noqa: E402

# Content-Security-Policy: scripts and styles only from our own static files (no inline script,
# no inline style, no eval); nothing is framed, nothing loads from another site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
# Permissions-Policy: oms.security.middleware.DEFAULT_PERMISSIONS_POLICY unless set here.
# A signed-in session unused for this many minutes ends (0: never).
OMS_STAFF_IDLE_TIMEOUT_MINUTES = int(os.environ.get("OMS_STAFF_IDLE_TIMEOUT_MINUTES", "30"))
# API throttles (per token, per anonymous address, per channel for channel webhooks): "N/s|m|h|d".
OMS_API_THROTTLE_RATES = {
    "token": os.environ.get("OMS_THROTTLE_TOKEN", "1200/min"),
    # a sales channel's token: order intake at the speed of a flash sale
    "channel": os.environ.get("OMS_THROTTLE_CHANNEL", "60000/min"),
    "anon": os.environ.get("OMS_THROTTLE_ANON", "60/min"),
    "channel_webhook": os.environ.get("OMS_THROTTLE_CHANNEL_WEBHOOK", "6000/min"),
}
# Sign-in protection (django-axes): after this many failures for one username from one address,
# sign-in is refused for OMS_LOCKOUT_MINUTES or until an admin unlocks (admin: Users -> "Unlock
# sign-in", or Axes -> Access attempts -> delete; `manage.py axes_reset_username <name>`).
AXES_FAILURE_LIMIT = int(os.environ.get("OMS_LOCKOUT_FAILURES", "5"))
_LOCKOUT_MINUTES = int(os.environ.get("OMS_LOCKOUT_MINUTES", "30"))  # 0: until an admin unlocks
AXES_COOLOFF_TIME = timedelta(minutes=_LOCKOUT_MINUTES) if _LOCKOUT_MINUTES else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed sign-in recorded, beside AccessLog's sign-ins
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("OMS_NUM_PROXIES", "0")) or None
AXES_VERBOSE = False  # our own log lines: oms/security/signals.py

# The audit log of personal data (oms/security/audit.py): the routes whose successful use by a
# person is recorded, and how long entries are kept (days; 0 keeps them for ever).
OMS_AUDITED_ROUTES = {
    "desk:order": "view",
    "inbox:order_documents": "view",
    "admin:orders_order_change": "view",
    "fulfillment:packing-slip": "view",
    "fulfillment:packing-slips-pdf": "export",
    "desk:orders_export": "export",
    "admin:orders_order_export": "export",
    "api:order-list": "api_read",
    "api:order-detail": "api_read",
    "api:return-list": "api_read",
    "api:return-detail": "api_read",
    "api:inbox-document-list": "api_read",
    "api:inbox-document-detail": "api_read",
}
OMS_AUDIT_RETENTION_DAYS = int(os.environ.get("OMS_AUDIT_RETENTION_DAYS", "730"))

# Staff MFA (oms/security/mfa.py): TOTP with recovery codes. Required for superusers and these
# roles; every session needs it for the admin (API tokens) and personal-data exports.
OMS_MFA_ENFORCED = env_bool("OMS_MFA_ENFORCED", True)
OMS_MFA_REQUIRED_ROLES = env_list("OMS_MFA_REQUIRED_ROLES", "oms_admin")
# Development only: the verify page shows the demo users' current code (seed_demo's devices).
OMS_MFA_DEMO_HINTS = env_bool("OMS_MFA_DEMO_HINTS", DEBUG)
OTP_TOTP_ISSUER = os.environ.get("OMS_MFA_ISSUER", "OMS")

# Prometheus metrics at /metrics (oms/security/metrics.py): an admin's session or this token
# (`Authorization: Bearer <token>`); several gunicorn workers: set PROMETHEUS_MULTIPROC_DIR too.
OMS_METRICS_TOKEN = os.environ.get("OMS_METRICS_TOKEN", "")
