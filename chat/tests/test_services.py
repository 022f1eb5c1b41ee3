from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest

from accounts.tests.factories import UserFactory
from chat.llm.errors import ChatErrorCode, LLMError
from chat.models import Message, RateCounter
from chat.selectors import ChatPrincipal, history_for_model
from chat.services import (
    chat_pending_answer,
    chat_turn_begin,
    chat_turn_finish,
    chat_turn_start,
    rate_limit_consume,
)
from core.errors import AppError, ErrorKind
from core.http import api_status

pytestmark = pytest.mark.django_db
ANON = ChatPrincipal(user_id=None, session_key="s1", ip="10.0.0.1")


def test_rate_limit_counts_per_ip_and_resets_next_minute(settings: Any) -> None:
    settings.CHAT_RATE_LIMIT_IP_PER_MINUTE = 2
    now = datetime(2026, 1, 1, 12, 0, 30, tzinfo=UTC)
    rate_limit_consume(principal=ANON, now=now)
    rate_limit_consume(principal=ANON, now=now)

    with pytest.raises(AppError) as caught:
        rate_limit_consume(principal=ANON, now=now)
    assert (api_status(caught.value), caught.value.code, caught.value.retry_after) == (
        429,
        "rate_limited",
        31,
    )
    # Another address has its own budget; the next minute starts a new window.
    rate_limit_consume(
        principal=ChatPrincipal(user_id=None, session_key="", ip="10.0.0.2"), now=now
    )
    rate_limit_consume(principal=ANON, now=now + timedelta(minutes=1))


def test_a_refused_message_counts_against_nothing(settings: Any) -> None:
    settings.CHAT_RATE_LIMIT_IP_PER_MINUTE = 100
    settings.CHAT_RATE_LIMIT_USER_PER_MINUTE = 1
    user: Any = UserFactory()
    principal = ChatPrincipal(user_id=user.pk, session_key="", ip="10.0.0.3")
    rate_limit_consume(principal=principal)
    with pytest.raises(AppError):
        rate_limit_consume(principal=principal)

    ip_counter = RateCounter.objects.get(key="ip:10.0.0.3:minute")
    assert ip_counter.count == 1  # the refused attempt was rolled back


def test_daily_quota_follows_the_address_for_anonymous_visitors(settings: Any) -> None:
    settings.CHAT_DAILY_QUOTA = 1
    rate_limit_consume(principal=ANON)
    new_cookie = ChatPrincipal(user_id=None, session_key="fresh", ip=ANON.ip)

    with pytest.raises(AppError) as caught:
        rate_limit_consume(principal=new_cookie)
    assert caught.value.code == "quota_exceeded"


def test_failed_answers_are_stored_empty_and_left_out_of_history() -> None:
    turn = chat_turn_start(principal=ANON, text="first")
    chat_turn_finish(turn=turn, model="m", text="partial garbage", error=ChatErrorCode.STREAM_ERROR)
    chat_turn_finish(turn=turn, model="m", text="half", interrupted=True)
    second = chat_turn_start(principal=ANON, text="second", conversation_id=turn.conversation_id)

    error_row = Message.objects.get(status="error")
    assert (error_row.content, error_row.error_code) == ("", "stream_error")
    assert [m["content"] for m in second.history] == ["first", "second"]


def test_history_always_keeps_the_newest_message() -> None:
    turn = chat_turn_start(principal=ANON, text="y" * 500)

    assert history_for_model(conversation_id=turn.conversation_id, budget_chars=10) == [
        {"role": "user", "content": "y" * 500}
    ]


def test_turn_begin_refuses_a_bad_message_before_counting_it(settings: Any) -> None:
    settings.CHAT_RATE_LIMIT_IP_PER_MINUTE = 1
    settings.CHAT_MAX_MESSAGE_CHARS = 5
    refusals = []
    for text in ["   ", "too long"]:
        with pytest.raises(AppError) as caught:
            chat_turn_begin(principal=ANON, text=text)
        refusals.append((caught.value.kind, caught.value.code))

    assert refusals == [
        (ErrorKind.INVALID, "empty_message"),
        (ErrorKind.TOO_LARGE, "message_too_long"),
    ]
    assert not RateCounter.objects.exists()
    turn = chat_turn_begin(principal=ANON, text=" hi ")
    assert (turn.history, turn.pending) == ([{"role": "user", "content": "hi"}], None)
    with pytest.raises(AppError) as caught:
        chat_turn_begin(principal=ANON, text="again")
    assert (caught.value.kind, caught.value.code) == (ErrorKind.RATE_LIMITED, "rate_limited")


def test_turn_begin_in_someone_elses_conversation_is_not_found() -> None:
    turn = chat_turn_begin(principal=ANON, text="mine")
    other = ChatPrincipal(user_id=None, session_key="s2", ip="10.0.0.9")

    with pytest.raises(AppError) as caught:
        chat_turn_begin(principal=other, text="yours?", conversation_id=turn.conversation_id)
    assert (caught.value.kind, caught.value.code) == (ErrorKind.NOT_FOUND, "conversation_not_found")


def test_a_queued_turn_is_answered_once_by_the_worker(
    locmem_llm: ModuleType, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        turn = chat_turn_begin(principal=ANON, text="later", queued=True)
    pending = turn.pending
    assert pending is not None
    assert (pending.status, pending.model) == (Message.Status.PENDING, "locmem")
    pending.refresh_from_db()  # the task id is stored after commit, here after the block
    assert pending.task_id

    answered = chat_pending_answer(message_id=pending.pk)
    again = chat_pending_answer(message_id=pending.pk)

    assert (answered.status, answered.content) == (Message.Status.COMPLETE, "A scripted answer.")
    assert again.content == answered.content
    assert locmem_llm.sent == [[{"role": "user", "content": "later"}]]


def test_a_failed_queued_answer_is_stored_empty_with_its_code(locmem_llm: ModuleType) -> None:
    locmem_llm.replies.append([LLMError(ChatErrorCode.TIMEOUT, "stall")])
    pending = chat_turn_begin(principal=ANON, text="later", queued=True).pending
    assert pending is not None

    answered = chat_pending_answer(message_id=pending.pk)

    assert (answered.status, answered.error_code, answered.content) == ("error", "timeout", "")
