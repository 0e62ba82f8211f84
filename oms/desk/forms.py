"""Forms of the customer-service desk: they check the shape of what an agent typed; the
services decide whether it may happen (their refusals come back onto these forms)."""

from django import forms

from orders.models import Hold, Order
from returns.models import ReturnLine

#: Why an order or some of its units are cancelled; the label starts the reason the service
#: records, the agent's note follows it.
CANCEL_REASONS = [
    ("customer_request", "Customer asked to cancel"),
    ("out_of_stock", "Out of stock"),
    ("payment", "Payment not received"),
    ("fraud", "Suspected fraud"),
    ("duplicate", "Duplicate order"),
    ("address", "Address cannot be served"),
    ("other", "Other"),
]


def auto_id(key: str) -> str:
    """Field ids of one form of the order page: several forms share field names."""
    return f"id_{key}_%s"


def reason_text(code: str, note: str) -> str:
    label = dict(CANCEL_REASONS).get(code, code)
    note = (note or "").strip()
    return f"{label}: {note}" if note else label


class HoldForm(forms.Form):
    kind = forms.ChoiceField(choices=Hold.Kind.choices, initial=Hold.Kind.MANUAL)
    reason = forms.CharField(max_length=2000, widget=forms.TextInput)


class ReleaseForm(forms.Form):
    reason = forms.CharField(max_length=2000, label="Why may it continue?")
    # Shown on payment holds while payment is pending: the release is recorded as an override.
    override = forms.BooleanField(required=False, label="Release without payment (override)")


class AddressForm(forms.Form):
    delivery = forms.ChoiceField(label="Delivery", choices=[("ship", "Ship to this address")])
    name = forms.CharField(max_length=200, required=False)
    line1 = forms.CharField(max_length=200, required=False, label="Address line 1")
    line2 = forms.CharField(max_length=200, required=False, label="Address line 2")
    postal_code = forms.CharField(max_length=20, required=False, label="Postal code")
    city = forms.CharField(max_length=100, required=False)
    region = forms.CharField(max_length=100, required=False, label="Region / state")
    country_code = forms.CharField(max_length=2, required=False, label="Country (2 letters)")
    reason = forms.CharField(max_length=2000, required=False, label="Why (optional)")

    ADDRESS_FIELDS = ("name", "line1", "line2", "postal_code", "city", "region", "country_code")

    def __init__(self, *args, pickup_locations=(), pickup_order: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        ship = "Re-route: ship to this address instead" if pickup_order else "Ship to this address"
        self.fields["delivery"].choices = [("ship", ship)] + [
            (f"pickup:{loc.code}", f"Pickup at {loc.name} ({loc.code})") for loc in pickup_locations
        ]

    def address(self) -> dict | None:
        if self.cleaned_data["delivery"] != "ship":
            return None
        return {name: self.cleaned_data[name] for name in self.ADDRESS_FIELDS}

    def pickup_location(self) -> str | None:
        delivery = self.cleaned_data["delivery"]
        return delivery.removeprefix("pickup:") if delivery.startswith("pickup:") else None

    def delivery_method(self) -> str | None:
        """ "ship" when shipping is chosen: for a pickup order that is the explicit re-route the
        service asks for (its label says so); otherwise the pickup store names the method."""
        return "ship" if self.cleaned_data["delivery"] == "ship" else None

    @classmethod
    def initial_for(cls, order: Order) -> dict:
        initial = {name: getattr(order, f"ship_{name}") for name in cls.ADDRESS_FIELDS}
        initial["delivery"] = f"pickup:{order.pickup_location.code}" if order.pickup_location_id else "ship"
        return initial


class LineQuantityForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=100_000)


class ReplaceSkuForm(forms.Form):
    sku = forms.CharField(max_length=64, label="Replace with SKU")


class RemoveLineForm(forms.Form):
    reason = forms.CharField(max_length=2000, required=False, label="Why (optional)")


class AddLineForm(forms.Form):
    sku = forms.CharField(max_length=64, label="SKU")
    quantity = forms.IntegerField(min_value=1, max_value=100_000, initial=1)
    unit_price = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2, label="Unit price")
    discount = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2, required=False)
    tax = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2, required=False)


