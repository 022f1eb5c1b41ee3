"""The chat API through Django's AsyncClient, against the local OpenAI-compatible server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import AsyncClient

from accounts.tests.factories import UserFactory
from chat.llm.errors import ChatErrorCode
from chat.models import Conversation, Message
from chat.tests.helpers import assert_no_active_content, sse_events
from devtools.fake_llm import FakeLLMServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _close_worker_thread_connections() -> AsyncIterator[None]:
    # Async tests run the ORM in asgiref's shared worker thread, whose connection
    # would otherwise outlive the test database (PostgreSQL refuses to drop it).
    yield
    await sync_to_async(connections.close_all)()


async def post(client: AsyncClient, path: str, **body: Any) -> Any:
    return await client.post(path, json.dumps(body), content_type="application/json")


async def stored(conversation_id: int) -> list[tuple[str, str, str, str]]:
    rows = Message.objects.filter(conversation_id=conversation_id).values_list(
        "role", "status", "error_code", "content"
    )
    return [row async for row in rows]


async def test_stream_arrives_before_the_upstream_finishes(fake_llm: FakeLLMServer) -> None:
    fake_llm.app.tokens_per_second = 40.0  # ~30 tokens: the upstream needs most of a second
    response = await post(AsyncClient(), "/api/chat/stream", message="Hi there")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    assert response.is_async
    seen: list[tuple[str, int]] = []
    async for name, data in sse_events(response):
        seen.append((name, fake_llm.state.completed_streams))
        if name == "done":
            done = data
    names = [name for name, _ in seen]
    assert names[0] == "meta"
    assert names[-2:] == ["done", "message"]  # the last one is `data: [DONE]`
    first_delta = names.index("delta")
    # The first piece reached us while the upstream was still generating.
    assert seen[first_delta][1] == 0
    assert names.count("delta") > 10
    assert done["raw_response"].startswith("Here is a **short** answer")
    assert "<strong>short</strong>" in done["response"]
    assert done["model"] == "fake/model"
    assert done["offline"] is False
    assert fake_llm.state.completed_streams == 1


async def test_history_is_persisted_and_sent(fake_llm: FakeLLMServer) -> None:
    client = AsyncClient()
    first = await post(client, "/api/chat", message="My name is Ada.")
    conversation_id = first.json()["conversation_id"]
    second = await post(
        client, "/api/chat", message="What is my name?", conversation_id=conversation_id
    )

    assert second.status_code == 200
    sent = fake_llm.state.last_request["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[1]["content"] == "My name is Ada."
    assert sent[2]["content"] == first.json()["raw_response"]
    assert sent[3]["content"] == "What is my name?"
    rows = await stored(conversation_id)
    assert [(role, status) for role, status, _, _ in rows] == [
        ("user", "complete"), ("assistant", "complete"), ("user", "complete"),
        ("assistant", "complete"),
    ]  # fmt: skip


async def test_history_respects_the_budget(fake_llm: FakeLLMServer, settings: Any) -> None:
    client = AsyncClient()
    first = await post(client, "/api/chat", message="x" * 300)
    settings.CHAT_HISTORY_CHARS = 100  # the answer (~150) and the first message (300) do not fit
    await post(
        client, "/api/chat", message="short", conversation_id=first.json()["conversation_id"]
    )

    sent = fake_llm.state.last_request["messages"]
    assert [m["content"] for m in sent[1:]] == ["short"]


FAULTS = [
    ("fault/401", ChatErrorCode.BAD_KEY, 502),
    ("fault/404", ChatErrorCode.UNKNOWN_MODEL, 502),
    ("fault/429", ChatErrorCode.UPSTREAM_RATE_LIMITED, 503),
    ("fault/500", ChatErrorCode.UPSTREAM_DOWN, 502),
    ("fault/503", ChatErrorCode.UPSTREAM_DOWN, 502),
    ("fault/stall", ChatErrorCode.TIMEOUT, 504),
    ("fault/garbled", ChatErrorCode.STREAM_ERROR, 502),
    ("fault/error-mid", ChatErrorCode.STREAM_ERROR, 502),
    ("fault/truncated", ChatErrorCode.STREAM_ERROR, 502),
]


@pytest.mark.parametrize(("model", "code", "status"), FAULTS, ids=[f[0] for f in FAULTS])
async def test_stream_fault_gives_its_message_and_stores_no_fragment(
    fake_llm: FakeLLMServer, settings: Any, model: str, code: ChatErrorCode, status: int
) -> None:
    settings.OPENROUTER_LLM_MODEL = model
    settings.CHAT_READ_TIMEOUT = 0.5
    response = await post(AsyncClient(), "/api/chat/stream", message="hello")

    events = [event async for event in sse_events(response)]
    names = [name for name, _ in events]
    assert names[-2:] == ["error", "message"]
    assert events[-2][1] == {"code": code.value, "detail": code.user_message}
    assert "done" not in names
    conversation_id = events[0][1]["conversation_id"]
    assert await stored(conversation_id) == [
        ("user", "complete", "", "hello"),
        ("assistant", "error", code.value, ""),
    ]


@pytest.mark.parametrize(("model", "code", "status"), FAULTS, ids=[f[0] for f in FAULTS])
async def test_json_fault_gives_its_message(
    fake_llm: FakeLLMServer, settings: Any, model: str, code: ChatErrorCode, status: int
) -> None:
    settings.OPENROUTER_LLM_MODEL = model
    settings.CHAT_READ_TIMEOUT = 0.5
    response = await post(AsyncClient(), "/api/chat", message="hello")

    assert response.status_code == status
    assert response.json() == {"detail": code.user_message, "code": code.value}
    assert "test-key" not in response.content.decode()
    assert await Message.objects.filter(content__contains="Here").acount() == 0


async def test_upstream_503_is_retried_before_the_first_token(
    fake_llm: FakeLLMServer, settings: Any
) -> None:
    settings.OPENROUTER_LLM_MODEL = "fault/503-once"
    settings.CHAT_RETRIES = 1
    response = await post(AsyncClient(), "/api/chat", message="hello")

    assert response.status_code == 200
    assert fake_llm.state.seen_models["fault/503-once"] == 2


async def test_rate_limit_trips_at_the_right_count_without_calling_upstream(
    fake_llm: FakeLLMServer, settings: Any
) -> None:
    settings.CHAT_RATE_LIMIT_IP_PER_MINUTE = 3
    client = AsyncClient()
    statuses = [(await post(client, "/api/chat", message=f"m{i}")).status_code for i in range(3)]
    refused = await post(client, "/api/chat/stream", message="one too many")

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert len(fake_llm.state.requests) == 3
    assert not await Message.objects.filter(content="one too many").aexists()


async def test_daily_quota_per_user(fake_llm: FakeLLMServer, settings: Any) -> None:
    settings.CHAT_DAILY_QUOTA = 2
    user: Any = await sync_to_async(UserFactory)()
    client = AsyncClient()
    await client.aforce_login(user)
    statuses = [(await post(client, "/api/chat", message=f"m{i}")).status_code for i in range(3)]

    assert statuses == [200, 200, 429]
    assert len(fake_llm.state.requests) == 2


async def test_message_length_cap(fake_llm: FakeLLMServer, settings: Any) -> None:
    settings.CHAT_MAX_MESSAGE_CHARS = 50
    response = await post(AsyncClient(), "/api/chat/stream", message="x" * 51)

    assert response.status_code == 413
    assert response.json()["code"] == "message_too_long"
    assert fake_llm.state.requests == []


async def test_max_tokens_cap_is_sent(fake_llm: FakeLLMServer, settings: Any) -> None:
    settings.CHAT_MAX_TOKENS = 123
    await post(AsyncClient(), "/api/chat", message="hi")

    assert fake_llm.state.last_request["max_tokens"] == 123


async def test_session_post_without_csrf_token_is_refused(fake_llm: FakeLLMServer) -> None:
    response = await post(AsyncClient(enforce_csrf_checks=True), "/api/chat", message="hi")

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert fake_llm.state.requests == []


async def test_login_can_be_required(fake_llm: FakeLLMServer, settings: Any) -> None:
    settings.CHAT_REQUIRE_LOGIN = True
    anonymous = await post(AsyncClient(), "/api/chat", message="hi")
    client = AsyncClient()
    user: Any = await sync_to_async(UserFactory)()
    await client.aforce_login(user)
    logged_in = await post(client, "/api/chat", message="hi")

    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "login_required"
    assert logged_in.status_code == 200


async def test_someone_elses_conversation_is_not_found(fake_llm: FakeLLMServer) -> None:
    first = await post(AsyncClient(), "/api/chat", message="mine")
    other = await post(
        AsyncClient(),
        "/api/chat",
        message="yours?",
        conversation_id=first.json()["conversation_id"],
    )

    assert other.status_code == 404
    assert await Conversation.objects.acount() == 1


async def test_xss_in_model_output_is_neutralised(fake_llm: FakeLLMServer, settings: Any) -> None:
    settings.OPENROUTER_LLM_MODEL = "echo"
    payload = "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))"
    response = await post(AsyncClient(), "/api/chat/stream", message=payload)

    htmls = [
        data.get("html") or data.get("response")
        async for name, data in sse_events(response)
        if name in {"delta", "done"}
    ]
    assert htmls[-1]
    for html in filter(None, htmls):
        assert_no_active_content(html)


async def test_offline_model_answers_without_a_key(offline: None) -> None:
    response = await post(AsyncClient(), "/api/chat", message="hello")

    assert response.status_code == 200
    body = response.json()
    assert body["model"] == "offline-demo"
    assert body["offline"] is True
    assert "Offline demo model" in body["raw_response"]


async def test_queued_api_returns_a_task_id(fake_llm: FakeLLMServer) -> None:
    response = await post(AsyncClient(), "/api/chat/queued", message="later please")

    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "READY"
    assert body["task_id"]
    pending = await Message.objects.aget(pk=body["message_id"])
    assert pending.status == Message.Status.PENDING
    assert pending.task_id == body["task_id"]
    assert fake_llm.state.requests == []


async def test_bearer_token_needs_no_csrf_and_bad_tokens_are_refused(
    fake_llm: FakeLLMServer,
) -> None:
    from accounts.services import api_token_create

    user: Any = await sync_to_async(UserFactory)()
    issued = await sync_to_async(api_token_create)(user=user, name="script")
    client = AsyncClient(enforce_csrf_checks=True)
    ok = await client.post(
        "/api/chat",
        json.dumps({"message": "from a script"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {issued.plain}"},
    )
    bad = await client.post(
        "/api/chat",
        json.dumps({"message": "forged"}),
        content_type="application/json",
        headers={"Authorization": "Bearer fo_not-a-real-token"},
    )

    assert ok.status_code == 200
    conversation = await Conversation.objects.aget(pk=ok.json()["conversation_id"])
    assert conversation.user_id == user.pk
    assert bad.status_code == 401
    assert bad.json()["code"] == "invalid_token"
    assert len(fake_llm.state.requests) == 1
