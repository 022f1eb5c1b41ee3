"""Admin for webinars and registrants, with FastOpp's roles enforced per object.

Model permissions (granted to the role groups by webinars_role_permissions_sync) decide
which screens a user sees; the methods below decide which *rows*: a sales user gets only
the registrants assigned to them, in lists, forms and URLs typed by hand.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from webinars.models import Registrant, Webinar
from webinars.selectors import registrant_access


class RegistrantInline(admin.TabularInline[Registrant, Webinar]):
    model = Registrant
    fields = ("name", "email", "company", "status", "sales_rep", "is_public")
    raw_id_fields = ("sales_rep",)
    extra = 0
    show_change_link = True


@admin.register(Webinar)
class WebinarAdmin(admin.ModelAdmin[Webinar]):
    list_display = ("title", "presenter", "starts_at", "duration_minutes")
    search_fields = ("title", "description", "presenter")
    list_filter = ("starts_at",)
    date_hierarchy = "starts_at"
    readonly_fields = ("created_at", "updated_at")
    inlines = [RegistrantInline]


@admin.register(Registrant)
class RegistrantAdmin(admin.ModelAdmin[Registrant]):
    list_display = (
        "name",
        "email",
        "company",
        "webinar",
        "status",
        "sales_rep",
        "is_public",
        "has_photo",
    )
    list_filter = ("status", "is_public", "webinar", "group")
    list_select_related = ("webinar", "sales_rep")
    search_fields = ("name", "email", "company", "webinar__title")
    raw_id_fields = ("sales_rep",)
    # Photos go through the checked pipeline on /webinar-registrants/ or the API, never raw.
    readonly_fields = ("photo_preview", "registered_at", "updated_at")
    exclude = ("photo",)

    @admin.display(boolean=True, description="Photo")
    def has_photo(self, obj: Registrant) -> bool:
        return bool(obj.photo)

    @admin.display(description="Photo")
    def photo_preview(self, obj: Registrant) -> str:
        if not obj.photo:
            return "—"
        return format_html('<img src="{}" alt="" width="96" height="96">', obj.photo.url)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Registrant]:
        queryset = super().get_queryset(request)
        access = registrant_access(user=request.user)
        if access == "all":
            return queryset
        if access == "own":
            return queryset.filter(sales_rep_id=request.user.pk)
        return queryset.none()

    def _may_touch(self, request: HttpRequest, obj: Registrant | None) -> bool:
        access = registrant_access(user=request.user)
        if access == "none":
            return False
        return obj is None or access == "all" or obj.sales_rep_id == request.user.pk

    def has_view_permission(self, request: HttpRequest, obj: Registrant | None = None) -> bool:
        return super().has_view_permission(request, obj) and self._may_touch(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Registrant | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_touch(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Registrant | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_touch(request, obj)

    def get_readonly_fields(
        self, request: HttpRequest, obj: Registrant | None = None
    ) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if registrant_access(user=request.user) == "own":
            # A sales user may not hand a registrant to someone else (or take another's).
            return (*readonly, "sales_rep", "webinar", "email")
        return readonly
