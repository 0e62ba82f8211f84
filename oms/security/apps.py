from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "oms.security"
    label = "security"
    verbose_name = "Security"

    def ready(self):
        # Registers the deploy checks, the sign-in log and the Celery task failure counter.
        from . import checks, signals, task_metrics  # noqa: F401
