from __future__ import annotations

from core.errors import AppError, ErrorKind


class ReportError(AppError):
    """A report could not run: bad parameters, no such report, or the statement timeout."""


def report_invalid(message: str) -> ReportError:
    return ReportError(message, kind=ErrorKind.INVALID, code="report_invalid")


def report_not_found(name: str) -> ReportError:
    return ReportError(f"Unknown report {name!r}.", kind=ErrorKind.NOT_FOUND, code="report_unknown")


def report_timed_out(*, limit_ms: int) -> ReportError:
    # INVALID: the same request will time out again; the user narrows it or asks for a limit.
    return ReportError(
        f"The report took longer than {limit_ms / 1000:g}s and was stopped. "
        "Narrow the date range or raise REPORT_STATEMENT_TIMEOUT_MS.",
        kind=ErrorKind.INVALID,
        code="report_timeout",
    )
