"""The home page's panels: figures from later apps, shown above each role's tiles.

The kernel cannot import the apps whose figures a home shows, so an app registers a panel
(a template and a function that returns its context) from its AppConfig.ready(); the home
shows every panel whose roles the user has, once, in the order they were registered.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .roles import user_roles


@dataclass(frozen=True)
class HomePanel:
    name: str
    roles: frozenset[str]
    template: str
    context: Callable[[object], dict]


_panels: dict[str, HomePanel] = {}


def register_home_panel(name: str, *, roles, template: str, context: Callable[[object], dict]) -> None:
    _panels[name] = HomePanel(name, frozenset(roles), template, context)


def home_panels(request) -> list[dict]:
    roles = user_roles(request.user)
    return [
        {"name": panel.name, "template": panel.template, **panel.context(request)}
        for panel in _panels.values()
        if roles & panel.roles
    ]
