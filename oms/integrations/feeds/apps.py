from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "oms.integrations.feeds"
    label = "feeds"
    verbose_name = "Inventory feeds"

    def ready(self):
        from . import adapters  # noqa: F401 - registers the generic HTTP JSON adapter
