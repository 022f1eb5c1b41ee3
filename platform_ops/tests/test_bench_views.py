"""The benchmark's report and long-query endpoints (fastopp_site.bench_views)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import AsyncClient, Client

from catalog.models import ReportRun

pytestmark = [pytest.mark.urls("fastopp_site.tests.bench_urlconf")]


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
