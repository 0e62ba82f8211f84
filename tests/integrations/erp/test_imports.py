"""ERP files dropped in the import folder go through the admin's import resources, all or
nothing, and end in done/ or failed/ beside their report."""

import pytest

from inventory.models import Sku, StockLevel, StockMovement
from oms.integrations.erp.models import ErpConnection, ErpImport
from oms.integrations.erp.services import erp_import_run
from tests.inventory.factories import LocationFactory, SkuFactory, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "erp-in"
    folder.mkdir()
    ErpConnection.objects.create(enabled=True, import_folder=str(folder))
    return folder


def test_a_stock_count_file_is_imported_through_the_ledger_and_moved_to_done(inbox):
    sku, location = SkuFactory(code="ERP-1"), LocationFactory(code="east")
    receive(sku, location, 10)
    (inbox / "stock-2026-12-01.csv").write_text("sku,location,on_hand\nerp-1,east,7\n")
    assert erp_import_run() == 1
    assert StockLevel.objects.get(sku=sku, location=location).on_hand == 7
    count = StockMovement.objects.get(kind="count")
    assert count.on_hand_delta == -3 and count.reference == "stock-2026-12-01.csv"
    assert (inbox / "done" / "stock-2026-12-01.csv").exists()
    assert "1 rows imported" in (inbox / "done" / "stock-2026-12-01.csv.report.txt").read_text()
    assert not list(inbox.glob("*.csv"))
    assert ErpImport.objects.get().status == ErpImport.Status.DONE


def test_a_bad_stock_file_is_refused_whole_and_the_report_names_the_row(inbox):
    sku, other, location = SkuFactory(code="ERP-1"), SkuFactory(code="ERP-2"), LocationFactory(code="east")
    receive(sku, location, 10)
    (inbox / "stock-bad.csv").write_text("sku,location,on_hand\nERP-1,east,4\nERP-2,east,3\nGHOST,east,1\n")
    erp_import_run()
    assert StockLevel.objects.get(sku=sku, location=location).on_hand == 10  # row 1 not applied either
    assert not StockLevel.objects.filter(sku=other).exists()
    report = (inbox / "failed" / "stock-bad.csv.report.txt").read_text()
    assert "refused, nothing imported" in report
    assert "Row 3: unknown SKU 'GHOST'" in report and "line 4 of the file" in report
    record = ErpImport.objects.get()
    assert record.status == ErpImport.Status.FAILED and "Row 3" in record.report
    assert (inbox / "failed" / "stock-bad.csv").exists()


def test_a_sku_file_creates_skus_and_a_bad_one_creates_none(inbox):
    (inbox / "skus-1.csv").write_text("code,name,weight_grams\nNEW-1,First,100\nnew-2,Second,200\n")
    erp_import_run()
    assert set(Sku.objects.values_list("code", flat=True)) >= {"NEW-1", "NEW-2"}
    (inbox / "skus-2.csv").write_text("code,name,weight_grams\nNEW-3,Third,10\nNEW-4,Fourth,heavy\n")
    erp_import_run()
    assert not Sku.objects.filter(code__in=["NEW-3", "NEW-4"]).exists()
    report = (inbox / "failed" / "skus-2.csv.report.txt").read_text()
    assert "Row 2: cannot be read" in report and "'heavy'" in report and "line 3 of the file" in report


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("prices.csv", "a,b\n1,2\n", "unknown kind of file"),
        ("stock-cols.csv", "sku,on_hand\nA,1\n", "Missing columns: location"),
        ("stock-binary.csv", b"\xff\xfe\x00bad", "cannot be read"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(inbox, name, content, expected):
    path = inbox / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    erp_import_run()
    assert expected in (inbox / "failed" / f"{name}.report.txt").read_text()


def test_the_same_name_dropped_twice_keeps_both_files(inbox):
    SkuFactory(code="ERP-1"), LocationFactory(code="east")
    for quantity in (5, 6):
        (inbox / "stock.csv").write_text(f"sku,location,on_hand\nERP-1,east,{quantity}\n")
        erp_import_run()
    assert len(list((inbox / "done").glob("*stock.csv"))) == 2
    assert StockLevel.objects.get().on_hand == 6


def test_a_file_a_dead_worker_left_in_processing_is_imported_later(inbox):
    import os
    import time

    SkuFactory(code="ERP-1"), LocationFactory(code="east")
    (inbox / "processing").mkdir()
    left = inbox / "processing" / "stock-left.csv"
    left.write_text("sku,location,on_hand\nERP-1,east,3\n")
    erp_import_run()
    assert left.exists() and not StockLevel.objects.exists()  # maybe still being worked on
    an_hour_ago = time.time() - 3600
    os.utime(left, (an_hour_ago, an_hour_ago))
    erp_import_run()
    assert StockLevel.objects.get().on_hand == 3 and (inbox / "done" / "stock-left.csv").exists()
