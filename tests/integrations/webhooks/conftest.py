import pytest

from oms.core.actor import Actor
from oms.integrations.webhooks import receivers, services, subscriptions

from .receiver import Receiver

ADMIN = Actor.system("webhook-tests")


@pytest.fixture
def receiver():
    hook = Receiver()
    yield hook
    hook.close()


@pytest.fixture
def failing_twice():
    hook = Receiver(fail_first=2)
    yield hook
    hook.close()


@pytest.fixture
def dispatch_on_commit(settings):
    """Dispatch right after every outbox commit, as in production (off in the test settings)."""
    settings.OMS_WEBHOOKS_DISPATCH_ON_COMMIT = True
    subscriptions.forget()  # an earlier test's endpoints were rolled back without a signal
    receivers.connect()
    yield
    receivers.disconnect()
    subscriptions.forget()


@pytest.fixture
def fast_retries(settings):
    settings.OMS_WEBHOOK_RETRY_BASE_SECONDS = 0.05
    settings.OMS_WEBHOOK_RETRY_FACTOR = 2
    settings.OMS_WEBHOOK_RETRY_CAP_SECONDS = 0.2


def subscribe(url: str, events=("*",), **fields):
    return services.endpoint_create(url=url, events=list(events), actor=ADMIN, **fields)
