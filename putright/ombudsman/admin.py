"""The Ombudsman casework in the admin: read only, and only on cases the user may see (the
pages' rule). Every change goes through the services, which record it and tell who must know."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from putright.accounts.models import User
from putright.cases.access import cases_visible_to

from .models import Contact, Determination, Order, SectorFinding


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _visible_cases(request: HttpRequest) -> Any:
    user = request.user
    return cases_visible_to(user) if isinstance(user, User) else []


@admin.register(Contact)
class ContactAdmin(ReadOnly):
    list_display = ("case", "kind", "received_at", "due_on", "evidence_sent_at")
    list_filter = ("kind",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Contact]:
        return super().get_queryset(request).filter(case__in=_visible_cases(request))


@admin.register(Determination)
class DeterminationAdmin(ReadOnly):
    list_display = ("case", "determined_on", "received_on", "appeal_by", "appeal_decision")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Determination]:
        return super().get_queryset(request).filter(case__in=_visible_cases(request))


@admin.register(Order)
class OrderAdmin(ReadOnly):
    list_display = ("determination", "number", "kind", "owner", "due_on", "completed_on")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return super().get_queryset(request).filter(determination__case__in=_visible_cases(request))


@admin.register(SectorFinding)
class SectorFindingAdmin(ReadOnly):
    """The Ombudsman's published findings: public, imported by ``putright ombudsman import``."""

    list_display = ("case_id", "landlord", "landlord_type", "decision_date", "category", "finding")
    list_filter = ("finding", "landlord_type")
    search_fields = ("case_id", "landlord", "category")
