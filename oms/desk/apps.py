from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The customer-service desk: pages that show and act on an order whole, across orders,
    fulfillment and returns (it sits on top of them, beside oms.urls and oms.integrations)."""

    name = "oms.desk"
    label = "desk"
    verbose_name = "Customer-service desk"

    def ready(self):
        from . import home, jobs

        jobs.register()
        home.register()
