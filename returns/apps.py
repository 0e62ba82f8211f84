from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = "Returns"

    def ready(self):
        from . import receivers, scanners  # noqa: F401 - receivers connect on import

        scanners.register()
