from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.forms import UserCreationForm as DjangoUserCreationForm

from accounts.models import User


class EmailLoginForm(AuthenticationForm):
    """Django's login form with the username field presented as an email address."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"] = forms.EmailField(
            label="Email",
            widget=forms.EmailInput(
                attrs={"autofocus": True, "autocomplete": "email", "class": "input w-full"}
            ),
        )
        self.fields["password"].widget.attrs["class"] = "input w-full"


class UserCreationForm(DjangoUserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email", "name")


class UserChangeForm(DjangoUserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"
