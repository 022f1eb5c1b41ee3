"""The pages the Content-Security-Policy tests load, with the demo data loaded."""

from __future__ import annotations

from catalog.models import Product
from webinars.models import Registrant

# The header as sent, byte for byte (README, "Content-Security-Policy").
EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Every page a signed-in superuser can open, without ids.
STATIC_PAGES = [
    "/",
    "/license/",
    "/protected/",
    "/database-demo/",
    "/database-demo/?search=a",
    "/design-demo/",
    "/webinar-demo/",
    "/webinar-registrants/",
    "/ai-demo/",
    "/reports/",
    "/ops/",
    "/debug/simple",
    "/debug/database",
    "/debug/database-data",
    "/admin/",
    "/admin/catalog/product/",
    "/admin/webinars/registrant/",
    "/admin/accounts/user/",
    "/admin/django_tasks_database/dbtaskresult/",
    "/admin/catalog/product/add/",
    "/api/docs",
]


def csp_pages() -> list[str]:
    """STATIC_PAGES plus change forms of demo rows (the registrant's shows its photo)."""
    product = Product.objects.order_by("pk").first()
    registrant = Registrant.objects.exclude(photo="").order_by("pk").first()
    assert product is not None, "load the demo data first"
    assert registrant is not None, "load the demo data first"
    return [
        *STATIC_PAGES,
        f"/admin/catalog/product/{product.pk}/change/",
        f"/admin/webinars/registrant/{registrant.pk}/change/",
    ]
