from __future__ import annotations

import pytest

from catalog.reports.errors import ReportError
from catalog.reports.parameters import ReportParameters


@pytest.mark.parametrize(
    "raw",
    [
        {"start": "2024-13-01"},
        {"limit": "0"},
        {"limit": "many"},
        {"start": "2025-01-02", "end": "2025-01-01"},
    ],
)
def test_report_parameters_are_validated(raw):
    with pytest.raises(ReportError):
        ReportParameters.parse(raw)
