from oms.core.models import OutboxEvent
from orders.models import Order, OrderEvent


def fresh(order) -> Order:
    return Order.objects.get(pk=order.pk)


def kinds(order) -> list[str]:
    return list(OrderEvent.objects.filter(order=order).order_by("id").values_list("kind", flat=True))


def topics(order) -> list[str]:
    return list(
        OutboxEvent.objects.filter(aggregate_type="order", aggregate_id=order.number)
        .order_by("id")
        .values_list("topic", flat=True)
    )
