"""Channel connections in the admin: credentials encrypted at rest, never shown back, kept when
left empty; mappings validated; written through the connection service."""

import pytest
from django.db import connection as db

from oms.integrations.connections.models import ChannelConnection
from tests.orders.factories import ChannelFactory

pytestmark = pytest.mark.django_db
ADD = "/admin/connections/channelconnection/add/"


def form(channel, **fields) -> dict:
    return {
        "channel": channel.pk,
        "api_base_url": "https://shop.example/wp-json/wc/v3",
        "account": "",
        "api_key": "ck_live",
        "api_secret": "",
        "access_token": "",
        "refresh_token": "",
        "webhook_secret": "",
        "previous_webhook_secret": "",
        "location_map": "{}",
        "own_fulfillment_services": '["manual"]',
        "field_mapping": "{}",
        "pull_every_minutes": "15",
        "pull_cursor": "",
        **fields,
    }


@pytest.fixture
def woo(db):
    return ChannelFactory(code="woo-us", adapter_kind="woocommerce")


def test_secrets_are_encrypted_at_rest_and_never_shown_back(client, admin_user, woo):
    client.force_login(admin_user)
    response = client.post(ADD, form(woo, api_secret="cs_live_secret", webhook_secret="whsec-for-woo-1"))
    assert response.status_code == 302, response.content
    saved = ChannelConnection.objects.get(channel=woo)
    assert (saved.api_secret, saved.webhook_secret) == ("cs_live_secret", "whsec-for-woo-1")
    with db.cursor() as cursor:
        cursor.execute("SELECT api_secret, webhook_secret FROM connections_channelconnection")
        stored = cursor.fetchone()
    assert "cs_live_secret" not in stored[0] and "whsec-for-woo-1" not in stored[1]
    page = client.get(f"/admin/connections/channelconnection/{saved.pk}/change/").content.decode()
    assert "cs_live_secret" not in page and "whsec-for-woo-1" not in page


def test_a_secret_left_empty_keeps_the_stored_one(client, admin_user, woo):
    client.force_login(admin_user)
    client.post(ADD, form(woo, webhook_secret="whsec-for-woo-1"))
    saved = ChannelConnection.objects.get(channel=woo)
    response = client.post(
        f"/admin/connections/channelconnection/{saved.pk}/change/", form(woo, account="shop-2")
    )
    assert response.status_code == 302, response.content
    saved.refresh_from_db()
    assert (saved.account, saved.webhook_secret) == ("shop-2", "whsec-for-woo-1")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"location_map": '{"48123": 7}'}, "Every value is a code"),
        ({"own_fulfillment_services": '{"manual": 1}'}, "A list of names"),
        ({"pull_enabled": "on", "api_base_url": ""}, "Pulls need the channel"),
        ({"webhook_secret": "short"}, "At least 8 characters"),
        ({"pull_every_minutes": "0"}, "Between 1 and 1440"),
    ],
)
def test_bad_settings_are_refused_by_field(client, admin_user, woo, fields, error):
    client.force_login(admin_user)
    response = client.post(ADD, form(woo, **fields))
    assert response.status_code == 200 and error in response.content.decode()
    assert not ChannelConnection.objects.exists()


def test_only_admins_reach_connections(client, cs_user):
    client.force_login(cs_user)
    assert client.get(ADD).status_code in (302, 403)
