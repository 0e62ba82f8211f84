from django.apps import AppConfig

#: Adapter modules registered at start-up (each calls oms.core.adapters.register_adapter).
ADAPTER_MODULES = (
    "oms.integrations.shopify.adapter",
    "oms.integrations.woocommerce.adapter",
    "oms.integrations.amazon.orders_v0",
    "oms.integrations.bigcommerce.adapter",
    "oms.integrations.generic.adapter",
    "oms.integrations.csvimport.adapter",
)


class ConnectionsConfig(AppConfig):
    name = "oms.integrations.connections"
    label = "connections"
    verbose_name = "Channel connections"

    def ready(self) -> None:
        from importlib import import_module

        for module in ADAPTER_MODULES:
            import_module(module)
