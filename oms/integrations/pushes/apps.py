from django.apps import AppConfig
from django.conf import settings


class PushesConfig(AppConfig):
    """Shipments and cancellations pushed back to the sales channel that sold the order."""

    name = "oms.integrations.pushes"
    label = "pushes"
    verbose_name = "Channel pushes"

    def ready(self) -> None:
        from oms.core.outbox import register_outbox_reader

        from .selectors import oldest_outbox_id_needed

        register_outbox_reader(oldest_outbox_id_needed)
        if settings.OMS_CHANNEL_PUSHES_ON_COMMIT:
            from . import receivers

            receivers.connect()
