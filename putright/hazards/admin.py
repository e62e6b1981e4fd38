"""Hazards in the admin: read only, and only those on cases the user may see (the rules of
the services are not bypassed here)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from putright.cases.access import cases_visible_to

from .models import Hazard


@admin.register(Hazard)
class HazardAdmin(admin.ModelAdmin[Hazard]):
    list_display = ("pk", "case", "kind", "severity", "status", "statutory", "aware_at")
    list_filter = ("severity", "status", "statutory")

    def get_queryset(self, request: HttpRequest) -> Any:
        user: Any = request.user
        return super().get_queryset(request).filter(case__in=cases_visible_to(user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
