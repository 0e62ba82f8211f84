"""Admin for the catalog and stock. Stock numbers are read-only here: they change only
through inventory.services (the stock import, the API, the staff UI)."""

from django.contrib import admin
from import_export.admin import ExportMixin, ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from oms.core.admin_base import ImportProgressMixin, ReadOnlyAdmin

from .models import Location, Reservation, Sku, StockLevel, StockMovement
from .resources import LocationResource, SkuResource, StockLevelResource
from .services import stock_set_bin

FORMATS = [CSV, XLSX]


class CsvXlsxAdmin(ImportProgressMixin, ImportExportModelAdmin):
    import_formats = FORMATS
    export_formats = FORMATS


@admin.register(Sku)
class SkuAdmin(CsvXlsxAdmin):
    resource_classes = [SkuResource]
    list_display = ["code", "name", "barcode", "active", "dropship_vendor"]
    list_filter = ["active"]
    search_fields = ["code", "name", "barcode"]
    list_select_related = ["dropship_vendor"]
    raw_id_fields = ["dropship_vendor"]


@admin.register(Location)
class LocationAdmin(CsvXlsxAdmin):
    resource_classes = [LocationResource]
    list_display = [
        "code",
        "name",
        "kind",
        "city",
        "country_code",
        "priority",
        "can_ship",
        "can_pickup",
        "active",
    ]
    list_filter = ["kind", "active", "can_ship", "can_pickup", "channels"]
    search_fields = ["code", "name", "city", "postal_code"]
    filter_horizontal = ["channels", "staff"]


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin, CsvXlsxAdmin):
    """Browse, export and import stock. An import counts each row through the ledger. Only the
    bin is edited here (in the list or on the level's page); quantities never are."""

    resource_classes = [StockLevelResource]
    skip_admin_log = True  # the ledger records who imported what
    list_display = [
        "sku",
        "location",
        "bin",
        "on_hand",
        "reserved",
        "safety_stock",
        "available",
        "updated_at",
    ]
    list_editable = ["bin"]
    list_filter = ["location"]
    search_fields = ["sku__code", "sku__name", "sku__barcode", "bin"]
    list_select_related = ["sku", "location"]
    fields = ["sku", "location", "bin", "on_hand", "reserved", "safety_stock", "updated_at"]
    readonly_fields = ["sku", "location", "on_hand", "reserved", "safety_stock", "updated_at"]
    show_full_result_count = False

    def has_import_permission(self, request):
        return request.user.has_perm("inventory.change_stocklevel")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("inventory.change_stocklevel")

    def save_model(self, request, obj, form, change):
        stock_set_bin(sku=obj.sku, location=obj.location, bin=obj.bin)


@admin.register(StockMovement)
class StockMovementAdmin(ExportMixin, ReadOnlyAdmin):
    """The ledger: append-only, so read-only here."""

    export_formats = FORMATS
    list_display = [
        "created_at",
        "kind",
        "sku",
        "location",
        "on_hand_delta",
        "reserved_delta",
        "on_hand_after",
        "reason",
        "reference",
        "actor_label",
    ]
    list_filter = ["kind", "location"]
    search_fields = ["sku__code", "reference", "reason"]
    list_select_related = ["sku", "location"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "stock_level",
        "quantity",
        "original_quantity",
        "status",
        "holder_type",
        "holder_id",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["holder_type"]
    show_full_result_count = False
