from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from catalog.selectors import product_category_names
from core.limits import SEARCH_MAX_LENGTH

INPUT = "input input-bordered w-full"


class ProductFilterForm(forms.Form):
    """The table's search box and category select; a plain GET form that htmx enhances."""

    search = forms.CharField(
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(
            attrs={"class": INPUT, "placeholder": "Search name, description…", "type": "search"}
        ),
    )
    category = forms.ChoiceField(
        required=False, widget=forms.Select(attrs={"class": "select select-bordered w-full"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "All categories")] + [
            (name, name) for name in product_category_names()
        ]


class ProductSuggestionForm(forms.Form):
    """The design demo's server-validated form: checked on the server, nothing is saved."""

    name = forms.CharField(max_length=80, widget=forms.TextInput(attrs={"class": INPUT}))
    email = forms.EmailField(widget=forms.EmailInput(attrs={"class": INPUT}))
    price = forms.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("10000"),
        widget=forms.NumberInput(attrs={"class": INPUT, "step": "0.01"}),
        help_text="Between $0.01 and $10,000.",
    )
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"class": "textarea textarea-bordered w-full", "rows": 3}),
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if len(reason.split()) < 3:
            raise forms.ValidationError("Tell us a little more: three words at least.")
        return reason
