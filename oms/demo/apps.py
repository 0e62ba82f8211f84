from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run`; it sits at the top, so it may use every app."""

    name = "oms.demo"
    label = "demo"
