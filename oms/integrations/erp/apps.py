from django.apps import AppConfig


class ErpConfig(AppConfig):
    name = "oms.integrations.erp"
    label = "erp"
    verbose_name = "ERP sync"
