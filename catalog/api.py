"""Catalog endpoints. ``GET /api/products`` keeps FastOpp's exact JSON shape."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema, Status

from accounts.guards import api_auth
from catalog.models import Product
from catalog.selectors import (
    product_can_manage,
    product_category_counts,
    product_get,
    product_rows,
    product_stats,
)
from catalog.services import product_create, product_delete
from core import limits
from core.errors import AppError, ErrorKind
from core.schemas import api_responses

router = Router(tags=["catalog"])


class ProductOut(Schema):
    id: int
    name: str
    description: str
    price: float  # FastOpp sends a JSON number
    category: str
    in_stock: bool
    created_at: datetime
    updated_at: datetime


class CategoryOut(Schema):
    category: str
    count: int


class StatsOut(Schema):
    avg_price: float
    min_price: float
    max_price: float
    total_products: int


class StockOut(Schema):
    total: int
    in_stock: int
    out_of_stock: int


class ProductsDashboardOut(Schema):
    products: list[ProductOut]
    categories: list[CategoryOut]
    stats: StatsOut
    stock: StockOut


# Limits as the admin's form has them: read from the model's fields.
ProductId = Annotated[int, limits.primary_key(Product)]


class ProductIn(limits.InputSchema):
    name: Annotated[str, limits.text(Product, "name", min_length=1)]
    description: Annotated[str, limits.text(Product, "description")] = ""
    price: Annotated[Decimal, limits.decimal(Product, "price")]
    category: Annotated[str, limits.text(Product, "category", min_length=1)]
    in_stock: bool = True


SearchText = Annotated[str, limits.bounded_text(limits.SEARCH_MAX_LENGTH)]
CategoryText = Annotated[str, limits.text(Product, "category")]


@router.get(
    "/products",
    response=api_responses({200: ProductsDashboardOut}, demo=True, params=True),
    summary="Products with dashboard stats",
)
def products_dashboard(
    request: HttpRequest,
    search: SearchText = "",
    category: CategoryText = "",
) -> dict[str, object]:
    stats = product_stats()
    return {
        "products": product_rows(search=search, category=category or None),
        "categories": product_category_counts(),
        "stats": {
            "avg_price": stats.avg_price,
            "min_price": stats.min_price,
            "max_price": stats.max_price,
            "total_products": stats.total_products,
        },
        "stock": {
            "total": stats.total_products,
            "in_stock": stats.in_stock,
            "out_of_stock": stats.out_of_stock,
        },
    }


@router.get(
    "/products/{product_id}",
    response=api_responses({200: ProductOut}, demo=True, params=True, errors=[404]),
)
def product_detail(request: HttpRequest, product_id: ProductId) -> Product:
    product = product_get(product_id=product_id)
    if product is None:
        raise AppError("Product not found.", kind=ErrorKind.NOT_FOUND, code="not_found")
    return product


def _require_product_manager(request: HttpRequest) -> None:
    if not product_can_manage(user=request.user):
        raise AppError(
            "Only marketing and admins manage products.", kind=ErrorKind.FORBIDDEN, code="forbidden"
        )


@router.post(
    "/products",
    auth=api_auth,
    response=api_responses({201: ProductOut}, demo=True, body=True, auth=True),
    summary="Create a product (marketing, admins)",
)
def product_add(request: HttpRequest, payload: ProductIn) -> Status[Product]:
    _require_product_manager(request)
    return Status(201, product_create(**payload.model_dump()))


@router.delete(
    "/products/{product_id}",
    auth=api_auth,
    response=api_responses({204: None}, demo=True, params=True, auth=True, errors=[404, 409]),
    summary="Delete a product (marketing, admins); 409 when orders refer to it",
)
def product_remove(request: HttpRequest, product_id: ProductId) -> Status[None]:
    _require_product_manager(request)
    product = product_get(product_id=product_id)
    if product is None:
        raise AppError("Product not found.", kind=ErrorKind.NOT_FOUND, code="not_found")
    product_delete(product=product)
    return Status(204, None)
