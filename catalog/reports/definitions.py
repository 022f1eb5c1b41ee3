"""The one registry of reports: each definition holds everything a run and a page need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from catalog.reports.errors import report_invalid, report_not_found
from catalog.reports.parameters import ReportParameters
from catalog.reports.queries import report_monthly_revenue_by_region, report_top_products

ReportQuery = Callable[..., list[dict[str, Any]]]


@dataclass(frozen=True)
class ReportDefinition:
    name: str
    title: str
    parameters: type[ReportParameters]  # parses and validates the user's input
    columns: tuple[tuple[str, str], ...]  # (key, heading)
    query: ReportQuery  # called as query(parameters=...)


REPORTS: dict[str, ReportDefinition] = {
    definition.name: definition
    for definition in (
        ReportDefinition(
            name="top_products",
            title="Top products by revenue, with customer demographics",
            parameters=ReportParameters,
            columns=(
                ("product", "Product"),
                ("category", "Category"),
                ("units_sold", "Units sold"),
                ("revenue", "Revenue"),
                ("avg_customer_age", "Avg customer age"),
                ("unique_customers", "Unique customers"),
                ("first_order", "First order"),
                ("last_order", "Last order"),
            ),
            query=report_top_products,
        ),
        ReportDefinition(
            name="monthly_revenue_by_region",
            title="Monthly revenue by region",
            parameters=ReportParameters,
            columns=(
                ("month", "Month"),
                ("region", "Region"),
                ("orders", "Orders"),
                ("units_sold", "Units sold"),
                ("revenue", "Revenue"),
            ),
            query=report_monthly_revenue_by_region,
        ),
    )
}


def report_definition_get(*, name: str) -> ReportDefinition:
    """The named report; raises ReportError (not found) for any other name."""
    definition = REPORTS.get(name)
    if definition is None:
        raise report_not_found(name)
    return definition


def report_form_parse(*, raw: dict[str, Any]) -> tuple[ReportDefinition, ReportParameters]:
    """A report form's fields. The report is one of them, so an unknown name is bad input
    (the page's 400), where the API's path names a resource that is not found."""
    definition = REPORTS.get(str(raw.get("report", "")))
    if definition is None:
        raise report_invalid(f"Unknown report {raw.get('report', '')!r}.")
    return definition, definition.parameters.parse(raw)
