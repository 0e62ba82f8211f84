from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "oms.security"
    label = "security"
    verbose_name = "Security"

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers the deploy checks, the sign-in log)
