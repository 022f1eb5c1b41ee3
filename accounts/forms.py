from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
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


class StyledFieldsMixin:
    """Gives every field the site's input style (daisyUI's ``input``)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input w-full")


class PasswordResetRequestForm(StyledFieldsMixin, PasswordResetForm):
    pass


if TYPE_CHECKING:
    _SetPasswordForm = SetPasswordForm[User]
else:  # Django's class takes no type parameter at run time
    _SetPasswordForm = SetPasswordForm


class NewPasswordForm(StyledFieldsMixin, _SetPasswordForm):
    pass


class ChangePasswordForm(StyledFieldsMixin, PasswordChangeForm):
    pass


class UserCreationForm(DjangoUserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email", "name")


class UserChangeForm(DjangoUserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"
