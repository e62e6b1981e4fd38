"""Learning from complaints over the API: lessons on a case and the action plan
(``putright/actions/learning.py`` declares each action).

``GET /learning/actions?organisation=`` lists the organisation's improvement actions to those
who read its cases or reports (404 for anyone else); ``POST /learning/actions`` raises one;
``GET /learning/actions/{id}`` answers one with its history and deadlines, and each change to
it is ``POST /learning/actions/{id}/...``. ``POST /cases/{reference}/lessons`` records a
lesson (and any actions it raises) on a case the caller may see.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from putright.accounts.access import NotVisibleError
from putright.actions.inputs import In, Text
from putright.actions.learning import (
    LEARNING_BY_NAME,
    ApprovePublicIn,
    CompleteIn,
    EffectivenessIn,
    ImprovementIn,
    LessonIn,
    ProgressIn,
    PublicTextIn,
    perform_learning,
)
from putright.cases.access import access_case
from putright.learning.access import access_action, access_plan
from putright.learning.models import ImprovementAction, Lesson
from putright.learning.selectors import action_deadlines, action_history
from putright.organisations.models import Organisation

from .reference import user_of
from .schemas import errors

router = Router(tags=["learning"])


class ActionDeadlineOut(Schema):
    step: str
    label: str
    due: datetime.date
    state: str = Field(description="open, overdue, done or done_late")
    owner: str | None = None
    explanation: str
    source: str


class HistoryOut(Schema):
    kind: str
    occurred_at: datetime.datetime
    by: str
    text: str = ""


class ImprovementOut(Schema):
    id: int
    organisation: str
    source: str = Field(description="case, ombudsman or review")
    case: str | None = Field(None, description="The reference of the case it came from.")
    source_reference: str = ""
    lesson: int | None = None
    cause: str = ""
    service_area: str = ""
    text: str
    owner: str | None = Field(None, description="username")
    due_on: datetime.date
    status: str = Field(description="open or completed")
    completed_on: datetime.date | None = None
    completion_note: str = ""
    review_due_on: datetime.date | None = None
    effective: bool | None = Field(None, description="null until its effectiveness is reviewed")
    effectiveness_note: str = ""
    reviewed_on: datetime.date | None = None
    public_text: str = ""
    publication: str = Field("", description='"", "awaiting" or "published"')
    published_on: datetime.date | None = None
    version: int
    deadlines: list[ActionDeadlineOut] = Field(default_factory=list)
    history: list[HistoryOut] = Field(default_factory=list)


class LessonOut(Schema):
    id: int
    case: str
    issue: int | None = None
    cause: str
    scope: str
    service_area: str
    text: str
    recorded_at: datetime.datetime
    actions: list[ImprovementOut]
    case_version: int


class PlanFilters(In):
    organisation: Text = Field(..., min_length=1, max_length=60, description="slug")
    status: str = Field("", pattern="^(|open|completed)$", description="open or completed")


def improvement_out(action: ImprovementAction, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": action.pk,
        "organisation": action.organisation.slug,
        "source": action.source,
        "case": action.case.reference if action.case else None,
        "source_reference": action.source_reference,
        "lesson": action.lesson_id,
        "cause": action.cause,
        "service_area": action.service_area,
        "text": action.text,
        "owner": action.owner.username if action.owner else None,
        "due_on": action.due_on,
        "status": action.status,
        "completed_on": action.completed_on,
        "completion_note": action.completion_note,
        "review_due_on": action.review_due_on,
        "effective": action.effective,
        "effectiveness_note": action.effectiveness_note,
        "reviewed_on": action.reviewed_on,
        "public_text": action.public_text,
        "publication": action.publication,
        "published_on": action.published_on,
        "version": action.version,
    }
    if full:
        out["deadlines"] = action_deadlines(action, now=timezone.now())
        out["history"] = [
            {"kind": e.kind, "occurred_at": e.occurred_at, "by": e.by, "text": e.text}
            for e in action_history(action)
        ]
    return out


OK = {200: ImprovementOut, **errors(403, 404, 409, 422)}


@router.get(
    "/learning/actions",
    response={200: list[ImprovementOut], **errors(404)},
    operation_id="learning_actions_list",
)
def actions_list(request: HttpRequest, filters: Query[PlanFilters]) -> Any:
    """The organisation's rolling action plan: every improvement action, due first."""
    organisation = access_plan(user_of(request), filters.organisation)
    actions = ImprovementAction.objects.filter(organisation=organisation).select_related(
        "organisation", "owner", "case"
    )
    if filters.status:
        actions = actions.filter(status=filters.status)
    return [improvement_out(a) for a in actions.order_by("due_on", "pk")]


