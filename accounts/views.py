from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import user_roles
from accounts.forms import EmailLoginForm
from accounts.guards import staff_required


class LoginView(auth_views.LoginView):
    # LoginView checks `next` with url_has_allowed_host_and_scheme, so off-site
    # targets (//evil.example, https://evil.example, /\evil.example) fall back to home.
    form_class = EmailLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@require_GET
@staff_required
def protected(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/protected.html",
        {"roles": user_roles(user=request.user)},
    )
