"""The admin lists incoming messages read-only: classifying them is an action (the staff pages
and the API), and the raw message is never linked from here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import IncomingMessage


@admin.register(IncomingMessage)
class IncomingMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["pk", "organisation", "received_at", "status", "source"]
    list_filter = ["organisation", "status", "source"]
    fields = ["organisation", "received_at", "source", "status", "problem", "result_case"]

    def get_queryset(self, request: HttpRequest) -> Any:
        from .selectors import messages_visible_to

        return messages_visible_to(request.user)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
