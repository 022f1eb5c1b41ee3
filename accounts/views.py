from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import client_ip, user_roles
from accounts.forms import (
    ChangePasswordForm,
    EmailLoginForm,
    NewPasswordForm,
    PasswordResetRequestForm,
)
from accounts.guards import staff_required
from accounts.models import User
from accounts.selectors import password_reset_wait_seconds
from accounts.services import (
    login_token_consume,
    password_reset_mail_allowed,
    password_reset_request_record,
)


class LoginView(auth_views.LoginView):
    # LoginView checks `next` with url_has_allowed_host_and_scheme, so off-site
    # targets (//evil.example, https://evil.example, /\evil.example) fall back to home.
    form_class = EmailLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, throttled per address and per email.

    Django already answers the same page whether or not an account has the email; the
    throttles keep that true: the per-address one refuses by address alone, and past the
    per-email cap mail is dropped behind the same "check your inbox" page.
    """

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:
        ip = client_ip(self.request)
        wait = password_reset_wait_seconds(ip=ip)
        if wait is not None:
            minutes = math.ceil(wait / 60)
            context = self.get_context_data(form=form, throttled_minutes=minutes)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait)
            return response
        password_reset_request_record(ip=ip)
        if not password_reset_mail_allowed(email=form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["timeout_minutes"] = math.ceil(settings.PASSWORD_RESET_TIMEOUT / 60)
        return context


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ChangePasswordForm
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def get_form_class(self) -> type[ChangePasswordForm] | type[NewPasswordForm]:
        # An account without a usable password (a production demo account, reached through
        # an emergency login) has no current password to give: it sets one.
        user = self.request.user  # login_required: never anonymous here
        if isinstance(user, User) and not user.has_usable_password():
            return NewPasswordForm
        return ChangePasswordForm


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@require_GET
@staff_required
def protected(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/protected.html",
        {"roles": user_roles(user=request.user)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def emergency_login(request: HttpRequest, token: str) -> HttpResponseBase:
    # GET only shows a button: link previewers fetch URLs and must not spend the token.
    if request.method == "GET":
        return render(request, "accounts/emergency_login.html", {"failed": False})
    user = login_token_consume(token=token)
    if user is None:
        return render(request, "accounts/emergency_login.html", {"failed": True}, status=403)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    # An emergency session is for fixing something now, not a standing login.
    request.session.set_expiry(60 * 60)
    return redirect("admin:index")
