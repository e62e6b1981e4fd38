"""The admin: subscriptions and their deliveries, read-only (changes go through the services,
which record them in the subscription's history: ``putright webhooks`` and the staff page)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Attempt, Delivery, Subscription


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnly):
    list_display = ["pk", "organisation", "url", "active", "created_at"]
    list_filter = ["organisation", "active"]
    exclude = ["secret"]


class AttemptInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Attempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "at", "duration_ms", "response_code", "error", "next_retry_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["webhook_id", "subscription", "event_type", "status", "attempts", "created_at"]
    list_filter = ["status", "event_type"]
    exclude = ["payload"]
    inlines = [AttemptInline]
