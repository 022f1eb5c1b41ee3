from __future__ import annotations

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from catalog.reports.services import report_run_execute

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("sales")
def test_report_api_inline_enqueue_and_poll(staff_client):
    inline = staff_client.get("/api/reports/top_products", {"limit": 3})
    assert inline.status_code == 200
    assert len(inline.json()["rows"]) == 3

    queued = staff_client.post(
        "/api/reports/monthly_revenue_by_region/runs",
        {"start": "2024-01-01", "end": "2024-12-31"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN="ignored-by-test-client",
    )
    assert queued.status_code == 202
    run_id = queued.json()["id"]
    assert queued.json()["status"] == "queued"
    report_run_execute(report_run_id=run_id)
    polled = staff_client.get(f"/api/reports/runs/{run_id}").json()
    assert polled["status"] == "succeeded"
    assert {row["month"][:4] for row in polled["rows"]} == {"2024"}


def test_report_api_refuses_non_staff(client):
    client.force_login(UserFactory())
    assert client.get("/api/reports/top_products").status_code == 403
    assert Client().get("/api/reports/top_products").status_code == 401


def test_report_api_says_422_for_bad_parameters_and_404_for_an_unknown_report(staff_client):
    bad = staff_client.get("/api/reports/top_products", {"limit": 5000})
    assert bad.status_code == 422
    assert bad.json()["code"] == "report_invalid"
    assert staff_client.get("/api/reports/drop_tables").status_code == 404
