"""The worker supervisor's step function: every timing rule, with an injected clock."""

from __future__ import annotations

import pytest

from platform_ops.supervisor import (
    HEALTHY_RUN_SECONDS,
    MAX_BACKOFF_SECONDS,
    SupervisorAction,
    SupervisorState,
    supervisor_step,
)

START, BEAT, RECOVER = SupervisorAction.START, SupervisorAction.BEAT, SupervisorAction.RECOVER
GONE, EXIT = SupervisorAction.CHILD_GONE, SupervisorAction.EXIT


def _step(
    state: SupervisorState,
    now: float,
    *,
    exit_code: int | None = None,
    stopping: bool = False,
    batch: bool = False,
) -> list[SupervisorAction]:
    return supervisor_step(
        state=state,
        now=now,
        exit_code=exit_code,
        stopping=stopping,
        batch=batch,
        heartbeat_seconds=5,
        recover_every_seconds=15,
    )


def test_the_first_step_starts_a_child_and_beats_and_recovers_at_once():
    assert _step(SupervisorState(), 100.0) == [START, BEAT, RECOVER]


def test_a_running_child_gets_heartbeats_and_recovery_on_their_own_periods():
    state = SupervisorState()
    _step(state, 0.0)
    times = (1.0, 4.9, 5.0, 9.9, 10.0, 15.0, 20.0, 25.0, 29.9, 30.0)
    seen = {now: _step(state, now) for now in times}
    assert seen == {
        1.0: [],
        4.9: [],
        5.0: [BEAT],
        9.9: [],
        10.0: [BEAT],
        15.0: [BEAT, RECOVER],
        20.0: [BEAT],
        25.0: [BEAT],
        29.9: [],
        30.0: [BEAT, RECOVER],
    }


def test_an_exited_child_is_given_up_and_restarted_with_doubling_backoff():
    state = SupervisorState()
    now = 0.0
    _step(state, now)
    delays = []
    for _ in range(7):
        now += 1.0  # each child dies after a second
        assert _step(state, now, exit_code=1) == [GONE]
        delays.append(state.restart_at - now)
        assert _step(state, state.restart_at - 0.1) == []  # still waiting
        now = state.restart_at
        assert _step(state, now)[0] is START
    assert delays == [1, 2, 4, 8, 16, MAX_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS]


def test_a_child_that_ran_healthily_restarts_the_backoff():
    state = SupervisorState(backoff=16.0)
    _step(state, 0.0)
    _step(state, HEALTHY_RUN_SECONDS + 1, exit_code=1)
    assert state.restart_at == HEALTHY_RUN_SECONDS + 2  # 1 s, not 16 s


@pytest.mark.parametrize(("exit_code", "done"), [(0, True), (1, False)])
def test_batch_mode_ends_when_the_child_drained_the_queue(exit_code, done):
    state = SupervisorState()
    _step(state, 0.0, batch=True)
    actions = _step(state, 1.0, exit_code=exit_code, batch=True)
    assert actions == ([GONE, EXIT] if done else [GONE])


def test_stopping_waits_for_the_running_child_to_finish():
    state = SupervisorState()
    _step(state, 0.0)
    # The signal went to the child; its current task finishes before it exits.
    assert EXIT not in _step(state, 1.0, stopping=True)
    assert EXIT not in _step(state, 20.0, stopping=True)
    assert _step(state, 21.0, exit_code=0, stopping=True) == [GONE, EXIT]


def test_stopping_while_waiting_to_restart_exits_without_a_new_child():
    state = SupervisorState()
    _step(state, 0.0)
    _step(state, 1.0, exit_code=1)
    assert _step(state, 1.5, stopping=True) == [EXIT]
