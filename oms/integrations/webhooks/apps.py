from django.apps import AppConfig
from django.conf import settings


class WebhooksConfig(AppConfig):
    name = "oms.integrations.webhooks"
    label = "webhooks"
    verbose_name = "Outbound webhooks"

    def ready(self):
        if settings.OMS_WEBHOOKS_DISPATCH_ON_COMMIT:
            from . import receivers

            receivers.connect()