class CancelOrderForm(forms.Form):
    reason_code = forms.ChoiceField(choices=CANCEL_REASONS, label="Reason")
    note = forms.CharField(max_length=2000, required=False, label="Note")

    def reason(self) -> str:
        return reason_text(self.cleaned_data["reason_code"], self.cleaned_data["note"])


class PerLineForm(forms.Form):
    """A form with one whole-number field per line (`line_<id>`), 0 by default."""

    line_prefix = "line_"

    def __init__(self, *args, lines=(), limits=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        limits = limits or {}
        for line in self.lines:
            self.fields[self.field_name(line)] = forms.IntegerField(
                min_value=0,
                max_value=limits.get(line.pk, 100_000),
                initial=0,
                required=False,
                label=f"Units of line {getattr(line, 'line_number', line.pk)}",
            )

    def field_name(self, line) -> str:
        return f"{self.line_prefix}{line.pk}"

    def quantities(self) -> dict[int, int]:
        return {
            line.pk: self.cleaned_data[self.field_name(line)]
            for line in self.lines
            if self.cleaned_data.get(self.field_name(line))
        }

    def rows(self):
        """(line, bound field) pairs for the template."""
        return [(line, self[self.field_name(line)]) for line in self.lines]


class CancelLinesForm(PerLineForm, CancelOrderForm):
    def clean(self):
        data = super().clean()
        if not self.errors and not self.quantities():
            raise forms.ValidationError("Enter the units to cancel on at least one line.")
        return data


class ReturnForm(PerLineForm):
    carrier = forms.CharField(max_length=60, required=False, label="Return carrier")
    tracking_number = forms.CharField(max_length=100, required=False, label="Return tracking number")
    notes = forms.CharField(max_length=2000, required=False)

    def __init__(self, *args, lines=(), limits=None, **kwargs):
        super().__init__(*args, lines=lines, limits=limits, **kwargs)
        for line in self.lines:
            self.fields[f"reason_{line.pk}"] = forms.ChoiceField(
                choices=[("", "Reason…"), *ReturnLine.Reason.choices],
                required=False,
                label=f"Reason for line {line.line_number}",
            )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not self.quantities():
            raise forms.ValidationError("Enter the units coming back on at least one line.")
        for line_id in self.quantities():
            if not data.get(f"reason_{line_id}"):
                self.add_error(f"reason_{line_id}", "Choose why this line comes back.")
        return data

    def return_lines(self) -> list[dict]:
        return [
            {"order_line": line_id, "quantity": units, "reason_code": self.cleaned_data[f"reason_{line_id}"]}
            for line_id, units in self.quantities().items()
        ]

    def rows(self):
        return [(line, self[self.field_name(line)], self[f"reason_{line.pk}"]) for line in self.lines]


class RefundForm(PerLineForm):
    include_shipping = forms.BooleanField(required=False, label="Refund the shipping too")
    restocking_fee = forms.DecimalField(
        min_value=0, max_digits=12, decimal_places=2, required=False, label="Restocking fee"
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not self.quantities():
            raise forms.ValidationError("Enter the units to refund on at least one line.")
        return data


class NoteForm(forms.Form):
    message = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label="Note")


class PaymentForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(Order.PaymentStatus.PAID, "Captured (paid)"), (Order.PaymentStatus.VOIDED, "Voided")]
    )
    reference = forms.CharField(max_length=120, required=False, label="Payment reference")


class RerouteForm(forms.Form):
    location = forms.ChoiceField(label="Move to")
    reason = forms.CharField(max_length=300, label="Why")

    def __init__(self, *args, locations=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [
            (loc.code, f"{loc.name} ({loc.code})") for loc in locations if loc.pk != current
        ]


class BulkHoldsForm(forms.Form):
    ACTIONS = [("release", "Release the holds"), ("cancel", "Cancel the orders")]

    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(max_length=2000, label="Reason")
    hold = forms.TypedMultipleChoiceField(coerce=int, required=False)
    all_of_kind = forms.MultipleChoiceField(choices=Hold.Kind.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hold"].choices = []

    def clean_hold(self):
        raw = self.data.getlist("hold") if hasattr(self.data, "getlist") else []
        try:
            return [int(value) for value in raw]
        except ValueError as exc:
            raise forms.ValidationError("Unknown hold.") from exc

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("hold") or data.get("all_of_kind")):
            raise forms.ValidationError("Select the holds to act on.")
        return data
