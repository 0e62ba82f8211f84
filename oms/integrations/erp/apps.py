from django.apps import AppConfig


class ErpConfig(AppConfig):
    name = "oms.integrations.erp"
    label = "erp"
    verbose_name = "ERP sync"

    def ready(self) -> None:
        from oms.core.outbox import register_outbox_reader

        from .selectors import oldest_outbox_id_needed

        register_outbox_reader(oldest_outbox_id_needed)
