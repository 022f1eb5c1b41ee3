"""The worker supervisor's decisions, as a step function of its state and the time.

`manage.py run_worker` polls its db_worker child and calls `supervisor_step` with the
child's exit code and a monotonic ``now``; the step says what to do (start a child, send
a heartbeat, recover tasks, give up on an exited child, stop). The command only carries
the actions out, so every timing rule here is tested without processes or sleeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_BACKOFF_SECONDS = 30.0
# A child that ran this long was healthy; its exit restarts the backoff from 1 s.
HEALTHY_RUN_SECONDS = 60.0


class SupervisorAction(StrEnum):
    START = "start"  # start a db_worker child
    BEAT = "beat"  # refresh the running child's heartbeat
    RECOVER = "recover"  # recover tasks of workers that went silent
    CHILD_GONE = "child_gone"  # recover the exited child's tasks, close its heartbeat
    EXIT = "exit"  # the supervisor is done


@dataclass
class SupervisorState:
    child_running: bool = False
    child_started_at: float = 0.0
    next_beat: float = 0.0
    next_recover: float = 0.0
    backoff: float = 1.0
    restart_at: float = 0.0  # when no child runs: when the next one starts


def supervisor_step(
    *,
    state: SupervisorState,
    now: float,
    exit_code: int | None,
    stopping: bool,
    batch: bool,
    heartbeat_seconds: float,
    recover_every_seconds: float,
) -> list[SupervisorAction]:
    """Advance ``state`` to ``now`` and return the actions to take, in order.

    ``exit_code`` is the child's, or None while it runs (or when there is none).
    """
    if state.child_running:
        if exit_code is None:
            return _while_running(
                state=state,
                now=now,
                heartbeat_seconds=heartbeat_seconds,
                recover_every_seconds=recover_every_seconds,
            )
        state.child_running = False
        if stopping or (batch and exit_code == 0):
            return [SupervisorAction.CHILD_GONE, SupervisorAction.EXIT]
        if now - state.child_started_at > HEALTHY_RUN_SECONDS:
            state.backoff = 1.0
        state.restart_at = now + state.backoff
        state.backoff = min(state.backoff * 2, MAX_BACKOFF_SECONDS)
        return [SupervisorAction.CHILD_GONE]
    if stopping:
        return [SupervisorAction.EXIT]
    if now < state.restart_at:
        return []
    state.child_running = True
    state.child_started_at = now
    state.next_beat = state.next_recover = now
    return [
        SupervisorAction.START,
        *_while_running(
            state=state,
            now=now,
            heartbeat_seconds=heartbeat_seconds,
            recover_every_seconds=recover_every_seconds,
        ),
    ]


def _while_running(
    *, state: SupervisorState, now: float, heartbeat_seconds: float, recover_every_seconds: float
) -> list[SupervisorAction]:
    actions: list[SupervisorAction] = []
    if now >= state.next_beat:
        state.next_beat = now + heartbeat_seconds
        actions.append(SupervisorAction.BEAT)
    if now >= state.next_recover:
        state.next_recover = now + recover_every_seconds
        actions.append(SupervisorAction.RECOVER)
    return actions
