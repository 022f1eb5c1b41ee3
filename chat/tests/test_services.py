from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from accounts.tests.factories import UserFactory
from chat.llm.errors import ChatErrorCode
from chat.models import Message, RateCounter
from chat.selectors import ChatPrincipal, history_for_model
from chat.services import chat_turn_finish, chat_turn_start, rate_limit_consume
from core.errors import AppError
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
