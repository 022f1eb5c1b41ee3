"""Bad API input gets a 4xx in the one error shape, with the limits of the model fields."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from accounts.services import api_token_create
from catalog.admin import ProductAdmin
from catalog.models import Product
from webinars.forms import RegistrantNotesForm
from webinars.models import Registrant
from webinars.tests.factories import RegistrantFactory

pytestmark = pytest.mark.django_db

GOOD_PRODUCT = {"name": "Lamp", "price": 10, "category": "Home"}


@pytest.fixture
def api(superuser: User) -> Client:
    token = api_token_create(user=superuser, name="test").plain
    # A 500 must show as a 500 here, not as an exception the test client re-raises.
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", raise_request_exception=False)


def post_json(client: Client, path: str, body: Any, *, raw: bool = False) -> Any:
    data = body if raw else json.dumps(body)
    return client.post(path, data=data, content_type="application/json")


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    body: dict[str, Any] = response.json()
    assert set(body) == {"detail", "code"}
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert body["code"] == code
    return body


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"price": 1e20}, "invalid_input"),
        ({"price": -1}, "invalid_input"),
        ({"price": "-0.01"}, "invalid_input"),
        ({"price": 1.239}, "invalid_input"),  # refused, not rounded to 1.24
        ({"price": "NaN"}, "invalid_input"),
        ({"name": "n" * 10_000}, "invalid_input"),
        ({"name": ""}, "invalid_input"),
        ({"category": "c" * 500}, "invalid_input"),
        ({"name": "a\x00b"}, "invalid_text"),
        ({"description": "a\x00b"}, "invalid_text"),
    ],
    ids=lambda value: str(value)[:30],
)
def test_product_create_refuses_what_the_model_cannot_store(
    api: Client, change: dict[str, Any], code: str
) -> None:
    assert_error(post_json(api, "/api/products", {**GOOD_PRODUCT, **change}), 422, code)
    assert not Product.objects.exists()


def test_product_create_takes_the_fields_limits(api: Client) -> None:
    body = {**GOOD_PRODUCT, "name": "n" * 200, "category": "c" * 100, "price": "99999999.99"}
    response = post_json(api, "/api/products", body)
    assert response.status_code == 201
    assert Product.objects.get().price == Decimal("99999999.99")


def test_a_lone_surrogate_in_json_is_refused(api: Client) -> None:
    raw = '{"name": "\\ud800", "price": 1, "category": "x"}'
    assert_error(post_json(api, "/api/products", raw, raw=True), 422, "invalid_text")


@pytest.mark.parametrize("path", ["/api/products", "/api/registrants"])
def test_nul_in_a_query_parameter_is_refused(api: Client, path: str) -> None:
    assert_error(api.get(path, {"search": "a\x00b"}), 422, "invalid_text")
    # A surrogate's bytes in a query string arrive as U+FFFD (Django decodes with
    # replacement), so they are only text to search for.
    assert api.get(f"{path}?search=%ED%A0%80").status_code == 200


def test_an_overlong_search_is_refused(api: Client) -> None:
    assert_error(api.get("/api/products", {"search": "s" * 101}), 422, "invalid_input")
    assert api.get("/api/products", {"search": "s" * 100}).status_code == 200


def test_an_id_out_of_the_columns_range_is_refused(api: Client) -> None:
    assert_error(api.get(f"/api/products/{2**70}"), 422, "invalid_input")
    assert_error(api.get("/api/products/0"), 422, "invalid_input")


def test_unparseable_json_is_400(api: Client) -> None:
    assert_error(post_json(api, "/api/products", "{bad", raw=True), 400, "malformed_json")


@pytest.mark.parametrize("body", ["[1,2]", "null", '"x"', "3"])
@pytest.mark.parametrize(
    "path", ["/api/products", "/api/reports/top_products/runs", "/api/chat"], ids=str
)
def test_a_body_that_is_not_an_object_is_422(api: Client, path: str, body: str) -> None:
    assert_error(post_json(api, path, body, raw=True), 422, "invalid_body")


def test_report_run_with_no_object_queues_nothing(api: Client) -> None:
    from catalog.models import ReportRun

    for body in ("[1,2]", "null", '"x"'):
        post_json(api, "/api/reports/top_products/runs", body, raw=True)
    assert not ReportRun.objects.exists()


def test_registrant_notes_have_the_page_forms_limit(api: Client) -> None:
    registrant = RegistrantFactory.create()
    path = f"/api/registrants/{registrant.pk}"
    too_long = api.patch(path, {"notes": "x" * 1_000_000}, content_type="application/json")
    assert_error(too_long, 422, "invalid_input")
    at_limit = api.patch(path, {"notes": "x" * 5000}, content_type="application/json")
    assert at_limit.status_code == 200
    # One limit for both: the page's form reads the model's.
    assert not RegistrantNotesForm({"notes": "x" * 5001}).is_valid()
    assert Registrant._meta.get_field("notes").max_length == 5000


def test_chat_validation_error_has_a_code(api: Client) -> None:
    assert_error(post_json(api, "/api/chat", {"message": 5}), 422, "invalid_input")


def test_photo_upload_validation_error_detail_is_a_string(api: Client) -> None:
    registrant = RegistrantFactory.create()
    assert_error(api.post(f"/api/registrants/{registrant.pk}/photo", {}), 422, "invalid_input")


def test_the_frameworks_401_has_the_error_shape() -> None:
    anonymous = post_json(Client(), "/api/products", GOOD_PRODUCT)
    assert_error(anonymous, 401, "login_required")
    assert anonymous["WWW-Authenticate"] == "Bearer"


def test_the_admin_refuses_a_negative_price_too(rf: Any, superuser: User) -> None:
    from django.contrib.admin.sites import site

    request = rf.post("/")
    request.user = superuser
    form_class = ProductAdmin(Product, site).get_form(request)
    form = form_class({**GOOD_PRODUCT, "price": "-1", "description": ""})
    assert not form.is_valid()
    assert "price" in form.errors


def test_an_unknown_api_path_answers_json_404(client: Client) -> None:
    assert_error(client.get("/api/no-such-thing"), 404, "not_found")
    assert_error(client.post("/api/products/1/nothing"), 404, "not_found")
    assert client.get("/api/products").status_code == 200


def test_a_wrong_method_answers_json_405(client: Client) -> None:
    response = client.put("/api/products")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]
    chat = client.get("/api/chat")  # an async path view
    assert_error(chat, 405, "method_not_allowed")


def test_a_body_over_djangos_memory_cap_is_413(api: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    registrant = RegistrantFactory.create()
    response = api.patch(
        f"/api/registrants/{registrant.pk}", {"notes": "x" * 2000}, content_type="application/json"
    )
    assert_error(response, 413, "body_too_large")
