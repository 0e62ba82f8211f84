from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "oms.integrations.inbox"
    label = "inbox"
    verbose_name = "Channel inbox"
