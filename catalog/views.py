"""The database and design demo pages: thin views over catalog.selectors."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from catalog.forms import ProductFilterForm, ProductSuggestionForm
from catalog.selectors import (
    product_category_counts,
    product_price_buckets,
    product_rows,
    product_stats,
)
from core.http import HtmxHttpRequest


def _filtered_products(request: HtmxHttpRequest) -> tuple[ProductFilterForm, list[object]]:
    form = ProductFilterForm(request.GET or None)
    search, category = "", None
    if form.is_valid():
        search = form.cleaned_data["search"]
        category = form.cleaned_data["category"] or None
    return form, list(product_rows(search=search, category=category))


@require_GET
def database_demo(request: HtmxHttpRequest) -> HttpResponse:
    form, products = _filtered_products(request)
    if request.htmx:
        return render(request, "catalog/_product_table.html", {"products": products})
    charts = {
        "categories": product_category_counts(),
        "price_buckets": product_price_buckets(),
    }
    return render(
        request,
        "catalog/database_demo.html",
        {"form": form, "products": products, "stats": product_stats(), "charts": charts},
    )


DEMO_IMAGES = (
    {"src": "img/demo/sunrise.jpg", "title": "Sunrise"},
    {"src": "img/demo/lagoon.jpg", "title": "Lagoon"},
    {"src": "img/demo/dusk.jpg", "title": "Dusk"},
)


@require_GET
def design_demo(request: HtmxHttpRequest) -> HttpResponse:
    return render(
        request,
        "catalog/design_demo.html",
        {"images": DEMO_IMAGES, "form": ProductSuggestionForm()},
    )


@require_GET
def design_demo_stats(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "catalog/_stats_panel.html", {"stats": product_stats()})


@require_http_methods(["POST"])
def design_demo_suggest(request: HtmxHttpRequest) -> HttpResponse:
    form = ProductSuggestionForm(request.POST)
    if form.is_valid():
        # A demo of validation only: nothing is stored.
        context = {"form": ProductSuggestionForm(), "submitted": form.cleaned_data}
    else:
        context = {"form": form}
    if request.htmx:
        return render(request, "catalog/_suggestion_form.html", context)
    # Without JavaScript the form posts normally: answer with the whole page.
    return render(request, "catalog/design_demo.html", {"images": DEMO_IMAGES, **context})
