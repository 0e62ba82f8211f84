"""Anonymization reaches free text: the customer's own words go, staff notes lose the personal data."""

import pytest

from oms.core.actor import Actor
from orders import services
from orders.models import Hold, Order, OrderEvent
from orders.services.privacy import REDACTED, scrub_text

from .factories import make_order

pytestmark = pytest.mark.django_db


def test_notes_holds_and_customer_texts_are_scrubbed(web, skus, admin_user):
    order = make_order(web)
    Order.objects.filter(pk=order.pk).update(
        customer_note="Gift for my mum, call me on +1 212 555 0101", delivery_instructions="Ring twice, Jane"
    )
    staff = Actor.for_user(admin_user)
    services.order_add_note(
        order=order, message="Jane Doe phoned from jane.doe@example.com about order 2026-03-02", actor=staff
    )
    services.order_hold(order=order, kind="manual", reason="Doe asked us to wait", actor=staff)

    services.order_anonymize(order=Order.objects.get(pk=order.pk), actor=Actor.system("test"))

    order.refresh_from_db()
    assert (order.customer_note, order.delivery_instructions) == ("", "")
    note = OrderEvent.objects.get(order=order, kind="note").message
    assert note == f"{REDACTED} phoned from {REDACTED} about order 2026-03-02"  # the date stays
    assert Hold.objects.get(order=order).reason == f"{REDACTED} asked us to wait"


def test_scrubbing_keeps_words_that_merely_contain_a_name():
    assert scrub_text("Ada ships to Canada", ["Ada"]) == f"{REDACTED} ships to Canada"
    assert (
        scrub_text("Tracking 1Z999AA10123456784, SKU 12345678", [])
        == "Tracking 1Z999AA10123456784, SKU 12345678"
    )
