from __future__ import annotations

import csv
import io

import pytest

from accounts.roles import Role
from accounts.tests.factories import StaffFactory, UserFactory
from catalog.models import ReportRun, ReportStatus
from catalog.reports.tasks import report_run

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("sales")
def test_queued_report_page_flow_polls_then_shows_table_and_csv(staff_client):
    response = staff_client.post(
        "/reports/", {"report": "top_products", "limit": "5"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    run = ReportRun.objects.get()
    assert run.status == ReportStatus.QUEUED
    assert b'hx-trigger="every 1s"' in response.content

    report_run.call(report_run_id=run.pk)  # what the worker does

    polled = staff_client.get(f"/reports/runs/{run.pk}/", HTTP_HX_REQUEST="true")
    assert b"every 1s" not in polled.content
    assert b"Download CSV" in polled.content
    download = staff_client.get(f"/reports/runs/{run.pk}/csv")
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    assert lines[0][:2] == ["Product", "Category"]
    assert len(lines) == 6


@pytest.mark.usefixtures("sales")
def test_inline_report_view_runs_in_the_request(staff_client):
    response = staff_client.get("/reports/inline/", {"report": "monthly_revenue_by_region"})
    assert response.status_code == 200
    run = ReportRun.objects.get()
    assert run.status == ReportStatus.SUCCEEDED
    assert run.duration_ms is not None
    assert b"Monthly revenue by region" in response.content


@pytest.mark.parametrize("roles", [[], [Role.SUPPORT]], ids=["no role", "support"])
def test_reports_pages_refuse_who_has_no_reporting_role(client, roles):
    assert client.get("/reports/").status_code == 302
    client.force_login(StaffFactory(roles=roles))
    assert client.get("/reports/").status_code == 403
    assert client.post("/reports/", {"report": "top_products"}).status_code == 403
    client.force_login(UserFactory())
    assert client.get("/reports/").status_code == 403
    assert ReportRun.objects.count() == 0


def test_unknown_report_is_a_clean_400(staff_client):
    response = staff_client.post("/reports/", {"report": "drop_tables"})
    assert response.status_code == 400
    assert ReportRun.objects.count() == 0


def test_csv_cells_cannot_become_formulas(staff_client):
    run = ReportRun.objects.create(
        report="top_products",
        status=ReportStatus.SUCCEEDED,
        result=[{"product": "=HYPERLINK(1)", "category": "x"}],
    )
    body = staff_client.get(f"/reports/runs/{run.pk}/csv").content.decode()
    assert "'=HYPERLINK(1)" in body


def test_bad_parameters_answer_400_with_the_error_partial_for_htmx(staff_client):
    response = staff_client.post(
        "/reports/", {"report": "top_products", "limit": "many"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert b'role="alert"' in response.content
    assert b"limit is a whole number" in response.content
    assert ReportRun.objects.count() == 0
