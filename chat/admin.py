from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from chat.models import Conversation, Message, RateCounter


class MessageInline(admin.TabularInline[Message, Conversation]):
    model = Message
    extra = 0
    fields = ("created_at", "role", "status", "error_code", "model", "content")
    readonly_fields = ("created_at", "role", "status", "error_code", "model", "content")
    can_delete = True
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Conversation | None = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin[Conversation]):
    list_display = ("title", "user", "session_key", "message_count", "updated_at")
    list_filter = ("updated_at",)
    search_fields = ("title", "user__email", "messages__content")
    readonly_fields = ("created_at", "updated_at", "session_key")
    raw_id_fields = ("user",)
    inlines = [MessageInline]
    date_hierarchy = "updated_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Conversation]:
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(_message_count=Count("messages"))
        )

    @admin.display(description="Messages", ordering="_message_count")
    def message_count(self, obj: Conversation) -> int:
        return int(getattr(obj, "_message_count", 0))


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ("id", "conversation", "role", "status", "error_code", "model", "created_at")
    list_filter = ("role", "status", "error_code", "model")
    search_fields = ("content", "conversation__title")
    readonly_fields = ("created_at", "task_id")
    raw_id_fields = ("conversation",)
    list_select_related = ("conversation",)


@admin.register(RateCounter)
class RateCounterAdmin(admin.ModelAdmin[RateCounter]):
    list_display = ("key", "window_start", "count")
    search_fields = ("key",)
    list_filter = ("window_start",)
    ordering = ("-window_start",)
