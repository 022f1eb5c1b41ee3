"""An asyncio event loop on virtual time, for tests of timing windows without wall-clock gaps.

Whenever no callback is ready, the loop's clock jumps to the next timer, so
`asyncio.sleep(0.05)` takes no real time and a 50 ms window is exactly 50 ms: the order
of events is decided by the schedule, never by how busy the machine is.
"""

from __future__ import annotations

import asyncio
from typing import Any


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self, *, start: float = 1000.0) -> None:
        super().__init__()
        self._virtual_now = start

    def time(self) -> float:
        return self._virtual_now

    def _run_once(self) -> None:
        # BaseEventLoop's own queues: callbacks ready now, and timers ordered by due time.
        ready: Any = self._ready  # type: ignore[attr-defined]
        scheduled: Any = self._scheduled  # type: ignore[attr-defined]
        if not ready:
            due = [handle.when() for handle in scheduled if not handle.cancelled()]
            if due:
                self._virtual_now = max(self._virtual_now, min(due))
        super()._run_once()  # type: ignore[misc]
