from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    name = "fulfillment"

    def ready(self):
        from . import receivers, scanners  # noqa: F401

        scanners.register()
