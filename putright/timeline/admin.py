"""Admin for record timelines: read only; entries and clocks change only through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Clock, Entry


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("record_type", "record_id", "sequence", "kind", "occurred_at", "actor_label")
    list_filter = ("record_type", "kind")
    list_select_related = ("organisation",)


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin):
    list_display = ("label", "record_type", "record_id", "owner", "due_at", "completed_at")
    list_filter = ("record_type", "unit")
    list_select_related = ("owner",)
