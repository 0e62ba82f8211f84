from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
# Webhooks: other apps' tests see no dispatch after their commits (the webhook tests connect it);
# the local receivers of the tests listen on http://127.0.0.1.
OMS_WEBHOOKS_DISPATCH_ON_COMMIT = False
OMS_WEBHOOK_ALLOW_HTTP_LOOPBACK = True
