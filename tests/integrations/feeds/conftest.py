import pytest

from tests.integrations.fake_http import FakeServer


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server
