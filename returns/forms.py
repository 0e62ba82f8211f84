from django import forms

from inventory.models import Location
from oms.core.roles import OMS_ADMIN, has_role

from .models import ReturnReceipt


def receiving_locations(user):
    """Where this user may receive returns: admins anywhere, warehouse staff where they work."""
    locations = Location.objects.filter(active=True).order_by("code")
    if has_role(user, OMS_ADMIN):
        return locations
    return locations.filter(staff=user)


class ReceiveForm(forms.Form):
    """One line of a receipt: what arrived, in what condition, and what happens to it."""

    line = forms.TypedChoiceField(coerce=int, label="Line")
    quantity = forms.IntegerField(min_value=1, initial=1)
    condition = forms.ChoiceField(choices=ReturnReceipt.Condition.choices)
    disposition = forms.ChoiceField(choices=ReturnReceipt.Disposition.choices)
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(), to_field_name="code", empty_label=None
    )

    def __init__(self, *args, rma, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [
            (line.pk, f"{line.order_line.sku_code} — {line.quantity_outstanding} of {line.quantity} expected")
            for line in rma.lines.all()
            if line.quantity_outstanding
        ]
        self.fields["location"].queryset = receiving_locations(user)
        if rma.receiving_location_id:
            self.fields["location"].initial = rma.receiving_location.code


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=2000)
