from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
# Webhooks: other apps' tests see no dispatch after their commits (the webhook tests connect it);
# the local receivers of the tests listen on http://127.0.0.1.
OMS_WEBHOOKS_DISPATCH_ON_COMMIT = False
OMS_WEBHOOK_ALLOW_HTTP_LOOPBACK = True
# The suite makes many requests from one address within a minute: throttle tests set their own rates.
OMS_API_THROTTLE_RATES = {"token": None, "channel": None, "anon": None, "channel_webhook": None}
# Tests sign in with force_login: MFA tests (tests/security/test_mfa.py) turn enforcement on.
OMS_MFA_ENFORCED = False
# Channel pushes: other apps' tests collect nothing after their commits (the push tests connect
# it); a failed attempt is retried at once in process, as a worker would after its countdown.
OMS_CHANNEL_PUSHES_ON_COMMIT = False
OMS_CHANNEL_PUSH_RETRY_IN_PROCESS = True
