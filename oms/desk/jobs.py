"""Bulk actions of the exceptions queue, run by oms.core.jobs: one service call per item."""

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.core.jobs import register_job
from orders import services
from orders.models import Hold, Order

RELEASE = "desk.release_hold"
CANCEL = "desk.cancel_order"


def _refused(number: str, error: DomainError) -> DomainError:
    """The service's refusal, naming the order it was about (the job lists many)."""
    return DomainError(error.code, f"{number}: {error.message}", details=error.details)


def release_hold(hold_id: int, params: dict, actor: Actor) -> None:
    hold = Hold.objects.select_related("order").filter(pk=hold_id).first()
    if hold is None:
        raise DomainError("hold_not_found", f"Hold {hold_id} no longer exists.")
    try:
        services.order_release_hold(order=hold.order, hold_id=hold_id, actor=actor, reason=params["reason"])
    except DomainError as error:
        raise _refused(hold.order.number, error) from error


def cancel_order(order_id: int, params: dict, actor: Actor) -> None:
    number = Order.objects.filter(pk=order_id).values_list("number", flat=True).first() or str(order_id)
    try:
        services.order_cancel(order=Order(pk=order_id), reason=params["reason"], actor=actor)
    except DomainError as error:
        raise _refused(number, error) from error


def register() -> None:
    register_job(RELEASE, release_hold)
    register_job(CANCEL, cancel_order)
