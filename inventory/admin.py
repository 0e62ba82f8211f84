"""Admin for the catalog and stock. Stock numbers are read-only here: they change only
through inventory.services (the stock import, the API, the staff UI)."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from import_export.admin import ExportMixin, ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from oms.core.actor import Actor
from oms.core.admin_base import ImportProgressMixin, ReadOnlyAdmin, ServiceSavedAdmin
from oms.core.errors import DomainError

from . import services
from .models import Location, Reservation, Sku, StockLevel, StockMovement, Transfer
from .resources import LocationResource, SkuResource, StockLevelResource
from .services import stock_set_bin

FORMATS = [CSV, XLSX]


class CsvXlsxAdmin(ImportProgressMixin, ImportExportModelAdmin):
    import_formats = FORMATS
    export_formats = FORMATS


@admin.register(Sku)
class SkuAdmin(ServiceSavedAdmin, CsvXlsxAdmin):
    resource_classes = [SkuResource]
    list_display = ["code", "name", "barcode", "active", "dropship_vendor"]
    list_filter = ["active"]
    search_fields = ["code", "name", "barcode"]
    list_select_related = ["dropship_vendor"]
    raw_id_fields = ["dropship_vendor"]

    def save_through_service(self, request, obj, form):
        services.sku_save(sku=obj, actor=Actor.for_user(request.user))


@admin.register(Location)
class LocationAdmin(ServiceSavedAdmin, CsvXlsxAdmin):
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

    def save_through_service(self, request, obj, form):
        services.location_save(
            location=obj,
            actor=Actor.for_user(request.user),
            channels=form.cleaned_data.get("channels"),
            staff=form.cleaned_data.get("staff"),
        )


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


class TransferDispatchForm(forms.ModelForm):
    """Dispatching is the service's work: it runs when the form is cleaned (in a savepoint, so
    that a refusal leaves nothing behind) and a refusal is shown on the form."""

    actor: Actor

    class Meta:
        model = Transfer
        fields = ["sku", "from_location", "to_location", "quantity", "reference"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            with transaction.atomic():
                self.dispatched = services.transfer_dispatch(
                    sku=data["sku"],
                    from_location=data["from_location"],
                    to_location=data["to_location"],
                    quantity=data["quantity"],
                    reference=data.get("reference") or "",
                    actor=self.actor,
                )
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        return data

    def _post_clean(self):
        """The model's own validation ran in the service; the row exists now."""


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    """Stock between locations. Adding one dispatches it (the units leave the source); it is
    received at the destination (the API, or the action here); nothing else changes it."""

    list_display = [
        "number",
        "state",
        "sku",
        "from_location",
        "to_location",
        "quantity",
        "quantity_received",
        "created_at",
        "received_at",
    ]
    list_filter = ["state", "from_location", "to_location"]
    search_fields = ["number", "sku__code", "reference"]
    list_select_related = ["sku", "from_location", "to_location"]
    raw_id_fields = ["sku"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["receive_in_full", "cancel_transfers"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = type(
                "Dispatch", (TransferDispatchForm,), {"actor": Actor.for_user(request.user)}
            )
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [field.name for field in Transfer._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:  # dispatched while the form was cleaned
            obj.pk, obj.number = form.dispatched.pk, form.dispatched.number

    def save_related(self, request, form, formsets, change):
        pass

    def _each(self, request, queryset, step, done: str):
        actor, count = Actor.for_user(request.user), 0
        for transfer in queryset.filter(state=Transfer.State.IN_TRANSIT):
            try:
                step(transfer, actor)
                count += 1
            except DomainError as error:
                self.message_user(request, f"{transfer.number}: {error.message}", messages.WARNING)
        self.message_user(request, f"{count} transfer(s) {done}.")

    @admin.action(description="Receive the selected transfers in full", permissions=["change"])
    def receive_in_full(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda transfer, actor: services.transfer_receive(transfer=transfer, actor=actor),
            "received",
        )

    @admin.action(
        description="Cancel the selected transfers (units back at the source)", permissions=["change"]
    )
    def cancel_transfers(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda transfer, actor: services.transfer_cancel(
                transfer=transfer, actor=actor, reason="Cancelled in admin."
            ),
            "cancelled",
        )
