"""The benchmark's deliberately blocking chat view (fastopp_site.bench_views)."""

from __future__ import annotations

import pytest
from django.test import Client

from chat.fake_llm import DEFAULT_ANSWER, FakeLLMServer

pytestmark = pytest.mark.urls("fastopp_site.tests.bench_urlconf")


def test_blocking_view_returns_the_whole_answer(fake_llm: FakeLLMServer) -> None:
    response = Client().post(
        "/bench/chat-blocking", {"message": "hello"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["answer"] == DEFAULT_ANSWER


def test_blocking_view_reports_an_upstream_error_cleanly(fake_llm: FakeLLMServer, settings) -> None:
    settings.OPENROUTER_LLM_MODEL = "fault/503"
    response = Client().post(
        "/bench/chat-blocking", {"message": "hello"}, content_type="application/json"
    )
    assert response.status_code == 502
    assert response.json()["code"] == "upstream_down"


def test_blocking_view_rejects_a_body_without_message() -> None:
    response = Client().post("/bench/chat-blocking", "nope", content_type="application/json")
    assert response.status_code == 422


@pytest.mark.urls("fastopp_site.urls")
def test_bench_endpoints_are_absent_unless_switched_on() -> None:
    assert Client().post("/bench/chat-blocking", {}).status_code == 404
