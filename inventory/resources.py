"""django-import-export resources: SKUs, locations and stock levels (CSV and XLSX).

A stock import never saves a StockLevel row by itself. Every row is validated against
codes and levels loaded in bulk before the first row; the validated rows are applied
at the end in one `inventory.services.stock_import_levels` call, which writes COUNT
movements to the ledger. Any bad row (named by its number) means nothing is imported.
"""

from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget, IntegerWidget, ManyToManyWidget

from oms.core.actor import Actor
from oms.core.models import Channel
from oms.core.resources import ServiceSavedResource

from . import services
from .models import Location, Sku, StockLevel, normalize_code


class SkuResource(ServiceSavedResource):
    dropship_vendor = fields.Field(
        attribute="dropship_vendor", column_name="dropship_vendor", widget=ForeignKeyWidget(Location, "code")
    )

    class Meta:
        model = Sku
        import_id_fields = ("code",)
        fields = (
            "code",
            "name",
            "barcode",
            "weight_grams",
            "length_mm",
            "width_mm",
            "height_mm",
            "active",
            "tags",
            "dropship_vendor",
        )
        skip_unchanged = True
        report_skipped = False
        use_transactions = True

    def before_import_row(self, row, **kwargs):
        if row.get("code") is not None:
            row["code"] = normalize_code(row["code"])

    def save_with_service(self, instance, *, m2m, actor):
        services.sku_save(sku=instance, actor=actor)


class LocationResource(ServiceSavedResource):
    channels = fields.Field(
        attribute="channels",
        column_name="channels",
        widget=ManyToManyWidget(Channel, separator="|", field="code"),
    )

    class Meta:
        model = Location
        import_id_fields = ("code",)
        fields = (
            "code",
            "name",
            "kind",
            "address_line",
            "city",
            "region",
            "postal_code",
            "country_code",
            "latitude",
            "longitude",
            "can_ship",
            "can_pickup",
            "priority",
            "shipping_cost_base",
            "shipping_cost_per_km",
            "active",
            "pickup_hold_days",
            "channels",
        )
        skip_unchanged = True
        report_skipped = False
        use_transactions = True

    def save_with_service(self, instance, *, m2m, actor):
        services.location_save(location=instance, actor=actor, channels=m2m.get("channels"))


def _whole_number(value, name: str, errors: dict) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        errors[name] = f"{value!r} is not a number."
        return None
    if number != int(number) or number < 0:
        errors[name] = f"{value!r} must be a whole number, zero or more."
        return None
    return int(number)


