"""The stock lookup page as staff use it: search, scan, see levels and movements."""

import pytest

from .factories import SkuFactory, receive, reserve

pytestmark = pytest.mark.django_db

URL = "/inventory/stock/"


@pytest.fixture
def stocked(sku, location, other_location):
    receive(sku, location, 10, reference="PO-42")
    reserve(sku, location, 4)
    receive(sku, other_location, 3)
    SkuFactory(code="TEE-BLK-L", name="T-shirt black L")
    return sku


@pytest.mark.parametrize("who", ["admin_user", "cs_user", "warehouse_user"])
def test_every_staff_role_opens_the_lookup(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-search" in html and 'hx-get="/inventory/stock/"' in html


def test_lookup_needs_a_staff_role(client, no_role_user):
    assert client.get(URL).status_code == 302
    client.force_login(no_role_user)
    assert client.get(URL).status_code == 403


def test_searching_by_prefix_or_name_lists_matches(client, cs_user, stocked):
    client.force_login(cs_user)
    html = client.get(URL, {"q": "tee-blk"}).content.decode()
    assert "TEE-BLK-M" in html and "TEE-BLK-L" in html
    html = client.get(URL, {"q": "black l"}).content.decode()
    assert "TEE-BLK-L" in html and "TEE-BLK-M" not in html
    assert "No SKU matches" in client.get(URL, {"q": "zebra"}).content.decode()


def test_htmx_gets_only_the_results_partial(client, cs_user, stocked):
    client.force_login(cs_user)
    response = client.get(URL, {"q": "TEE-BLK-M"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "TEE-BLK-M" in html


@pytest.mark.parametrize("scanned", ["TEE-BLK-M", "tee-blk-m", "4000000000017"])
def test_an_exact_code_or_barcode_jumps_to_the_sku(client, warehouse_user, stocked, scanned):
    client.force_login(warehouse_user)
    response = client.get(URL, {"q": scanned})
    assert response.status_code == 302
    assert response["Location"] == "/inventory/stock/TEE-BLK-M/"


def test_sku_page_shows_levels_per_location_and_latest_movements(
    client, cs_user, stocked, django_assert_max_num_queries
):
    client.force_login(cs_user)
    with django_assert_max_num_queries(8):
        response = client.get("/inventory/stock/TEE-BLK-M/")
    assert response.status_code == 200
    levels = {
        lvl.location.code: (lvl.on_hand, lvl.reserved, lvl.available_units)
        for lvl in response.context["levels"]
    }
    assert levels == {"wh-east": (10, 4, 6), "wh-west": (3, 0, 3)}
    assert response.context["totals"] == {"on_hand": 13, "reserved": 4, "available": 9}
    html = response.content.decode()
    assert "PO-42" in html and "Reservation" in html
    assert len(response.context["movements"]) == 3


def test_sku_page_shows_at_most_20_movements(client, cs_user, sku, location):
    for _ in range(25):
        receive(sku, location, 1)
    client.force_login(cs_user)
    assert len(client.get("/inventory/stock/TEE-BLK-M/").context["movements"]) == 20


def test_unknown_sku_page_is_404(client, cs_user):
    client.force_login(cs_user)
    assert client.get("/inventory/stock/NOPE/").status_code == 404
