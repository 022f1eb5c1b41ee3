"""The OpenAPI schema declares every error answer, in the one error shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ERROR_REF = "#/components/schemas/ErrorOut"


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def operations(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def error_ref(response: dict[str, Any]) -> str | None:
    ref: str | None = (
        response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
    )
    return ref


def test_the_error_schema_has_detail_and_code(schema: dict[str, Any]) -> None:
    error = schema["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail", "code"]
    assert error["properties"]["detail"]["type"] == "string"


def test_every_error_answer_uses_the_error_schema(schema: dict[str, Any]) -> None:
    for label, operation in operations(schema):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert error_ref(response) == ERROR_REF, f"{label} {status}"


def test_each_operation_declares_what_its_input_can_cause(schema: dict[str, Any]) -> None:
    for label, operation in operations(schema):
        declared = {int(status) for status in operation["responses"]}
        if "requestBody" in operation:
            assert {400, 413, 422} <= declared, label
        if operation.get("parameters"):
            assert 422 in declared, label
        if operation.get("security"):
            assert {401, 403, 429} <= declared, label


@pytest.mark.parametrize(
    ("label", "statuses"),
    [
        ("DELETE /api/products/{product_id}", {204, 401, 403, 404, 409, 422, 429}),
        ("POST /api/products", {201, 400, 401, 403, 404, 413, 422, 429}),  # 404: minimal mode
        ("POST /api/chat", {200, 400, 401, 403, 404, 413, 422, 429, 502, 503, 504}),
        ("PATCH /api/registrants/{registrant_id}", {200, 400, 401, 403, 404, 413, 422, 429}),
        ("POST /api/reports/{report}/runs", {202, 400, 401, 403, 404, 413, 422, 429}),
        ("GET /api/tasks/{task_id}", {200, 401, 403, 404, 422, 429}),
    ],
)
def test_known_operations_declare_their_answers(
    schema: dict[str, Any], label: str, statuses: set[int]
) -> None:
    operation = dict(operations(schema))[label]
    assert {int(status) for status in operation["responses"]} == statuses


def test_the_chat_stream_is_declared_as_server_sent_events(schema: dict[str, Any]) -> None:
    ok = schema["paths"]["/api/chat/stream"]["post"]["responses"]["200"]
    assert list(ok["content"]) == ["text/event-stream"]
    assert ok["content"]["text/event-stream"]["schema"]["properties"]["event"]["enum"]


def test_input_limits_are_in_the_schema(schema: dict[str, Any]) -> None:
    product = schema["components"]["schemas"]["ProductIn"]["properties"]
    assert product["name"]["maxLength"] == 200
    assert product["category"]["maxLength"] == 100
    notes = schema["components"]["schemas"]["NotesIn"]["properties"]["notes"]
    assert notes["maxLength"] == 5000


def test_demo_operations_declare_the_minimal_mode_404(schema: dict[str, Any]) -> None:
    for label, operation in operations(schema):
        if operation.get("tags", [""])[0] in {"catalog", "webinars", "chat"}:
            assert "404" in operation["responses"], label
