"""The benchmark's endpoints (bench.site.views): the blocking chat view, reports, long queries."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.db import connection
from django.test import AsyncClient, Client

from catalog.models import ReportRun
from devtools.fake_llm import DEFAULT_ANSWER, FakeLLMServer

pytestmark = pytest.mark.urls("bench.tests.urlconf")


def test_blocking_view_returns_the_whole_answer(fake_llm: FakeLLMServer) -> None:
    response = Client().post(
        "/bench/chat-blocking", {"message": "hello"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["answer"] == DEFAULT_ANSWER


def test_blocking_view_reports_an_upstream_error_cleanly(
    fake_llm: FakeLLMServer, settings: LazySettings
) -> None:
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


@pytest.mark.django_db(transaction=True)
async def test_async_report_view_runs_and_records_the_report() -> None:
    response = await AsyncClient().get("/bench/reports/top_products")
    assert response.status_code == 200
    assert response.json()["status"] == "succeeded"
    assert await ReportRun.objects.filter(report="top_products").acount() == 1


@pytest.mark.django_db(transaction=True)
async def test_async_report_view_rejects_an_unknown_report() -> None:
    response = await AsyncClient().get("/bench/reports/nope")
    assert response.status_code == 404


@pytest.mark.django_db
def test_sleep_query_holds_the_database_or_says_why_not() -> None:
    response = Client().get("/bench/sleep?seconds=0.05")
    if connection.vendor == "postgresql":
        assert response.json() == {"slept": 0.05}
    else:
        assert response.status_code == 501


def test_sleep_query_rejects_a_non_number() -> None:
    assert Client().get("/bench/sleep?seconds=soon").status_code == 422
