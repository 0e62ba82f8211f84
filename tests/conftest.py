import os
import shutil

import factory
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, WAREHOUSE

CHROMIUM = "/usr/bin/chromium"


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    has_browser = os.path.exists(CHROMIUM) and shutil.which("chromium")
    if not has_browser and os.environ.get("OMS_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"OMS_REQUIRE_BROWSER is set but {CHROMIUM} is missing")
    skip_browser = pytest.mark.skip(reason=f"needs {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres():
            item.add_marker(skip_pg)
        if "browser" in item.keywords and not has_browser:
            item.add_marker(skip_browser)


def restore_roles() -> None:
    """Re-run every app's `*_roles` and `*_reference_data` data migration: a transactional
    test's flush empties the role groups and reference rows (the carrier registry) those
    migrations made (content types and permissions come back by themselves through post_migrate)."""
    from django.apps import apps as live_apps
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (_app_label, name), migration in sorted(loader.disk_migrations.items()):
        if name.endswith(("_roles", "_reference_data")):
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    operation.code(live_apps, None)


@pytest.fixture(autouse=True)
def _roles_survive_flushes(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames
    if transactional:
        request.getfixturevalue("transactional_db")
        if Group.objects.filter(name__in=[CUSTOMER_SERVICE, WAREHOUSE, OMS_ADMIN]).count() < 3:
            restore_roles()


@pytest.fixture
def failing_adapter():
    """A channel adapter (kind "test-fail") whose refunds always fail; yields its calls."""
    from oms.core.adapters import AdapterError, register_adapter, unregister_adapter

    calls = []

    @register_adapter("test-fail")
    class FailingAdapter:
        def __init__(self, channel):
            self.channel = channel

        def request_refund(self, refund_payload):
            calls.append(refund_payload)
            raise AdapterError("card processor timed out")

    yield calls
    unregister_adapter("test-fail")


@pytest.fixture
def worker_like_retries():
    """Eager tasks retry in process; let a retry's failure be recorded as a worker would."""
    from returns.tasks import request_refund

    conf = request_refund.app.conf
    before = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = before


class TokenFactory(factory.django.DjangoModelFactory):
    """A person's API token (admins issue them in the admin): one per user."""

    class Meta:
        model = Token
        django_get_or_create = ("user",)


def api_token(user) -> str:
    return TokenFactory(user=user).key


def make_user(username: str, role: str | None, **extra) -> User:
    user = User.objects.create_user(username=username, password="pass-1234-word", **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def admin_user(db):
    return make_user("ada", OMS_ADMIN, is_staff=True)


@pytest.fixture
def cs_user(db):
    return make_user("carla", CUSTOMER_SERVICE)


@pytest.fixture
def warehouse_user(db):
    return make_user("wes", WAREHOUSE)


@pytest.fixture
def no_role_user(db):
    return make_user("nobody", None)


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


@pytest.fixture
def api(admin_user):
    """An API client authenticated as an admin."""
    return client_for(admin_user)


@pytest.fixture
def anon_api():
    return APIClient()


def _only_test_transactions(connection) -> bool:
    """Inside the test case's own wrapping transaction(s) and nothing else: where production
    code would be outside any transaction (autocommit)."""
    return connection.in_atomic_block and all(block._from_testcase for block in connection.atomic_blocks)


@pytest.fixture(autouse=True)
def _commits_like_production(request, monkeypatch):
    """A test case runs inside a transaction that is rolled back at its end, so Django never
    runs `transaction.on_commit` callbacks there. Production code leans on them (sourcing after
    intake commits, Celery work), so emulate commits: an atomic block that would be outermost in
    production runs its callbacks when it exits cleanly, and `on_commit` outside any such block
    runs at once, as under autocommit. `@pytest.mark.defer_on_commit` keeps Django's behaviour
    (for tests that capture the callbacks themselves)."""
    if "defer_on_commit" in request.keywords:
        return
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.transaction import Atomic, get_connection

    original_exit, original_on_commit = Atomic.__exit__, BaseDatabaseWrapper.on_commit

    def exit_and_commit(self, exc_type, exc_value, traceback):
        connection = get_connection(self.using)
        outermost = not self._from_testcase and all(
            block._from_testcase for block in connection.atomic_blocks[:-1]
        )
        result = original_exit(self, exc_type, exc_value, traceback)
        if outermost and exc_type is None and _only_test_transactions(connection):
            callbacks, connection.run_on_commit = connection.run_on_commit, []
            for _savepoints, callback, robust in callbacks:
                original_on_commit_now(callback, robust)
        return result

    def original_on_commit_now(callback, robust):
        if robust:
            try:
                callback()
            except Exception:  # as Django does for robust callbacks: logged, not raised
                import logging

                logging.getLogger("django.db.backends.base").exception("on_commit callback failed")
        else:
            callback()

    def on_commit(self, func, robust=False):
        if _only_test_transactions(self):
            original_on_commit_now(func, robust)
        else:
            original_on_commit(self, func, robust)

    monkeypatch.setattr(Atomic, "__exit__", exit_and_commit)
    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit)
