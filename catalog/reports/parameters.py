from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from catalog.reports.errors import report_invalid


@dataclass(frozen=True)
class ReportParameters:
    start: date | None = None
    end: date | None = None  # inclusive
    limit: int = 20

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> ReportParameters:
        """Validate user input (query string, form or JSON); raises ReportError."""
        try:
            start = _date_or_none(raw.get("start"))
            end = _date_or_none(raw.get("end"))
            limit = int(raw.get("limit") or 20)
        except (TypeError, ValueError) as exc:
            raise report_invalid("Dates are YYYY-MM-DD and limit is a whole number.") from exc
        if not 1 <= limit <= 1000:
            raise report_invalid("Limit must be between 1 and 1000.")
        if start and end and start > end:
            raise report_invalid("The start date is after the end date.")
        return cls(start=start, end=end, limit=limit)

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "limit": self.limit,
        }


def _date_or_none(value: object) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))
