"""Catalog endpoints. ``GET /api/products`` keeps FastOpp's exact JSON shape."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

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
from core.errors import AppError, ErrorKind
from core.schemas import ErrorOut

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


class ProductIn(Schema):
    name: str
    description: str = ""
    price: Decimal
    category: str
    in_stock: bool = True


@router.get("/products", response=ProductsDashboardOut, summary="Products with dashboard stats")
def products_dashboard(
    request: HttpRequest, search: str = "", category: str = ""
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


@router.get("/products/{product_id}", response={200: ProductOut, 404: ErrorOut})
def product_detail(request: HttpRequest, product_id: int) -> Product:
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
    response={201: ProductOut, 401: ErrorOut, 403: ErrorOut},
    summary="Create a product (marketing, admins)",
)
def product_add(request: HttpRequest, payload: ProductIn) -> Status[Product]:
    _require_product_manager(request)
    return Status(201, product_create(**payload.dict()))


@router.delete(
    "/products/{product_id}",
    auth=api_auth,
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Delete a product (marketing, admins)",
)
def product_remove(request: HttpRequest, product_id: int) -> Status[None]:
    _require_product_manager(request)
    product = product_get(product_id=product_id)
    if product is None:
        raise AppError("Product not found.", kind=ErrorKind.NOT_FOUND, code="not_found")
    product_delete(product=product)
    return Status(204, None)
