"""Transfers between locations: the units leave at dispatch and appear only where someone who
works at the destination received them."""

import pytest
from django.contrib.auth.models import Group
from django_fsm import has_transition_perm

from inventory import services
from inventory.errors import InsufficientStock, InventoryError, InventoryErrorCode
from inventory.models import StockLevel, StockMovement, Transfer
from inventory.signals import stock_received
from oms.core.actor import Actor
from oms.core.errors import DomainError, ForbiddenError
from oms.core.roles import WAREHOUSE
from tests.concurrency import run_together
from tests.conftest import client_for, make_user

from .factories import ACTOR, LocationFactory, SkuFactory, receive, reserve
from .invariants import assert_stock_invariants

pytestmark = pytest.mark.django_db
Kind = StockMovement.Kind


def on_hand(sku, location) -> int:
    level = StockLevel.objects.filter(sku=sku, location=location).first()
    return level.on_hand if level else 0


@pytest.fixture
def east_staff(location):
    user = make_user("east-picker", WAREHOUSE)
    location.staff.add(user)
    return user


@pytest.fixture
def west_staff(other_location):
    user = make_user("west-picker", WAREHOUSE)
    other_location.staff.add(user)
    return user


def send(sku, source, target, quantity=4, actor=ACTOR) -> Transfer:
    return services.transfer_dispatch(
        sku=sku, from_location=source, to_location=target, quantity=quantity, actor=actor
    )


def test_a_transfer_by_the_source_staff_does_not_appear_at_the_destination(
    sku, location, other_location, east_staff
):
    """Today's fault: the units appeared at once at a location where nobody received them."""
    receive(sku, location, 10)
    response = client_for(east_staff).post(
        "/api/v1/stock/transfers/",
        {"sku": sku.code, "from_location": "wh-east", "to_location": "wh-west", "quantity": 4},
    )
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "in_transit"
    assert (on_hand(sku, location), on_hand(sku, other_location)) == (6, 0)
    assert [m["kind"] for m in response.json()["movements"]] == ["transfer_out"]
    assert_stock_invariants()


def test_the_destination_staff_receive_it_and_then_it_is_there(
    sku, location, other_location, east_staff, west_staff
):
    receive(sku, location, 10)
    number = (
        client_for(east_staff)
        .post(
            "/api/v1/stock/transfers/",
            {"sku": sku.code, "from_location": "wh-east", "to_location": "wh-west", "quantity": 4},
        )
        .json()["number"]
    )
    signals = []

    def heard(sender, **kwargs):
        signals.append(kwargs)

    stock_received.connect(heard)
    try:
        received = client_for(west_staff).post(f"/api/v1/stock/transfers/{number}/receive/", {})
    finally:
        stock_received.disconnect(heard)
    assert received.status_code == 200, received.content
    body = received.json()
    assert (body["state"], body["quantity_received"], body["received_by_label"]) == (
        "received",
        4,
        "west-picker",
    )
    assert [m["kind"] for m in body["movements"]] == ["transfer_out", "transfer_in"]
    assert (on_hand(sku, location), on_hand(sku, other_location)) == (6, 4)
    assert signals == [{"sku_ids": [sku.pk], "location_id": other_location.pk, "signal": stock_received}]
    assert_stock_invariants()


def test_nobody_but_the_destination_staff_receives_it(sku, location, other_location, east_staff):
    receive(sku, location, 10)
    transfer = send(sku, location, other_location)
    refused = client_for(east_staff).post(f"/api/v1/stock/transfers/{transfer.number}/receive/", {})
    assert refused.status_code == 403
    assert refused.json()["code"] == "location_not_allowed"
    with pytest.raises(ForbiddenError):  # the service refuses whoever calls it
        services.transfer_receive(transfer=transfer, actor=Actor.for_user(east_staff))
    assert not has_transition_perm(transfer.receive, Actor("channel", 1, "web", frozenset({"channel"})))
    assert on_hand(sku, other_location) == 0
    assert Transfer.objects.get().state == "in_transit"


def test_warehouse_staff_send_only_from_where_they_work(sku, location, other_location, west_staff):
    receive(sku, location, 10)
    with pytest.raises(ForbiddenError) as error:
        send(sku, location, other_location, actor=Actor.for_user(west_staff))
    assert error.value.code == "location_not_allowed"
    assert not Transfer.objects.exists() and on_hand(sku, location) == 10


def test_a_short_receipt_says_what_happened_to_the_rest(sku, location, other_location, west_staff):
    receive(sku, location, 10)
    transfer = send(sku, location, other_location, quantity=5)
    actor = Actor.for_user(west_staff)
    with pytest.raises(InventoryError) as error:
        services.transfer_receive(transfer=transfer, actor=actor, quantity=3)
    assert error.value.code == InventoryErrorCode.REASON_REQUIRED
    with pytest.raises(InventoryError):
        services.transfer_receive(transfer=transfer, actor=actor, quantity=6, note="more?")
    done = services.transfer_receive(transfer=transfer, actor=actor, quantity=3, note="2 crushed in the van")
    assert (done.quantity_received, done.quantity_missing, done.receipt_note) == (
        3,
        2,
        "2 crushed in the van",
    )
    assert (on_hand(sku, location), on_hand(sku, other_location)) == (5, 3)
    assert_stock_invariants()


def test_a_transfer_is_received_once(sku, location, other_location):
    receive(sku, location, 10)
    transfer = send(sku, location, other_location)
    services.transfer_receive(transfer=transfer, actor=ACTOR)
    with pytest.raises(DomainError) as error:
        services.transfer_receive(transfer=transfer, actor=ACTOR)
    assert (error.value.status, error.value.code) == (409, "invalid_transition")
    assert on_hand(sku, other_location) == 4


