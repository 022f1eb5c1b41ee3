"""Real servers and processes: uvicorn serving the project, a browser, a task worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings as django_settings

from chat.llm.errors import ChatErrorCode
from chat.models import Message
from chat.tests.helpers import assert_no_active_content, parse_block
from devtools.databases import database_url_for_subprocess
from devtools.fake_llm import FakeLLMServer
from devtools.net import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
BASE_DIR = Path(django_settings.BASE_DIR)


def csrf_session(client: httpx.Client, base: str) -> str:
    page = client.get(f"{base}/ai-demo/")
    marker = 'name="csrfmiddlewaretoken" value="'
    start = page.text.index(marker) + len(marker)
    return page.text[start : page.text.index('"', start)]


def test_client_disconnect_closes_the_upstream(
    asgi_live_server: str, fake_llm: FakeLLMServer
) -> None:
    fake_llm.app.tokens_per_second = 5.0  # the whole answer would take ~6 s
    with httpx.Client(timeout=10) as client:
        token = csrf_session(client, asgi_live_server)
        with client.stream(
            "POST",
            f"{asgi_live_server}/api/chat/stream",
            json={"message": "tell me a long story"},
            headers={"X-CSRFToken": token},
        ) as response:
            assert response.status_code == 200
            blocks = []
            for line in response.iter_lines():
                if line.startswith("event: delta"):
                    blocks.append(line)
                if len(blocks) == 2:
                    break  # leave mid-answer: the context manager closes the connection

    wait_until(lambda: fake_llm.state.disconnects == 1)
    assert fake_llm.state.completed_streams == 0
    wait_until(lambda: Message.objects.filter(role="assistant").exists())
    answer = Message.objects.get(role="assistant")
    assert answer.status == Message.Status.INTERRUPTED
    assert answer.content.startswith("Here is")


def test_heartbeat_comments_during_a_long_wait(
    asgi_live_server: str, fake_llm: FakeLLMServer, settings: Any
) -> None:
    fake_llm.app.latency = 1.0
    settings.CHAT_HEARTBEAT_SECONDS = 0.2
    with httpx.Client(timeout=10) as client:
        token = csrf_session(client, asgi_live_server)
        response = client.post(
            f"{asgi_live_server}/api/chat/stream",
            json={"message": "hi"},
            headers={"X-CSRFToken": token},
        )
    blocks = [parse_block(b) for b in response.text.split("\n\n") if b.strip()]
    names = [name for name, _ in blocks]
    assert names[0] == "meta"
    assert "comment" in names[: names.index("delta")]
    assert names[-2] == "done"


@pytest.mark.browser
def test_browser_sees_tokens_appear_one_by_one(
    page: Any, asgi_live_server: str, fake_llm: FakeLLMServer
) -> None:
    fake_llm.app.tokens_per_second = 10.0
    page.goto(f"{asgi_live_server}/ai-demo/")
    page.fill("textarea[name=message]", "Say something <script>window.pwned=1</script>")
    page.press("textarea[name=message]", "Enter")

    bubble = page.locator("[data-role=assistant] .chat-bubble").last
    lengths: list[int] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if bubble.count() and bubble.get_attribute("data-state") == "done":
            break
        if bubble.count():
            lengths.append(len(bubble.inner_text()))
        page.wait_for_timeout(50)
    assert bubble.get_attribute("data-state") == "done"
    assert len(set(lengths)) >= 3, lengths
    assert "<strong>short</strong>" in bubble.inner_html()
    assert (
        page.locator("[data-role=user] .chat-bubble")
        .last.inner_text()
        .endswith("<script>window.pwned=1</script>")
    )
    assert page.evaluate("window.pwned") is None
    assert_no_active_content(page.locator("#chat-messages").inner_html())
    assert "c=" in page.url  # the conversation can be resumed from the address bar
    assert page.locator("#chat-conversations a").first.inner_text().startswith("Say something")


@pytest.mark.browser
def test_browser_shows_a_mid_stream_fault_instead_of_the_fragment(
    page: Any, asgi_live_server: str, fake_llm: FakeLLMServer, settings: Any
) -> None:
    settings.OPENROUTER_LLM_MODEL = "fault/error-mid"
    page.goto(f"{asgi_live_server}/ai-demo/")
    page.fill("textarea[name=message]", "hello")
    page.press("textarea[name=message]", "Enter")

    failed = page.locator("[data-role=assistant] .chat-bubble[data-state=error]")
    failed.wait_for(timeout=10_000)
    assert failed.inner_text() == ChatErrorCode.STREAM_ERROR.user_message
    page.reload()
    assert ChatErrorCode.STREAM_ERROR.user_message in page.locator("#chat-messages").inner_text()
    assert "Here is" not in page.locator("#chat-messages").inner_text()


@pytest.mark.browser
def test_browser_queued_mode_shows_the_pending_answer_and_error_alerts(
    page: Any, asgi_live_server: str, fake_llm: FakeLLMServer, settings: Any
) -> None:
    page.goto(f"{asgi_live_server}/ai-demo/")
    page.check("input[name=chat-mode][value=queued]")
    page.fill("textarea[name=message]", "queue this")
    page.press("textarea[name=message]", "Enter")

    pending = page.locator("[data-role=assistant][hx-trigger='every 1s']")
    pending.wait_for(timeout=10_000)
    settings.CHAT_MAX_MESSAGE_CHARS = 5
    page.fill("textarea[name=message]", "far too long")
    page.press("textarea[name=message]", "Enter")
    page.locator("#chat-alert .alert-error").wait_for(timeout=10_000)
    assert "limited to 5 characters" in page.locator("#chat-alert").inner_text()


def test_queued_answer_completes_through_a_real_worker(fake_llm: FakeLLMServer) -> None:
    database_url = database_url_for_subprocess()
    if database_url is None:
        pytest.skip("needs a database another process can open (PostgreSQL or TEST_DATABASE_NAME)")
    from django.test import Client

    response = Client().post(
        "/api/chat/queued", {"message": "answer me later"}, content_type="application/json"
    )
    assert response.status_code == 202
    task_id = response.json()["task_id"]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "OPENROUTER_API_KEY": "test-key",
        "OPENROUTER_BASE_URL": fake_llm.base_url,
        "OPENROUTER_LLM_MODEL": "fake/model",
    }
    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--queue-name", "chat"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr[-2000:]

    answer = Message.objects.get(pk=response.json()["message_id"])
    assert answer.status == Message.Status.COMPLETE
    assert answer.content.startswith("Here is a **short** answer")
    from core.tasks import TaskResultStatus, default_task_backend

    result = default_task_backend.get_result(task_id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value is not None
    assert result.return_value["status"] == "complete"
    assert "<strong>short</strong>" in result.return_value["response"]
