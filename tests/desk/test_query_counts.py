"""Pinned query counts: the order page costs the same for 1 line and 20, lists the same for 50 rows."""

import pytest

from oms.core.actor import Actor
from orders import services

pytestmark = pytest.mark.django_db

# session, user, roles + order, lines, charges, tax lines, channel refunds, holds, events,
# fulfillment orders, their lines, shipments, returns, their lines, refunds, SKU availability,
# the customer's other orders, re-route targets, the personal-data audit entry
ORDER_PAGE_QUERIES = 19
# session, user, roles, channel choices, the page, the capped count
ORDER_LIST_QUERIES = 6
# session, user, roles, recent jobs + per hold kind (5): the capped count and the oldest rows,
# + failed channel pushes and failed refunds: the capped count and the oldest rows of each
EXCEPTIONS_QUERIES = 18
# session, user, roles + 8 statuses, 5 hold kinds, today by channel, late, 2 return statuses
HOME_QUERIES = 20


def test_order_page_costs_the_same_for_one_line_and_twenty(agent, order_with, django_assert_num_queries):
    small, large = order_with(1, external_id="S-1"), order_with(20, external_id="L-20")
    for order in (small, large):
        services.order_add_note(order=order, message="called", actor=Actor.system())
        agent.get(f"/orders/{order.number}/")  # the session is warm for both
    with django_assert_num_queries(ORDER_PAGE_QUERIES):
        one = agent.get(f"/orders/{small.number}/")
    with django_assert_num_queries(ORDER_PAGE_QUERIES):
        twenty = agent.get(f"/orders/{large.number}/")
    assert one.context["page"].lines.__len__() == 1 and len(twenty.context["page"].lines) == 20


def test_order_list_of_fifty_rows_has_a_fixed_count(agent, order_with, django_assert_num_queries):
    for n in range(51):
        order_with(1, external_id=f"N-{n}")
    agent.get("/orders/")
    with django_assert_num_queries(ORDER_LIST_QUERIES):
        response = agent.get("/orders/", {"status": "allocated", "sort": "ship_by"})
    assert len(response.context["orders"]) == 50


def test_exceptions_queue_of_fifty_holds_has_a_fixed_count(agent, order_with, django_assert_num_queries):
    for n in range(50):
        services.order_hold(
            order=order_with(1, external_id=f"H-{n}"), kind="manual", reason="check", actor=Actor.system()
        )
    agent.get("/exceptions/")
    with django_assert_num_queries(EXCEPTIONS_QUERIES):
        response = agent.get("/exceptions/")
    manual = next(group for group in response.context["groups"] if group["kind"] == "manual")
    assert len(manual["holds"]) == 50


def test_home_has_a_fixed_count(agent, order_with, django_assert_num_queries):
    for n in range(5):
        order_with(1, external_id=f"T-{n}")
    agent.get("/")
    with django_assert_num_queries(HOME_QUERIES):
        agent.get("/")
