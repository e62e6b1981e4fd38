"""The actions of learning from complaints, declared once.

``lessons`` is an action on a case (``POST /api/v1/cases/{reference}/lessons``, the staff page
``/cases/{reference}/lessons/``). The rest act on the organisation's rolling action plan:
raising an improvement action (``POST /api/v1/learning/actions``) and, on one action, noting
progress, completing it, reviewing its effectiveness, writing what changed for residents and
approving that text (``POST /api/v1/learning/actions/{action_id}/...``), each with its staff
page at the same path with a trailing slash. They are ``NestedAction``s: the record the path
names is the case (``target = "case"``), nothing (``"organisation"``, the body names it) or the
improvement action (``"improvement_action"``). ``perform_learning`` checks the permission
(``ACTION_ROLES``, for the organisation; an owner may note progress on and complete their own
action) and runs the service, which checks again and applies the pack's rules.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field

from putright.accounts.access import require_action
from putright.accounts.models import User
from putright.cases.models import Case
from putright.cases.services import Actor
from putright.learning import services
from putright.learning.access import require_plan_action
from putright.learning.models import ImprovementAction, Lesson
from putright.organisations.models import Organisation

from .catalogue import NestedAction, aware
from .inputs import In


class Versioned(In):
    version: int | None = Field(
        None, ge=1, description="The version you are acting on; 409 if it changed."
    )


class When(Versioned):
    occurred_at: datetime.datetime | None = Field(
        None, description="When it happened (never in the future); now if not given."
    )


class LessonActionIn(In):
    text: str = Field(..., min_length=1, max_length=5000, description="What will change.")
    owner: str = Field(..., min_length=1, max_length=150, description="username")
    due_on: datetime.date


class LessonIn(When):
    issue: int | None = Field(
        None, ge=1, le=500, description="The issue's number; none for the case as a whole."
    )
    cause: str = Field(..., min_length=1, max_length=60, description="A root cause of the pack.")
    scope: Literal["individual", "systemic"]
    text: str = Field(..., min_length=1, max_length=10000, description="What was learnt.")
    service_area: str = Field("", max_length=100, description="The case's if blank.")
    actions: list[LessonActionIn] = Field(default_factory=list, max_length=20)


class ImprovementIn(In):
    organisation: str = Field(..., min_length=1, max_length=60, description="slug")
    source: Literal["case", "ombudsman", "review"]
    case: str = Field("", max_length=30, description="The case's reference (source case).")
    source_reference: str = Field(
        "", max_length=100, description="The Ombudsman's case or the review (other sources)."
    )
    cause: str = Field("", max_length=60)
    service_area: str = Field("", max_length=100)
    text: str = Field(..., min_length=1, max_length=5000, description="What will change.")
    owner: str = Field(..., min_length=1, max_length=150, description="username")
    due_on: datetime.date


class ProgressIn(When):
    text: str = Field(..., min_length=1, max_length=5000)


class CompleteIn(When):
    note: str = Field(..., min_length=1, max_length=5000, description="What was done.")


class EffectivenessIn(When):
    effective: bool
    note: str = Field(..., min_length=1, max_length=5000, description="What the review found.")


class PublicTextIn(Versioned):
    public_text: str = Field(..., min_length=1, max_length=3000)


class ApprovePublicIn(Versioned):
    approve: bool
    note: str = Field("", max_length=2000)


def _lesson(case: Case, actor: Actor, p: LessonIn, c: dict[str, Any]) -> Lesson:
    return services.lesson_record(
        case=case,
        actor=actor,
        cause=p.cause,
        scope=p.scope,
        text=p.text,
        issue=p.issue,
        service_area=p.service_area,
        actions=[services.ActionToRaise(a.text, a.owner, a.due_on) for a in p.actions],
        expected_version=p.version,
        occurred_at=c["occurred_at"],
    )


def _raise(organisation: Organisation, actor: Actor, p: ImprovementIn) -> ImprovementAction:
    return services.improvement_raise(
        organisation=organisation,
        actor=actor,
        source=p.source,
        text=p.text,
        owner=p.owner,
        due_on=p.due_on,
        cause=p.cause,
        service_area=p.service_area,
        case_reference=p.case,
        source_reference=p.source_reference,
    )


LEARNING_ACTIONS: tuple[NestedAction, ...] = (
    NestedAction(
        "lessons",
        "Record lessons learnt",
        "/cases/{reference}/lessons",
        LessonIn,
        lambda case, _, actor, p, c: _lesson(case, actor, p, c),
        lambda lesson: "Lesson recorded.",
        permission="lessons",
        button="Record the lesson",
        target="case",
    ),
    NestedAction(
        "improvement-raise",
        "Raise an improvement action",
        "/learning/actions",
        ImprovementIn,
        lambda _, organisation, actor, p, c: _raise(organisation, actor, p),
        lambda action: f"Improvement action raised: due {action.due_on:%-d %B %Y}.",
        permission="improvement-raise",
        target="organisation",
    ),
    NestedAction(
        "improvement-progress",
        "Add a progress note",
        "/learning/actions/{action_id}/progress",
        ProgressIn,
        lambda _, action, actor, p, c: services.improvement_progress(
            action=action,
            actor=actor,
            text=p.text,
            expected_version=p.version,
            occurred_at=c["occurred_at"],
        ),
        lambda action: "Progress noted.",
        permission="improvement-progress",
        target="improvement_action",
    ),
    NestedAction(
        "improvement-complete",
        "Complete the action",
        "/learning/actions/{action_id}/complete",
        CompleteIn,
        lambda _, action, actor, p, c: services.improvement_complete(
            action=action,
            actor=actor,
            note=p.note,
            expected_version=p.version,
            occurred_at=c["occurred_at"],
        ),
        lambda action: (
            f"Completed. Its effectiveness is reviewed by {action.review_due_on:%-d %B %Y}."
        ),
        permission="improvement-complete",
        target="improvement_action",
    ),
    NestedAction(
        "improvement-review",
        "Review its effectiveness",
        "/learning/actions/{action_id}/review",
        EffectivenessIn,
        lambda _, action, actor, p, c: services.improvement_review(
            action=action,
            actor=actor,
            effective=p.effective,
            note=p.note,
            expected_version=p.version,
            occurred_at=c["occurred_at"],
        ),
        lambda action: "Effectiveness review recorded.",
        permission="improvement-review",
        target="improvement_action",
    ),
    NestedAction(
        "improvement-write-public",
        "Write what changed, for residents",
        "/learning/actions/{action_id}/public-text",
        PublicTextIn,
        lambda _, action, actor, p, c: services.improvement_write_public(
            action=action, actor=actor, text=p.public_text, expected_version=p.version
        ),
        lambda action: "Written: it is published once someone else approves it.",
        permission="improvement-write-public",
        target="improvement_action",
    ),
    NestedAction(
        "improvement-approve-public",
        "Approve what changed, for residents",
        "/learning/actions/{action_id}/approve-public-text",
        ApprovePublicIn,
        lambda _, action, actor, p, c: services.improvement_approve_public(
            action=action, actor=actor, approve=p.approve, note=p.note, expected_version=p.version
        ),
        lambda action: (
            "Approved: it is on the public page."
            if action.published_on
            else "Sent back to be written again."
        ),
        permission="improvement-approve-public",
        target="improvement_action",
    ),
)

LEARNING_BY_NAME: dict[str, NestedAction] = {a.name: a for a in LEARNING_ACTIONS}


def perform_learning(action: NestedAction, *, user: User, target: Any, payload: In) -> Any:
    """Take a learning action as ``user``: their role (for the organisation or the case), then
    the service, decide."""
    actor = Actor(user)
    occurred_at = aware(getattr(payload, "occurred_at", None))
    common = {"occurred_at": occurred_at, "expected_version": getattr(payload, "version", None)}
    if action.target == "case":
        require_action(user, target, action.permission)
        return action.run(target, None, actor, payload, common)
    organisation_id = target.pk if action.target == "organisation" else target.organisation_id
    require_plan_action(
        user,
        organisation_id,
        action.permission,
        target if action.target == "improvement_action" else None,
    )
    return action.run(None, target, actor, payload, common)  # type: ignore[arg-type]
