from __future__ import annotations

from dataclasses import dataclass, field

from accounts.services import demo_users_load


@dataclass
class DemoLoadResult:
    """Counts per demo step, for the command's output and the init-demo task result."""

    steps: dict[str, dict[str, int]] = field(default_factory=dict)


def demo_load(*, reset: bool = False) -> DemoLoadResult:
    """Load every app's demo data. Safe to repeat: rows are matched, never duplicated.

    Without ``reset`` nothing a user added or changed is touched; with it the demo
    rows are put back as shipped.
    """
    result = DemoLoadResult()
    users = demo_users_load(reset=reset)
    result.steps["users"] = {"created": users.created, "reset": users.reset, "total": users.total}
    return result
