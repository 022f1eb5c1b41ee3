from __future__ import annotations

from django import forms


class RegistrantSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
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
    notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea)
