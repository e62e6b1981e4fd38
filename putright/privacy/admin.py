"""The admin: an organisation's own retention periods are set here; the rest is read only
(requests, holds and redactions change only through their actions, each recorded)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest

from .models import DataRequest, LegalHold, Redaction, RetentionPeriod, RetentionRun
from .schedule import RECORD_TYPES, default_schedule


class RetentionPeriodForm(ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RetentionPeriod
        fields = ["organisation", "record_type", "months", "reason"]

    def clean_record_type(self) -> str:
        value: str = self.cleaned_data["record_type"]
        if value not in RECORD_TYPES:
            raise ValidationError(f"Choose one of: {', '.join(RECORD_TYPES)}.")
        return value

    def clean_months(self) -> int:
        value: int = self.cleaned_data["months"]
        if not 1 <= value <= 1200:
            raise ValidationError("Give between 1 and 1,200 months.")
        return value


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = RetentionPeriodForm
    list_display = ["organisation", "record_type", "months", "default_months"]
    list_filter = ["organisation"]

    @admin.display(description="PutRight's default (months)")
    def default_months(self, obj: RetentionPeriod) -> int | str:
        rule = next((r for r in default_schedule().record_types if r.id == obj.record_type), None)
        return rule.months if rule else "-"


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DataRequest)
class DataRequestAdmin(ReadOnly):
    list_display = ["pk", "organisation", "kind", "status", "received_at", "decided_at"]
    list_filter = ["organisation", "kind", "status"]
    exclude = ["redactions"]


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnly):
    list_display = ["case", "placed_at", "placed_by", "lifted_at"]


@admin.register(Redaction)
class RedactionAdmin(ReadOnly):
    list_display = ["source", "event_id", "basis", "redacted_at", "redacted_by_label"]
    list_filter = ["source", "basis"]


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnly):
    list_display = ["organisation", "started_at", "dry_run", "counts"]
