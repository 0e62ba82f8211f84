"""The work queue and the printable pick list / packing slip."""

import pytest
from django.urls import reverse

from fulfillment import services
from fulfillment.models import FulfillmentOrder

from .factories import ACTOR, accept, make_order, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(east, west, sku_a, sku_b):
    receive(sku_a, east, 10)
    receive(sku_b, west, 10)
    mine = FulfillmentOrder.objects.get(order=accept(make_order([(sku_a, 2)])))
    theirs = FulfillmentOrder.objects.get(order=accept(make_order([(sku_b, 1)])))
    return mine, theirs


@pytest.fixture
def picker_client(client, warehouse_user, east):
    east.staff.add(warehouse_user)
    client.force_login(warehouse_user)
    return client


def test_queue_lists_my_locations_work_by_state(picker_client, work):
    mine, theirs = work
    services.fulfillment_start_picking(fo=mine, actor=ACTOR)
    page = picker_client.get(reverse("fulfillment:queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert mine.number in html
    assert theirs.number not in html
    assert "Picking" in html
    assert reverse("fulfillment:work", args=[mine.pk]) in html
    assert 'data-key="w"' in html  # the nav entry is live


def test_admin_queue_filters_by_location(client, admin_user, work):
    mine, theirs = work
    client.force_login(admin_user)
    html = client.get(reverse("fulfillment:queue"), {"location": "wh-west"}).content.decode()
    assert theirs.number in html
    assert mine.number not in html


def test_pick_list_and_packing_slip_render_for_print(picker_client, work, sku_a):
    mine, _ = work
    pick = picker_client.get(reverse("fulfillment:pick-list", args=[mine.pk]))
    assert pick.status_code == 200
    html = pick.content.decode()
    assert sku_a.code in html and mine.order.number in html
    assert "data-print" in html and "noprint" in html  # printed by static/js/desk.js: no inline script
    slip = picker_client.get(reverse("fulfillment:packing-slip", args=[mine.pk]))
    assert slip.status_code == 200
    assert "1 Main St" in slip.content.decode()


def test_other_locations_pages_are_not_found(picker_client, work):
    _, theirs = work
    assert picker_client.get(reverse("fulfillment:pick-list", args=[theirs.pk])).status_code == 404
    assert picker_client.get(reverse("fulfillment:packing-slip", args=[theirs.pk])).status_code == 404


def test_customer_service_has_no_queue(client, cs_user, work):
    client.force_login(cs_user)
    assert client.get(reverse("fulfillment:queue")).status_code == 403


def test_anonymous_is_sent_to_login(client, work):
    response = client.get(reverse("fulfillment:queue"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
