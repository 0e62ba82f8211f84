"""Security by default: every page and endpoint refuses anonymous visitors, however it is added."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = {"login/", "logout/", "healthz", "readyz", "admin/login/", "admin/logout/"}
#: Placeholder values for URL parameters; the check happens before any lookup.
SAMPLE = {
    "int": "1",
    "str": "X-1",
    "slug": "x-1",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def concrete_paths(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from concrete_paths(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def fill(route: str) -> str | None:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\.", ".")
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    if re.search(r"[\\()\[\]?*+^$|]", route):
        return None  # a regex route (admin catch-alls, format suffixes); covered by its neighbours
    return "/" + route


def test_anonymous_visitors_get_a_login_redirect_or_401_everywhere(client):
    checked = 0
    for route in concrete_paths(get_resolver().url_patterns):
        path = fill(route)
        if path is None or route in PUBLIC or path.startswith("/static/"):
            continue
        response = client.get(path)
        assert response.status_code in (301, 302, 401, 403, 404, 405), (path, response.status_code)
        if response.status_code in (301, 302):
            assert "login" in response["Location"], (path, response["Location"])
        if response.status_code == 404 and path.startswith("/api/"):
            pytest.fail(f"{path}: an anonymous API call must be refused before any lookup")
        checked += 1
    assert checked > 60


def test_a_signed_in_user_without_a_role_gets_nothing(client, no_role_user):
    client.force_login(no_role_user)
    checked = 0
    for route in concrete_paths(get_resolver().url_patterns):
        path = fill(route)
        if path is None or route in PUBLIC or path.startswith("/static/"):
            continue
        response = client.get(path)
        assert response.status_code != 200, path
        checked += 1
    assert checked > 60
