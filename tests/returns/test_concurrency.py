"""Racing returns on PostgreSQL: the same shipped units are never returned twice, and two
receipts of the same RMA never receive more than was authorized."""

import pytest

from oms.core.errors import DomainError
from returns import services
from returns.models import ReturnLine
from tests.concurrency import run_together
from tests.inventory.invariants import assert_stock_invariants

from .factories import ACTOR, LocationFactory, SkuFactory, authorized, fresh, shipped_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_racing_requests_for_the_same_units_create_one_return():
    east = LocationFactory(code="wh-east")
    order = shipped_order(east, [{"sku": SkuFactory(code="RACE-1"), "quantity": 3}])
    line = order.lines.get()

    def ask(index):
        rma = services.return_create(
            order=order, lines=[{"order_line": line.pk, "quantity": 2, "reason_code": "other"}], actor=ACTOR
        )
        return rma.number

    results = run_together(ask, 8)
    created = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(created) == 1, results
    assert len(refused) == 7 and {r.code for r in refused} == {"quantity_too_high"}
    assert sum(ReturnLine.objects.values_list("quantity", flat=True)) == 2


def test_racing_receipts_never_receive_more_than_authorized():
    east = LocationFactory(code="wh-east")
    sku = SkuFactory(code="RACE-2")
    order = shipped_order(east, [{"sku": sku, "quantity": 2}])
    rma = authorized(order, (order.lines.get(), 2))
    line = rma.lines.get()

    def receive(index):
        services.return_receive(
            rma=rma,
            location=east,
            lines=[{"return_line": line.pk, "quantity": 1, "condition": "new", "disposition": "restock"}],
            actor=ACTOR,
        )
        return "received"

    results = run_together(receive, 6)
    assert results.count("received") == 2, results
    assert {r.code for r in results if isinstance(r, DomainError)} <= {
        "receive_too_many",
        "invalid_transition",
    }
    assert fresh(line).quantity_received == 2
    assert fresh(order.lines.get()).quantity_returned == 2
    assert fresh(rma).status == "received"
    assert_stock_invariants()
