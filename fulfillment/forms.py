"""Warehouse desk forms: packages (weights in kg, sizes in cm, as people weigh and measure),
shipping labels, hand-over, short picks. They turn input into the services' arguments; the
services decide what is allowed."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms

KG = {"max_digits": 7, "decimal_places": 3, "min_value": Decimal("0.001")}
CM = {"max_digits": 6, "decimal_places": 1, "min_value": Decimal("0.1"), "required": False}


def _whole(value: Decimal | None, factor: int) -> int | None:
    return None if value is None else int((value * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _number_input(**attrs):
    return forms.NumberInput(attrs={"inputmode": "decimal", **attrs})


class PackForm(forms.Form):
    """One column per package, one row per line: how many units of the line go in each."""

    def __init__(self, *args, lines, count: int = 1, weigh: bool = True, packages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines, self.count, self.weigh = list(lines), max(1, min(int(count), 20)), weigh
        initial = self._initial(packages)
        for index in range(self.count):
            start = initial[index] if index < len(initial) else {}
            label = f"Package {index + 1} weight (kg)"
            self.fields[f"weight_{index}"] = forms.DecimalField(
                label=label,
                required=weigh,
                initial=start.get("weight"),
                widget=_number_input(step="0.001", **{"aria-label": label}),
                **KG,
            )
            for name in ("length", "width", "height"):
                label = f"Package {index + 1} {name} (cm)"
                self.fields[f"{name}_{index}"] = forms.DecimalField(
                    label=label,
                    initial=start.get(name),
                    widget=_number_input(step="0.1", placeholder=name[0].upper(), **{"aria-label": label}),
                    **CM,
                )
            for line in self.lines:
                label = f"{line.sku.code} in package {index + 1}"
                self.fields[f"qty_{index}_{line.pk}"] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    initial=start.get("lines", {}).get(line.pk, 0),
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "aria-label": label}),
                )

    def _initial(self, packages) -> list[dict]:
        """Existing packages (re-packing), else everything in the first one."""
        if packages:
            open_ids = {line.pk: line.packable for line in self.lines}
            return [
                {
                    "weight": Decimal(p.weight_grams) / 1000 if p.weight_grams else None,
                    "length": Decimal(p.length_mm) / 10 if p.length_mm else None,
                    "width": Decimal(p.width_mm) / 10 if p.width_mm else None,
                    "height": Decimal(p.height_mm) / 10 if p.height_mm else None,
                    "lines": {
                        item.fulfillment_line_id: min(
                            item.quantity, open_ids.get(item.fulfillment_line_id, 0)
                        )
                        for item in p.lines.all()
                    },
                }
                for p in packages
            ]
        return [{"lines": {line.pk: line.packable for line in self.lines}}]

    def grid(self) -> dict:
        """The fields as the template lays them out."""
        columns = range(self.count)
        return {
            "packages": [
                {
                    "number": index + 1,
                    "weight": self[f"weight_{index}"],
                    "sizes": [self[f"{name}_{index}"] for name in ("length", "width", "height")],
                }
                for index in columns
            ],
            "rows": [
                {"line": line, "cells": [self[f"qty_{index}_{line.pk}"] for index in columns]}
                for line in self.lines
            ],
        }

    def to_packages(self) -> list[dict]:
        data, packages = self.cleaned_data, []
        for index in range(self.count):
            contents = {
                line.pk: data[f"qty_{index}_{line.pk}"]
                for line in self.lines
                if data[f"qty_{index}_{line.pk}"]
            }
            if not contents and index > 0:
                continue  # an extra column left empty
            packages.append(
                {
                    "weight_grams": _whole(data[f"weight_{index}"], 1000),
                    "length_mm": _whole(data[f"length_{index}"], 10),
                    "width_mm": _whole(data[f"width_{index}"], 10),
                    "height_mm": _whole(data[f"height_{index}"], 10),
                    "lines": contents,
                }
            )
        return packages


def carrier_choices(carriers) -> list[tuple[str, str]]:
    choices = []
    for carrier in carriers:
        for service in carrier.services or [""]:
            label = f"{carrier.name} · {service}" if service else carrier.name
            choices.append((f"{carrier.name}|{service}", label))
    return choices


class ShipForm(forms.Form):
    """A carrier, service and tracking number (scanned from the label) per packed package."""

    def __init__(self, *args, packages, carriers, **kwargs):
        super().__init__(*args, **kwargs)
        self.packages, choices = list(packages), carrier_choices(carriers)
        for index, package in enumerate(self.packages):
            self.fields[f"carrier_{package.pk}"] = forms.ChoiceField(
                label=f"{package.number} carrier and service", choices=choices
            )
            attrs = {"autocomplete": "off", "autocapitalize": "characters", "data-tracking": ""}
            if index == 0:
                attrs["autofocus"] = True
            self.fields[f"tracking_{package.pk}"] = forms.CharField(
                label=f"{package.number} tracking number",
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs=attrs),
            )

    def rows(self) -> list[dict]:
        return [
            {"package": p, "carrier": self[f"carrier_{p.pk}"], "tracking": self[f"tracking_{p.pk}"]}
            for p in self.packages
        ]

    def to_packages(self) -> list[dict]:
        packages = []
        for package in self.packages:
            carrier, _, service = self.cleaned_data[f"carrier_{package.pk}"].partition("|")
            packages.append(
                {
                    "package": package.pk,
                    "carrier": carrier,
                    "service": service,
                    "tracking_number": self.cleaned_data[f"tracking_{package.pk}"],
                }
            )
        return packages


class VendorShipForm(forms.Form):
    carrier = forms.ChoiceField(label="Carrier and service")
    tracking_number = forms.CharField(
        max_length=100, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, *args, carriers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].choices = carrier_choices(carriers)


class CollectForm(forms.Form):
    collected_by = forms.CharField(
        label="Collected by (name on the ID)",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ShortPickForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    found = forms.IntegerField(
        label="Found", min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
