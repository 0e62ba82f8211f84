"""Admin and import-export: stock imports go through the ledger, all or nothing."""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from import_export.formats.base_formats import XLSX

from inventory.models import Location, Sku, StockLevel, StockMovement
from inventory.resources import LocationResource, SkuResource, StockLevelResource
from oms.core.models import Channel

from .factories import LocationFactory, SkuFactory, receive, reserve
from .invariants import assert_stock_invariants

pytestmark = pytest.mark.django_db


def csv_of(rows, headers=("sku", "location", "on_hand", "safety_stock")) -> str:
    return "\n".join([",".join(headers)] + [",".join(str(v) for v in row) for row in rows]) + "\n"


def dataset_of(rows, headers=("sku", "location", "on_hand", "safety_stock")) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=list(headers))


def import_grid(user, n_skus: int, n_locations: int):
    """A stock import of every SKU at every location (counted through the ledger); returns the
    rows, the SKUs, the locations and the import result. The benchmark times a 10,000-row one."""
    locations = Location.objects.bulk_create(
        [
            Location(code=f"imp-{n:02d}", name=f"L{n}", kind="warehouse", country_code="US")
            for n in range(n_locations)
        ]
    )
    skus = Sku.objects.bulk_create([Sku(code=f"IMP-{n:04d}", name=f"Item {n}") for n in range(n_skus)])
    receive(skus[0], locations[0], 100)  # an existing level is recounted, not duplicated
    rows = [
        (sku.code.lower(), loc.code, (i + j) % 50, 1)
        for i, sku in enumerate(skus)
        for j, loc in enumerate(locations)
    ]
    result = StockLevelResource().import_data(dataset_of(rows), dry_run=False, user=user, file_name="big.csv")
    return rows, skus, locations, result


def test_a_1000_row_stock_import_succeeds_through_the_ledger(admin_user):
    rows, skus, locations, result = import_grid(admin_user, 100, 10)
    assert not result.has_errors() and not result.has_validation_errors()
    assert StockLevel.objects.count() == 1_000
    assert StockLevel.objects.get(sku=skus[0], location=locations[0]).on_hand == 0
    assert StockLevel.objects.get(sku=skus[3], location=locations[2]).on_hand == 5
    counts = StockMovement.objects.filter(kind="count")
    # a new level counted at 0 changes nothing; the received level went from 100 to 0
    assert counts.count() == sum(1 for row in rows if row[2] != 0) + 1
    assert set(counts.values_list("actor_label", "reference").distinct()) == {("ada", "big.csv")}
    assert set(StockLevel.objects.values_list("safety_stock", flat=True)) == {1}
    assert_stock_invariants()


def test_one_bad_row_imports_nothing_and_names_the_row(sku, location):
    receive(sku, location, 10)
    other = SkuFactory()
    rows = [
        (sku.code, location.code, 4, ""),
        (other.code, location.code, 3, ""),
        ("GHOST", location.code, 1, ""),
    ]
    result = StockLevelResource().import_data(dataset_of(rows), dry_run=False)
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 3
    assert "Row 3: unknown SKU 'GHOST'" in str(invalid.error_dict)
    assert StockLevel.objects.get(sku=sku, location=location).on_hand == 10
    assert not StockLevel.objects.filter(sku=other).exists()
    assert StockMovement.objects.count() == 1


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (("TEE-BLK-M", "nowhere", 1, ""), "unknown location"),
        (("TEE-BLK-M", "wh-east", -1, ""), "zero or more"),
        (("TEE-BLK-M", "wh-east", "lots", ""), "not a number"),
        (("TEE-BLK-M", "wh-east", "", ""), "on_hand is required"),
        (("TEE-BLK-M", "wh-east", 2, ""), "has 3 reserved"),
        (("TEE-BLK-M", "wh-east", 5, "-2"), "zero or more"),
    ],
)
def test_each_kind_of_bad_row_is_refused_with_its_number(sku, location, bad_row, message):
    receive(sku, location, 10)
    reserve(sku, location, 3)
    rows = [(SkuFactory().code, location.code, 1, ""), bad_row]
    result = StockLevelResource().import_data(dataset_of(rows), dry_run=False)
    assert [row.number for row in result.invalid_rows] == [2]
    assert message in str(result.invalid_rows[0].error_dict)
    assert "Row 2" in str(result.invalid_rows[0].error_dict)
    assert StockMovement.objects.count() == 2


def test_a_pair_listed_twice_is_refused(sku, location):
    result = StockLevelResource().import_data(
        dataset_of([(sku.code, location.code, 1, ""), (sku.code.lower(), location.code, 2, "")]),
        dry_run=False,
    )
    assert "already on row 1" in str(result.invalid_rows[0].error_dict)
    assert not StockLevel.objects.exists()


def test_a_file_without_the_columns_is_refused(sku, location):
    result = StockLevelResource().import_data(
        dataset_of([(sku.code, 1)], headers=("sku", "quantity")), dry_run=False
    )
    assert result.has_errors()
    assert not StockLevel.objects.exists()


