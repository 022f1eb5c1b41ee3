from __future__ import annotations

from dataclasses import replace
from typing import Any
from unittest.mock import patch

import pytest
from django.db import connection

from catalog.reports.definitions import REPORTS
from catalog.reports.errors import ReportError
from catalog.reports.parameters import ReportParameters
from catalog.reports.selectors import report_rows
from catalog.sales import sales_seed

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_runaway_report_is_stopped_by_the_statement_timeout():
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    sales_seed(orders=20_000, seed=1)
    with pytest.raises(ReportError, match="longer than"):
        report_rows(report="monthly_revenue_by_region", parameters=ReportParameters(), timeout_ms=1)
    # The limit was local to the report's transaction.
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.django_db(transaction=True)
def test_report_query_runs_with_the_configured_parallel_workers(settings):
    if connection.vendor != "postgresql":
        pytest.skip("max_parallel_workers_per_gather is PostgreSQL's")
    settings.REPORT_PARALLEL_WORKERS = 0
    seen: list[str] = []

    def parallel_workers(*, parameters: ReportParameters) -> list[dict[str, Any]]:
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            seen.append(cursor.fetchone()[0])
        return []

    probe = replace(REPORTS["top_products"], name="probe", query=parallel_workers)
    with patch.dict(REPORTS, {"probe": probe}):
        report_rows(report="probe", parameters=ReportParameters())
    assert seen == ["0"]
    # Local to the report's transaction, like the statement timeout.
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] != "0"


def test_an_unknown_report_is_not_found():
    with pytest.raises(ReportError) as raised:
        report_rows(report="drop_tables", parameters=ReportParameters())
    assert raised.value.kind == "not_found"
