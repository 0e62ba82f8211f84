"""The demo data: a ledger with some history that explains today's levels."""

import pytest
from django.core.management import call_command

from inventory.models import StockMovement

from .invariants import assert_stock_invariants

pytestmark = pytest.mark.django_db


def test_demo_history_explains_todays_levels_and_is_written_once():
    call_command("seed_demo", force=True, verbosity=0)
    kinds = set(StockMovement.objects.values_list("kind", flat=True))
    assert {"receipt", "transfer_out", "transfer_in", "adjustment", "count"} <= kinds
    assert StockMovement.objects.filter(kind="adjustment").exclude(reason="").exists()
    before = StockMovement.objects.count()
    call_command("seed_demo", force=True, verbosity=0)
    assert StockMovement.objects.count() == before
    assert_stock_invariants()
