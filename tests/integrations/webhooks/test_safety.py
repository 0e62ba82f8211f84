"""Where webhooks may go, and how an attempt treats redirects and slow receivers."""

import pytest

from oms.integrations.webhooks.errors import WebhookError
from oms.integrations.webhooks.models import WebhookDelivery
from oms.integrations.webhooks.urlsafety import UnsafeUrl, check_url

from .conftest import subscribe
from .helpers import an_order, note, run_until_settled
from .receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hook",  # http outside loopback
        "https://10.0.0.5/hook",  # private
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data",  # link-local: cloud metadata
        "https://[fe80::1]/hook",
        "https://user:pw@example.com/hook",
        "ftp://example.com/hook",
    ],
)
def test_unsafe_urls_are_refused_when_an_endpoint_is_saved(url):
    with pytest.raises(WebhookError) as refused:
        subscribe(url)
    assert refused.value.details["field"] == "url"


def test_private_addresses_need_the_setting(settings):
    with pytest.raises(UnsafeUrl):
        check_url("https://10.1.2.3/hook", resolve=True)
    settings.OMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    check_url("https://10.1.2.3/hook", resolve=True)
    with pytest.raises(UnsafeUrl):  # link-local stays refused
        check_url("https://169.254.169.254/", resolve=True)


def test_http_to_loopback_only_in_debug_or_tests(settings):
    settings.OMS_WEBHOOK_ALLOW_HTTP_LOOPBACK = False
    settings.DEBUG = False
    with pytest.raises(UnsafeUrl):
        check_url("http://127.0.0.1:9000/hook", resolve=True)
    settings.DEBUG = True
    check_url("http://127.0.0.1:9000/hook", resolve=True)


def test_a_name_resolving_to_a_private_address_is_refused_before_sending(settings):
    settings.OMS_WEBHOOK_ALLOW_HTTP_LOOPBACK = False
    with pytest.raises(UnsafeUrl):
        check_url("https://localhost/hook", resolve=True)


def test_a_redirect_is_not_followed_and_counts_as_a_failure(settings):
    settings.OMS_WEBHOOK_MAX_ATTEMPTS = 1
    hook = Receiver(status=302)
    try:
        subscribe(hook.url)
        note(an_order())
        run_until_settled()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == WebhookDelivery.Status.DEAD
        assert delivery.last_status_code == 302 and "not followed" in delivery.last_error
        assert len(hook.received) == 1
    finally:
        hook.close()


def test_a_slow_receiver_hits_the_read_timeout(settings):
    settings.OMS_WEBHOOK_READ_TIMEOUT = 0.3
    settings.OMS_WEBHOOK_MAX_ATTEMPTS = 1
    hook = Receiver(delay=1.5)
    try:
        subscribe(hook.url)
        note(an_order())
        run_until_settled()
        attempt = WebhookDelivery.objects.get().attempt_log.get()
        assert attempt.status_code is None and "Timed out" in attempt.error
        assert attempt.duration_ms < 1400
    finally:
        hook.close()
