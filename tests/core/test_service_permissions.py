"""Transition permissions are checked by the services themselves, so a task, an admin action or
a staff page cannot do what the actor's role may not. django-fsm-2 does not enforce a
transition's `permission` on call; the services do (oms.core.authz), and `has_transition_perm`
answers the same question for anyone asking."""

import pytest
from django.contrib.auth.models import Permission
from django_fsm import has_transition_perm

from inventory.services import StockLine, stock_receive
from oms.core.actor import Actor
from oms.core.errors import ForbiddenError
from oms.core.roles import CUSTOMER_SERVICE, WAREHOUSE
from orders import services as orders
from returns import services as returns
from returns.models import Refund
from tests.conftest import make_user
from tests.fulfillment.factories import ChannelFactory, LocationFactory, SkuFactory
from tests.returns.factories import authorized, receive_return, request, shipped_order

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("task")


@pytest.fixture
def east(db):
    return LocationFactory(code="wh-east")


@pytest.fixture
def picker(east):
    user = make_user("wes", WAREHOUSE)
    east.staff.add(user)
    return Actor.for_user(user)


@pytest.fixture
def agent(db):
    return Actor.for_user(make_user("carla", CUSTOMER_SERVICE))


@pytest.fixture
def order(east):
    return shipped_order(east, [{"sku": SkuFactory(code="PERM-1"), "quantity": 2}])


@pytest.fixture
def open_order(east):
    from tests.returns.factories import make_order

    return make_order([{"sku": SkuFactory(code="PERM-2"), "quantity": 1}])


def test_warehouse_staff_cannot_cancel_an_order_through_the_service(open_order, picker, agent):
    assert not has_transition_perm(open_order.cancel, picker)
    assert has_transition_perm(open_order.cancel, agent)
    with pytest.raises(ForbiddenError) as error:
        orders.order_cancel(order=open_order, reason="wrong box", actor=picker)
    assert "wes may not cancel an order" in error.value.message
    with pytest.raises(ForbiddenError):
        orders.order_cancel_lines(
            order=open_order, quantities={open_order.lines.get().pk: 1}, reason="x", actor=picker
        )
    assert type(open_order).objects.get(pk=open_order.pk).status != "cancelled"
    orders.order_cancel(order=open_order, reason="customer asked", actor=agent)


def test_a_channel_acts_on_its_own_orders_only(open_order):
    other = ChannelFactory(code="amazon")
    stranger = Actor("channel", other.pk, other.code)
    owner = Actor("channel", open_order.channel_id, open_order.channel.code)
    assert not has_transition_perm(open_order.cancel, stranger)
    with pytest.raises(ForbiddenError):
        orders.order_cancel(order=open_order, reason="not ours", actor=stranger)
    with pytest.raises(ForbiddenError):
        orders.order_update_payment(order=open_order, status="voided", actor=stranger)
    orders.order_cancel(order=open_order, reason="the customer cancelled at the shop", actor=owner)


def test_holds_are_released_by_customer_service_not_by_the_warehouse(open_order, picker, agent):
    hold = orders.order_hold(order=open_order, kind="manual", reason="check", actor=agent)
    with pytest.raises(ForbiddenError):
        orders.order_hold(order=open_order, kind="fraud", reason="looks odd", actor=picker)
    with pytest.raises(ForbiddenError):
        orders.order_release_hold(order=open_order, hold_id=hold.pk, actor=picker, reason="fine")
    orders.order_release_hold(order=open_order, hold_id=hold.pk, actor=agent, reason="fine")


def test_only_an_admin_or_a_task_anonymizes(open_order, agent):
    with pytest.raises(ForbiddenError):
        orders.order_anonymize(order=open_order, actor=agent)
    orders.order_anonymize(order=open_order, actor=SYSTEM)


def test_returns_are_authorized_and_refunded_by_customer_service(order, picker, agent, east):
    rma = request(order, (order.lines.get(), 1))
    assert not has_transition_perm(rma.authorize, picker)
    with pytest.raises(ForbiddenError):
        returns.return_authorize(rma=rma, actor=picker)
    with pytest.raises(ForbiddenError):
        returns.return_reject(rma=rma, reason="no", actor=picker)
    returns.return_authorize(rma=rma, actor=agent)
    receive_return(rma, east, (rma.lines.get(), 1, "new", "restock"), actor=picker)
    with pytest.raises(ForbiddenError):
        returns.return_refund(rma=rma, actor=picker)
    refund = returns.return_refund(rma=rma, actor=agent)
    assert Refund.objects.get(pk=refund.pk).status == "succeeded"


def test_a_return_is_received_only_where_the_receiver_works(order, agent):
    elsewhere = LocationFactory(code="wh-west")
    wendy = make_user("wendy", WAREHOUSE)
    elsewhere.staff.add(wendy)
    rma = authorized(order, (order.lines.get(), 1))
    east = order.lines.get().sku.stock_levels.first().location
    with pytest.raises(ForbiddenError):  # the service refuses, not only the API
        receive_return(rma, east, (rma.lines.get(), 1, "new", "restock"), actor=Actor.for_user(wendy))
    with pytest.raises(ForbiddenError):
        receive_return(rma, east, (rma.lines.get(), 1, "new", "restock"), actor=agent)


def test_the_admins_resend_action_obeys_the_role_of_whoever_uses_it(client, order, east, agent):
    """A staff user with the admin site's model permissions but only the warehouse role."""
    rma = authorized(order, (order.lines.get(), 2))
    receive_return(rma, east, (rma.lines.get(), 2, "new", "restock"))
    refund = returns.return_refund(rma=rma, actor=agent)
    Refund.objects.filter(pk=refund.pk).update(status="failed")
    clerk = make_user("clerk", WAREHOUSE, is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_refund", "change_refund"]))
    client.force_login(clerk)
    response = client.post(
        "/admin/returns/refund/", {"action": "send_again", "_selected_action": [refund.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "clerk may not send a refund again" in response.content.decode()
    assert not order.events.filter(kind="refund_resent").exists()


def test_transfers_are_received_by_the_destination_and_never_by_a_channel(east, picker):
    west = LocationFactory(code="wh-west")
    sku = SkuFactory(code="PERM-3")
    stock_receive(lines=[StockLine(sku, east, 5)], actor=SYSTEM)
    from inventory import services as inventory

    transfer = inventory.transfer_dispatch(
        sku=sku, from_location=east, to_location=west, quantity=2, actor=picker
    )
    channel = ChannelFactory(code="web")
    assert not has_transition_perm(transfer.receive, Actor("channel", channel.pk, "web"))
    assert has_transition_perm(transfer.receive, picker)  # the role may; the location is checked too
    with pytest.raises(ForbiddenError):
        inventory.transfer_receive(transfer=transfer, actor=picker)
    with pytest.raises(ForbiddenError):
        inventory.transfer_dispatch(
            sku=sku,
            from_location=east,
            to_location=west,
            quantity=1,
            actor=Actor.for_user(make_user("c", CUSTOMER_SERVICE)),
        )