@router.post(
    "/learning/actions",
    response={201: ImprovementOut, **errors(403, 404, 409, 422)},
    operation_id="learning_actions_raise",
)
def actions_raise(request: HttpRequest, payload: ImprovementIn) -> Any:
    """Raise an improvement action (from a complaint, an Ombudsman order or recommendation, or
    a review) with its owner and due date; its clock goes on the owner's My work."""
    user = user_of(request)
    organisation: Organisation = access_plan(user, payload.organisation)
    action = perform_learning(
        LEARNING_BY_NAME["improvement-raise"], user=user, target=organisation, payload=payload
    )
    return Status(201, improvement_out(action, full=True))


@router.get(
    "/learning/actions/{action_id}",
    response={200: ImprovementOut, **errors(404)},
    operation_id="learning_actions_get",
)
def actions_get(request: HttpRequest, action_id: int) -> Any:
    """One improvement action with its deadlines (each explained) and its history."""
    return improvement_out(access_action(user_of(request), action_id), full=True)


def _on_action(request: HttpRequest, name: str, action_id: int, payload: Any) -> Any:
    user = user_of(request)
    action = access_action(user, action_id)
    done = perform_learning(LEARNING_BY_NAME[name], user=user, target=action, payload=payload)
    return improvement_out(done, full=True)


@router.post(
    "/learning/actions/{action_id}/progress", response=OK, operation_id="learning_progress"
)
def progress(request: HttpRequest, action_id: int, payload: ProgressIn) -> Any:
    """A progress note on an open action (its owner, or a manager)."""
    return _on_action(request, "improvement-progress", action_id, payload)


@router.post(
    "/learning/actions/{action_id}/complete", response=OK, operation_id="learning_complete"
)
def complete(request: HttpRequest, action_id: int, payload: CompleteIn) -> Any:
    """Complete the action: its effectiveness review is set, and each complainant whose case
    it came from is told what changed where the policy gives a letter for it."""
    return _on_action(request, "improvement-complete", action_id, payload)


@router.post("/learning/actions/{action_id}/review", response=OK, operation_id="learning_review")
def review(request: HttpRequest, action_id: int, payload: EffectivenessIn) -> Any:
    """Whether the completed action worked (did complaints of its cause fall?)."""
    return _on_action(request, "improvement-review", action_id, payload)


@router.post(
    "/learning/actions/{action_id}/public-text",
    response=OK,
    operation_id="learning_public_text",
)
def public_text(request: HttpRequest, action_id: int, payload: PublicTextIn) -> Any:
    """What we learnt and changed, for the public page: it must identify nobody, and waits for
    someone else's approval."""
    return _on_action(request, "improvement-write-public", action_id, payload)


@router.post(
    "/learning/actions/{action_id}/approve-public-text",
    response=OK,
    operation_id="learning_approve_public_text",
)
def approve_public_text(request: HttpRequest, action_id: int, payload: ApprovePublicIn) -> Any:
    """Publish the text on the organisation's public page, or send it back with a note."""
    return _on_action(request, "improvement-approve-public", action_id, payload)


@router.post(
    "/cases/{reference}/lessons",
    response={201: LessonOut, **errors(403, 404, 409, 422)},
    operation_id="cases_lessons",
)
def lessons(request: HttpRequest, reference: Text, payload: LessonIn) -> Any:
    """Record a lesson learnt from the case: the issue (upheld or partly upheld) or the case as
    a whole, its root cause from the policy's list, individual or systemic, what was learnt,
    and any improvement actions it raises. It is the case's lessons-learned report where the
    policy asks for one."""
    user = user_of(request)
    case = access_case(user, reference)
    lesson: Lesson = perform_learning(
        LEARNING_BY_NAME["lessons"], user=user, target=case, payload=payload
    )
    lesson.case.refresh_from_db(fields=["version"])
    return Status(
        201,
        {
            "id": lesson.pk,
            "case": lesson.case.reference,
            "issue": lesson.issue.number if lesson.issue else None,
            "cause": lesson.cause,
            "scope": lesson.scope,
            "service_area": lesson.service_area,
            "text": lesson.text,
            "recorded_at": lesson.recorded_at,
            "actions": [
                improvement_out(a)
                for a in lesson.actions.select_related("organisation", "owner", "case")
            ],
            "case_version": lesson.case.version,
        },
    )


__all__ = ["NotVisibleError", "router"]
