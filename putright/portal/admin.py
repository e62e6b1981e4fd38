"""Satisfaction answers in the admin, read-only: they are the resident's words."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import SatisfactionResponse


@admin.register(SatisfactionResponse)
class SatisfactionResponseAdmin(admin.ModelAdmin[SatisfactionResponse]):
    list_display = ("case", "score", "created_at")
    list_filter = ("score",)
    search_fields = ("case__reference",)
    readonly_fields = ("case", "score", "comment", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