def test_stock_export_round_trips(sku, location):
    receive(sku, location, 7)
    reserve(sku, location, 2)
    exported = StockLevelResource().export()
    assert exported.dict == [
        {
            "sku": "TEE-BLK-M",
            "location": "wh-east",
            "on_hand": "7",
            "reserved": "2",
            "safety_stock": "0",
            "bin": "",
        }
    ]
    result = StockLevelResource().import_data(exported, dry_run=False)
    assert not result.has_validation_errors()
    assert StockMovement.objects.filter(kind="count").count() == 0


def test_sku_and_location_import_export_in_csv_and_xlsx(location):
    Channel.objects.create(code="web-x", name="Web", kind=Channel.Kind.WEB_SHOP)
    Location.objects.filter(pk=location.pk).update(kind=Location.Kind.DROPSHIP)
    skus = dataset_of(
        [(" new sku 1 ", "New one", "123", "TRUE", "wh-east")],
        headers=("code", "name", "barcode", "active", "dropship_vendor"),
    )
    result = SkuResource().import_data(skus, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    assert Sku.objects.get(code="NEWSKU1").dropship_vendor == location
    xlsx = XLSX().export_data(SkuResource().export())
    again = SkuResource().import_data(XLSX().create_dataset(xlsx), dry_run=False)
    assert not again.has_errors()
    assert Sku.objects.count() == 1
    places = dataset_of(
        [("store-9", "Store 9", "store", "US", "web-x")],
        headers=("code", "name", "kind", "country_code", "channels"),
    )
    assert not LocationResource().import_data(places, dry_run=False).has_validation_errors()
    assert list(Location.objects.get(code="store-9").channels.values_list("code", flat=True)) == ["web-x"]


def _upload(client, content: str, name: str = "stock.csv"):
    return client.post(
        "/admin/inventory/stocklevel/import/",
        {
            "import_file": SimpleUploadedFile(name, content.encode(), "text/csv"),
            "format": "0",
            "resource": "0",
        },
    )


def test_admin_stock_import_two_step_flow_writes_the_ledger(client, admin_user, sku, location):
    receive(sku, location, 2)
    other = LocationFactory(code="wh-west")
    client.force_login(admin_user)
    assert client.get("/admin/inventory/stocklevel/import/").status_code == 200
    preview = _upload(client, csv_of([(sku.code, location.code, 9, 1), (sku.code, other.code, 4, "")]))
    assert preview.status_code == 200
    confirm = preview.context["confirm_form"]
    assert confirm is not None
    assert StockLevel.objects.get(sku=sku, location=location).on_hand == 2  # the preview wrote nothing
    done = client.post("/admin/inventory/stocklevel/process_import/", confirm.initial)
    assert done.status_code == 302
    assert StockLevel.objects.get(sku=sku, location=location).on_hand == 9
    assert StockLevel.objects.get(sku=sku, location=other).on_hand == 4
    assert list(StockMovement.objects.filter(kind="count").values_list("actor_label", flat=True)) == [
        "ada",
        "ada",
    ]
    assert_stock_invariants()


def test_admin_stock_import_with_a_bad_row_shows_it_and_offers_no_confirm(client, admin_user, sku, location):
    client.force_login(admin_user)
    preview = _upload(client, csv_of([(sku.code, location.code, 9, ""), ("NOPE", location.code, 1, "")]))
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is None
    html = preview.content.decode()
    assert "Row 2: unknown SKU" in html
    assert not StockLevel.objects.exists()


def test_stock_admin_pages_are_read_only(client, admin_user, sku, location):
    movement = receive(sku, location, 2)[0]
    level = StockLevel.objects.get()
    client.force_login(admin_user)
    assert client.get("/admin/inventory/stocklevel/").status_code == 200
    assert client.get("/admin/inventory/stockmovement/").status_code == 200
    assert client.get("/admin/inventory/reservation/").status_code == 200
    assert client.get("/admin/inventory/stockmovement/add/").status_code == 403
    assert client.get("/admin/inventory/stocklevel/add/").status_code == 403
    assert client.post(f"/admin/inventory/stockmovement/{movement.pk}/delete/").status_code == 403
    detail = client.post(f"/admin/inventory/stocklevel/{level.pk}/change/", {"on_hand": 99, "bin": "b-07-2"})
    assert detail.status_code == 302
    assert (StockLevel.objects.get().on_hand, StockLevel.objects.get().bin) == (2, "B-07-2")  # only the bin
    assert client.get("/admin/inventory/sku/").status_code == 200
    assert client.get("/admin/inventory/location/").status_code == 200


def test_admin_export_of_stock_as_csv(client, admin_user, sku, location):
    receive(sku, location, 3)
    client.force_login(admin_user)
    response = client.post(
        "/admin/inventory/stocklevel/export/",
        {
            "format": "0",
            "resource": "0",
            "stocklevelresource_sku": "on",
            "stocklevelresource_location": "on",
            "stocklevelresource_on_hand": "on",
        },
    )
    assert response.status_code == 200
    assert "TEE-BLK-M,wh-east,3" in response.content.decode()
