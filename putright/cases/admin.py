"""Admin for cases: reference data is editable; workflow fields and the chronology are read-only.

The admin must not bypass the rules: stage, status, deadlines and events change only
through the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Attachment, Case, CaseIssue, CaseLink, Event

WORKFLOW_FIELDS = (
    "reference",
    "organisation",
    "policy_pack",
    "kind",
    "received_at",
    "deemed_received_on",
    "stage",
    "route",
    "status",
    "eligibility",
    "eligibility_reason",
    "closure_reason",
    "closed_at",
    "handler",
    "investigator",
    "investigating_team",
    "next_due_on",
    "next_due_step",
    "next_action_on",
    "version",
    "customer",
    "representative",
)


class EventInline(admin.TabularInline[Event, Case]):
    model = Event
    fields = (
        "sequence",
        "kind",
        "stage",
        "occurred_at",
        "recorded_at",
        "actor",
        "actor_label",
        "data",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("sequence",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    list_display = (
        "reference",
        "organisation",
        "kind",
        "stage",
        "status",
        "next_due_on",
        "handler",
    )
    list_filter = ("organisation", "kind", "stage", "status", "channel")
    search_fields = ("reference", "summary", "customer__name", "customer__postcode")
    readonly_fields = WORKFLOW_FIELDS
    inlines = [EventInline]
    list_select_related = ("organisation", "handler")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # cases are recorded through the services, which start their deadlines

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = ("case", "sequence", "kind", "stage", "occurred_at", "actor", "actor_label")
    list_filter = ("kind",)
    search_fields = ("case__reference",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.register(CaseIssue)
admin.site.register(CaseLink)
admin.site.register(Attachment)
