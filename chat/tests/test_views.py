from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from chat.models import Conversation, Message
from chat.tests.helpers import assert_no_active_content

pytestmark = pytest.mark.django_db


def conversation_with(
    *, client: Client, user_text: str, answer: str, **fields: Any
) -> Conversation:
    client.get("/ai-demo/")
    session = client.session
    if not session.session_key:
        session.save()
    session_key = session.session_key or ""
    client.cookies["sessionid"] = session_key
    conversation = Conversation.objects.create(title=user_text[:80], session_key=session_key)
    Message.objects.create(conversation=conversation, role="user", content=user_text)
    Message.objects.create(conversation=conversation, role="assistant", content=answer, **fields)
    return conversation


def test_page_offline_badge_and_form(settings: Any) -> None:
    settings.OPENROUTER_API_KEY = ""
    response = Client().get("/ai-demo/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Offline demo model" in html
    assert "offline-demo" in html
    assert 'name="chat-mode" value="queued"' in html
    assert "js/chat.js" in html


def test_page_with_a_key_has_no_offline_alert(settings: Any) -> None:
    settings.OPENROUTER_API_KEY = "sk-x"
    settings.OPENROUTER_LLM_MODEL = "vendor/model"
    html = Client().get("/ai-demo/").content.decode()

    assert "Offline demo model" not in html
    assert "vendor/model" in html


def test_page_labels_the_configured_backend_not_the_key(settings: Any) -> None:
    settings.OPENROUTER_API_KEY = "sk-x"
    settings.CHAT_BACKEND = "chat.llm.backends.offline.OfflineBackend"
    html = Client().get("/ai-demo/").content.decode()

    assert "Offline demo model" in html
    assert "offline-demo" in html


def test_conversation_is_listed_and_resumable_with_xss_neutralised() -> None:
    client = Client()
    conversation = conversation_with(
        client=client,
        user_text="<script>alert('user')</script> hello",
        answer="**Bold** <img src=x onerror=alert(1)> [x](javascript:alert(1))",
    )
    response = client.get("/ai-demo/", {"c": conversation.pk})

    html = response.content.decode()
    assert f'href="?c={conversation.pk}"' in html
    assert "<strong>Bold</strong>" in html
    start, end = html.index('id="chat-messages"'), html.index('id="chat-alert"')
    assert_no_active_content(html[start:end])
    assert "&lt;script&gt;alert(&#x27;user&#x27;)&lt;/script&gt; hello" in html


def test_other_visitors_cannot_open_a_conversation() -> None:
    conversation = conversation_with(client=Client(), user_text="secret", answer="ok")

    assert Client().get("/ai-demo/", {"c": conversation.pk}).status_code == 404


def test_error_rows_show_the_users_message() -> None:
    client = Client()
    conversation = conversation_with(
        client=client, user_text="hi", answer="", status="error", error_code="bad_key"
    )
    html = client.get("/ai-demo/", {"c": conversation.pk}).content.decode()

    assert "The AI provider rejected the API key" in html
    assert "chat-bubble-error" in html


def test_logged_in_users_see_only_their_conversations() -> None:
    user: Any = UserFactory()
    other: Any = UserFactory()
    mine = Conversation.objects.create(user=user, title="mine")
    Conversation.objects.create(user=other, title="theirs")
    client = Client()
    client.force_login(user)
    html = client.get("/ai-demo/").content.decode()

    assert f'href="?c={mine.pk}"' in html
    assert "theirs" not in html


def test_queued_send_returns_bubbles_that_poll(django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("chat:queued_send"), {"message": "hello <b>x</b>"})

    html = response.content.decode()
    pending = Message.objects.get(role="assistant")
    assert pending.status == Message.Status.PENDING
    assert pending.task_id
    assert 'hx-trigger="every 1s"' in html
    assert f"/ai-demo/queued/{pending.pk}/" in html
    assert "hello &lt;b&gt;x&lt;/b&gt;" in html

    Message.objects.filter(pk=pending.pk).update(status="complete", content="**done**")
    polled = client.get(reverse("chat:queued_message", args=[pending.pk])).content.decode()
    assert "<strong>done</strong>" in polled
    assert "hx-trigger" not in polled
    assert Client().get(reverse("chat:queued_message", args=[pending.pk])).status_code == 404


def test_queued_send_refuses_over_the_limit(settings: Any) -> None:
    settings.CHAT_RATE_LIMIT_IP_PER_MINUTE = 1
    client = Client()
    client.post(reverse("chat:queued_send"), {"message": "one"})
    response = client.post(reverse("chat:queued_send"), {"message": "two"})

    assert response.status_code == 429
    assert "Retry-After" in response
    assert "Too many messages" in response.content.decode()


@pytest.mark.parametrize(
    ("message", "login", "status", "text"),
    [
        ("   ", False, 400, "Type a message first."),
        ("hi", True, 401, "Log in to use the chat."),
    ],
    ids=["empty", "login-required"],
)
def test_queued_send_refusals_are_alerts_with_the_page_status(
    settings: Any, message: str, login: bool, status: int, text: str
) -> None:
    settings.CHAT_REQUIRE_LOGIN = login
    response = Client().post(reverse("chat:queued_send"), {"message": message})

    assert response.status_code == status
    assert text in response.content.decode()
    assert not Message.objects.exists()


def test_admin_lists_conversations_with_messages_inline(superuser: Any) -> None:
    conversation = conversation_with(client=Client(), user_text="hi admin", answer="answer")
    client = Client()
    client.force_login(superuser)

    assert client.get("/admin/chat/conversation/").status_code == 200
    change = client.get(f"/admin/chat/conversation/{conversation.pk}/change/")
    assert change.status_code == 200
    assert "hi admin" in change.content.decode()
    assert client.get("/admin/chat/message/").status_code == 200
    assert client.get("/admin/chat/ratecounter/").status_code == 200
