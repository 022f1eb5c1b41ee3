from __future__ import annotations

from django import forms

from core.limits import SEARCH_MAX_LENGTH, max_length
from webinars.models import Registrant


class RegistrantSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        label="Search",
        widget=forms.TextInput(
            attrs={
                "class": "input input-bordered w-full",
                "type": "search",
                "placeholder": "Name, email, company or webinar…",
            }
        ),
    )


class RegistrantNotesForm(forms.Form):
    notes = forms.CharField(
        required=False, max_length=max_length(Registrant, "notes"), widget=forms.Textarea
    )