class StockLevelResource(resources.ModelResource):
    """Columns: sku, location, on_hand [, safety_stock] [, bin]; `reserved` is exported only.
    A file without a bin column leaves the bins as they are; an empty bin cell clears one."""

    sku = fields.Field(attribute="sku", column_name="sku", widget=ForeignKeyWidget(Sku, "code"))
    location = fields.Field(
        attribute="location", column_name="location", widget=ForeignKeyWidget(Location, "code")
    )
    on_hand = fields.Field(attribute="on_hand", column_name="on_hand", widget=IntegerWidget())
    reserved = fields.Field(
        attribute="reserved", column_name="reserved", widget=IntegerWidget(), readonly=True
    )
    safety_stock = fields.Field(attribute="safety_stock", column_name="safety_stock", widget=IntegerWidget())
    bin = fields.Field(attribute="bin", column_name="bin")

    class Meta:
        model = StockLevel
        import_id_fields = ("sku", "location")
        fields = ("sku", "location", "on_hand", "reserved", "safety_stock", "bin")
        use_transactions = True
        skip_diff = True

    def get_queryset(self):
        return StockLevel.objects.select_related("sku", "location").order_by("sku__code", "location__code")

    # --- import: validate every row against data loaded once, apply in one batch ---

    def before_import(self, dataset, **kwargs):
        self._skus, self._locations, self._levels = {}, {}, {}
        self._pending: list[tuple[Sku, Location, int, int | None]] = []
        self._bins: dict[tuple[int, int], str] = {}
        self._with_bins = "bin" in (dataset.headers or [])
        self._seen: dict[tuple[int, int], int] = {}
        missing = {"sku", "location", "on_hand"} - set(dataset.headers or [])
        if missing:
            raise ValidationError(f"Missing columns: {', '.join(sorted(missing))}.")
        sku_codes = {normalize_code(code) for code in dataset["sku"] if code is not None}
        location_codes = {str(code).strip() for code in dataset["location"] if code is not None}
        self._skus = {sku.code: sku for sku in Sku.objects.filter(code__in=sku_codes)}
        self._locations = {loc.code: loc for loc in Location.objects.filter(code__in=location_codes)}
        self._levels = {
            (level.sku_id, level.location_id): level
            for level in StockLevel.objects.filter(
                sku__in=self._skus.values(), location__in=self._locations.values()
            ).only("pk", "sku_id", "location_id", "on_hand", "reserved", "safety_stock")
        }

    def _resolve(self, row):
        sku = self._skus.get(normalize_code(row.get("sku") or ""))
        location = self._locations.get(str(row.get("location") or "").strip())
        return sku, location

    def get_instance(self, instance_loader, row):
        sku, location = self._resolve(row)
        if sku is None or location is None:
            return None
        return self._levels.get((sku.pk, location.pk))

    def import_instance(self, instance, row, **kwargs):
        number = kwargs.get("row_number")
        errors = {}
        sku, location = self._resolve(row)
        if sku is None:
            errors["sku"] = f"Row {number}: unknown SKU {row.get('sku')!r}."
        if location is None:
            errors["location"] = f"Row {number}: unknown location {row.get('location')!r}."
        on_hand = _whole_number(row.get("on_hand"), "on_hand", errors)
        if on_hand is None and "on_hand" not in errors:
            errors["on_hand"] = "on_hand is required."
        safety = _whole_number(row.get("safety_stock"), "safety_stock", errors)
        if sku is not None and location is not None:
            first = self._seen.setdefault((sku.pk, location.pk), number)
            if first != number:
                errors["sku"] = f"Row {number}: {sku.code} at {location.code} is already on row {first}."
            if on_hand is not None and on_hand < instance.reserved:
                errors["on_hand"] = (
                    f"Row {number}: {sku.code} at {location.code} has {instance.reserved} reserved; "
                    f"on hand cannot be {on_hand}."
                )
        if self._with_bins and len(" ".join(str(row.get("bin") or "").split())) > 40:
            errors["bin"] = f"Row {number}: a bin is at most 40 characters."
        for name in ("on_hand", "safety_stock"):
            if name in errors and not errors[name].startswith("Row"):
                errors[name] = f"Row {number}: {errors[name]}"
        if errors:
            raise ValidationError(errors)
        instance.sku, instance.location, instance.on_hand = sku, location, on_hand
        if safety is not None:
            instance.safety_stock = safety
        self._row_safety = safety

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Nothing is written per row: the row joins the batch applied in after_import."""
        self._pending.append((instance.sku, instance.location, instance.on_hand, self._row_safety))
        if self._with_bins:
            self._bins[instance.sku.pk, instance.location.pk] = str(row.get("bin") or "")

    def save_m2m(self, instance, row, **kwargs):
        pass

    def after_import(self, dataset, result, **kwargs):
        if (
            kwargs.get("dry_run")
            or result.has_errors()
            or result.has_validation_errors()
            or not self._pending
        ):
            return
        user = kwargs.get("user")
        actor = Actor.for_user(user) if user is not None else Actor.system("stock import")
        services.stock_import_levels(
            rows=self._pending,
            actor=actor,
            reference=str(kwargs.get("file_name") or "stock import")[:100],
            bins=self._bins,
        )
