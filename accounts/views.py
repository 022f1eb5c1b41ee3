from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import user_roles
from accounts.forms import EmailLoginForm
from accounts.guards import staff_required
from accounts.services import login_token_consume


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
