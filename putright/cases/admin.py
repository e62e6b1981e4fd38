"""Admin for cases: a read-only view that follows the same access rules as the pages.

The admin must not go round the rules: a case, its chronology, its issues, links and files
change only through the services (which version them and record an event), so nothing here
can be changed, added or deleted; each list shows only the cases the signed-in user may see
(``cases.access.cases_visible_to``), and opening a restricted case or one of its files is
recorded in the access log, as it is in the pages and the API.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from putright.accounts.access import record_access
from putright.accounts.models import User

from .access import cases_visible_to
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


def _visible(request: HttpRequest) -> QuerySet[Case]:
    user = request.user
    return cases_visible_to(user) if isinstance(user, User) else Case.objects.none()


class ReadOnly(admin.ModelAdmin[Any]):
    """Viewed, never changed, added or deleted here; only what the user may see."""

    case_path = "case"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        visible = _visible(request).values("pk")
        return super().get_queryset(request).filter(**{f"{self.case_path}__in": visible})

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        seen = self.get_object(request, object_id)
        if seen is not None:
            self.record_read(request, seen)
        return super().change_view(request, object_id, form_url, extra_context)

    def record_read(self, request: HttpRequest, seen: Model) -> None:
        case = seen if isinstance(seen, Case) else getattr(seen, "case", None)
        if isinstance(case, Case) and case.conduct and isinstance(request.user, User):
            record_access(request.user, "read restricted case (admin)", case.reference)


@admin.register(Case)
class CaseAdmin(ReadOnly):
    case_path = "pk"
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


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ("case", "sequence", "kind", "stage", "occurred_at", "actor", "actor_label")
    list_filter = ("kind",)
    search_fields = ("case__reference",)


@admin.register(CaseIssue)
class CaseIssueAdmin(ReadOnly):
    list_display = ("case", "number", "stage", "outcome")


@admin.register(CaseLink)
class CaseLinkAdmin(ReadOnly):
    case_path = "from_case"
    list_display = ("from_case", "kind", "to_case")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Both ends visible: a link never shows a case otherwise hidden.
        return super().get_queryset(request).filter(to_case__in=_visible(request).values("pk"))


@admin.register(Attachment)
class AttachmentAdmin(ReadOnly):
    """A file's record only: the file itself is opened from the case page, which checks and
    records who opens it; evidence is never deleted or re-pointed here."""

    list_display = ("case", "name", "content_type", "size", "uploaded_at")
    fields = ("case", "name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def record_read(self, request: HttpRequest, seen: Model) -> None:
        super().record_read(request, seen)
        if isinstance(seen, Attachment) and isinstance(request.user, User):
            record_access(
                request.user,
                "opened a file record (admin)",
                seen.case.reference,
                f"{seen.name} (file {seen.pk})",
            )