def test_cancelling_in_transit_puts_the_units_back_at_the_source(
    sku, location, other_location, east_staff, west_staff
):
    receive(sku, location, 10)
    transfer = send(sku, location, other_location)
    with pytest.raises(ForbiddenError):
        services.transfer_cancel(transfer=transfer, actor=Actor.for_user(west_staff), reason="not needed")
    with pytest.raises(InventoryError):
        services.transfer_cancel(transfer=transfer, actor=Actor.for_user(east_staff), reason=" ")
    cancelled = services.transfer_cancel(
        transfer=transfer, actor=Actor.for_user(east_staff), reason="truck full"
    )
    assert (cancelled.state, cancelled.cancel_reason) == ("cancelled", "truck full")
    assert (on_hand(sku, location), on_hand(sku, other_location)) == (10, 0)
    with pytest.raises(DomainError):
        services.transfer_receive(transfer=transfer, actor=ACTOR)
    assert_stock_invariants()


def test_reserved_units_and_the_same_location_are_refused(sku, location, other_location):
    receive(sku, location, 10)
    reserve(sku, location, 7)
    with pytest.raises(InsufficientStock) as error:
        send(sku, location, other_location, quantity=4)
    assert error.value.shortages[0]["available"] == 3
    with pytest.raises(InventoryError) as same:
        send(sku, location, location, quantity=1)
    assert same.value.code == InventoryErrorCode.SAME_LOCATION
    assert not Transfer.objects.exists()
    assert not StockMovement.objects.filter(kind__startswith="transfer").exists()


def test_warehouse_staff_list_the_transfers_of_their_locations(
    sku, location, other_location, east_staff, api
):
    third = LocationFactory(code="store-x")
    receive(sku, location, 10)
    receive(sku, third, 10)
    mine = send(sku, location, other_location, quantity=1)
    send(sku, third, other_location, quantity=1)
    listed = client_for(east_staff).get("/api/v1/stock/transfers/?state=in_transit").json()["results"]
    assert [row["number"] for row in listed] == [mine.number]
    assert len(api.get("/api/v1/stock/transfers/").json()["results"]) == 2
    assert client_for(east_staff).get(f"/api/v1/stock/transfers/{mine.number.lower()}/").status_code == 200


def test_the_transfer_list_reads_in_a_fixed_number_of_queries(
    sku, location, other_location, api, django_assert_max_num_queries
):
    receive(sku, location, 50)
    for _ in range(5):
        services.transfer_receive(transfer=send(sku, location, other_location, quantity=1), actor=ACTOR)
    with django_assert_max_num_queries(6):
        rows = api.get("/api/v1/stock/transfers/").json()["results"]
    assert len(rows) == 5 and all(len(row["movements"]) == 2 for row in rows)


def test_the_admin_dispatches_and_receives_through_the_services(
    admin_client, admin_user, sku, location, other_location
):
    receive(sku, location, 10)
    added = admin_client.post(
        "/admin/inventory/transfer/add/",
        {"sku": sku.pk, "from_location": location.pk, "to_location": other_location.pk, "quantity": 3},
    )
    assert added.status_code == 302, added.content
    transfer = Transfer.objects.get()
    assert (transfer.state, on_hand(sku, location), on_hand(sku, other_location)) == ("in_transit", 7, 0)
    too_many = admin_client.post(
        "/admin/inventory/transfer/add/",
        {"sku": sku.pk, "from_location": location.pk, "to_location": other_location.pk, "quantity": 30},
    )
    assert too_many.status_code == 200 and b"Not enough available stock" in too_many.content
    admin_client.post(
        "/admin/inventory/transfer/",
        {"action": "receive_in_full", "_selected_action": [transfer.pk]},
    )
    assert (Transfer.objects.get().state, on_hand(sku, other_location)) == ("received", 3)
    assert Transfer.objects.count() == 1
    assert_stock_invariants()


@pytest.fixture
def admin_client(client, admin_user):
    admin_user.groups.add(Group.objects.get(name="oms_admin"))
    client.force_login(admin_user)
    return client


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_receipts_receive_a_transfer_once():
    source, target = LocationFactory(code="wh-a"), LocationFactory(code="wh-b")
    sku = SkuFactory(code="RACE-TR")
    receive(sku, source, 10)
    transfer = send(sku, source, target, quantity=6)

    def take(index):
        return services.transfer_receive(transfer=transfer, actor=ACTOR).state

    results = run_together(take, 6)
    assert results.count("received") == 1, results
    assert all(isinstance(r, DomainError) and r.status == 409 for r in results if r != "received")
    assert on_hand(sku, target) == 6
    assert StockMovement.objects.filter(kind=Kind.TRANSFER_IN).count() == 1
    assert_stock_invariants()


def test_the_destination_staff_receive_on_the_transfers_page(
    client, sku, location, other_location, east_staff, west_staff, django_assert_max_num_queries
):
    receive(sku, location, 10)
    transfer = send(sku, location, other_location, quantity=3)
    client.force_login(east_staff)
    page = client.get("/inventory/transfers/").content.decode()
    assert transfer.number in page and "Cancel" in page and ">Receive<" not in page
    client.force_login(west_staff)
    with django_assert_max_num_queries(12):
        page = client.get("/inventory/transfers/").content.decode()
    assert ">Receive<" in page
    refused = client.post(f"/inventory/transfers/{transfer.number}/receive/", {"quantity": "2"}, follow=True)
    assert "did not arrive: say what happened" in refused.content.decode()
    client.post(f"/inventory/transfers/{transfer.number}/receive/", {"quantity": "2", "note": "1 broken"})
    assert (Transfer.objects.get().state, on_hand(sku, other_location)) == ("received", 2)
    assert_stock_invariants()
