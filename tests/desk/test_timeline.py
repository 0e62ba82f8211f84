"""The timeline reads as a person would: a label for every kind, one row per step."""

import pytest

from oms.core.actor import Actor
from oms.core.roles import CUSTOMER_SERVICE
from oms.desk.timeline import LABELS, timeline
from orders import services
from orders.models import OrderEvent
from returns import services as return_services
from tests.returns.factories import authorized, receive_return

from .test_actions import _shipped

pytestmark = pytest.mark.django_db
AGENT = Actor("user", 1, "carla", roles=frozenset({CUSTOMER_SERVICE}))


def test_every_kind_a_whole_order_life_writes_has_a_label_and_no_step_shows_twice(agent, order_with, east):
    order = order_with(2, payment_status="paid")
    services.order_add_note(order=order, message="called", actor=AGENT)
    hold = services.order_hold(order=order, kind="manual", reason="check", actor=AGENT)
    services.order_release_hold(order=order, hold_id=hold.pk, actor=AGENT, reason="fine")
    first, second = order.lines.order_by("line_number")
    services.order_cancel_lines(order=order, quantities={second.pk: 1}, reason="asked", actor=AGENT)
    order = _shipped(order)
    rma = authorized(order, (first, 1))
    receive_return(rma, east, (rma.lines.get(), 1, "new", "restock"))
    return_services.return_refund(rma=rma, actor=AGENT)

    events = list(OrderEvent.objects.filter(order=order).order_by("pk"))
    kinds = {event.kind for event in events}
    assert kinds - set(LABELS) == set(), "every kind has a human label"
    entries = timeline(events)
    assert not any(entry.kind == "status_changed" for entry in entries), "status changes ride on their step"
    assert len(entries) == len([e for e in events if e.kind != "status_changed"])
    allocated = next(entry for entry in entries if entry.kind == "allocated")
    assert allocated.status_change == ("New", "Allocated")

    page = agent.get(f"/orders/{order.number}/")
    shown = page.context["timeline"]["entries"]
    assert shown[0].event.pk > shown[-1].event.pk  # newest first by default
    oldest = agent.get(f"/orders/{order.number}/timeline/", {"timeline": "oldest", "kind": "note"})
    assert [entry.kind for entry in oldest.context["timeline"]["entries"]] == ["note"]
    assert b"<html" not in oldest.content  # the section alone, for htmx
    html = page.content.decode()
    assert "status_changed" not in html.split('id="timeline"')[1].split("</table>")[0].replace(
        'value="status_changed"', ""
    )
