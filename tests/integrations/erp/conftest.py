import pytest

from tests.integrations.fake_http import FakeServer


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


@pytest.fixture
def fake_server_pg():
    """The same fake ERP, for transactional tests (no `db` fixture ordering to care about)."""
    with FakeServer() as server:
        yield server
