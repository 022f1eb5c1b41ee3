from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from chat import views

app_name = "chat"

urlpatterns: list[URLPattern | URLResolver] = [
    path("ai-demo/", views.chat_page, name="page"),
    path("ai-demo/queued/", views.queued_send, name="queued_send"),
    path("ai-demo/queued/<int:message_id>/", views.queued_message, name="queued_message"),
]
