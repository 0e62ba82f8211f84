"""Benchmark: a 10,000-row stock import (500 SKUs x 20 locations), counted through the ledger,
all or nothing. Prints the time; `make bench` runs it."""

import time

import pytest

from inventory.models import StockLevel
from tests.inventory.invariants import assert_stock_invariants
from tests.inventory.test_admin_import import import_grid

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]


def test_a_10000_row_stock_import(admin_user):
    started = time.perf_counter()
    _rows, _skus, _locations, result = import_grid(admin_user, 500, 20)
    elapsed = time.perf_counter() - started
    assert not result.has_errors() and StockLevel.objects.count() == 10_000
    assert_stock_invariants()
    print(f"\nstock import, 10,000 rows: {elapsed:.1f} s")
