"""Closing, reopening and withdrawing a case."""

from __future__ import annotations

import datetime

from django.db import transaction

from putright.accounts.actors import Actor

from .. import errors
from ..errors import (
    CaseInputError,
    CaseStateError,
    PolicyRuleError,
)
from ..models import (
    Case,
    ClosureReason,
    Event,
    EventKind,
    Status,
)
from ..selectors import case_events, case_pack, stage_events
from ._common import _append, _lock, _moment, _require_open, _save

# -- closing and reopening -------------------------------------------------------------

#: The mark ``putright.learning`` puts on the note that records a lesson in the chronology
#: (``data["learning"]``): the case's lessons-learned report is in.
LESSONS_RECORDED = "lessons_recorded"
NO_LESSONS_REPORT = (
    "This complaint cannot close until its lessons-learned report is recorded (Record lessons "
    "learnt): the policy ({source}) makes the report a condition of closing."
)


def lessons_recorded_in(events: list[Event]) -> bool:
    """Whether the chronology holds a lesson (a note ``putright.learning`` marked as one)."""
    return any(
        event.kind == EventKind.NOTE and (event.data or {}).get("learning") == LESSONS_RECORDED
        for event in events
    )


def _require_lessons_report(case: Case) -> None:
    """Where the pack makes the lessons-learned report a condition of closing, an answered
    case of the kinds it names closes only once the report is in its chronology."""
    rules = case_pack(case).learning
    if not rules.report_closes or case.kind not in rules.report_kinds:
        return
    events = list(case_events(case))
    answered = any(event.kind == EventKind.RESPONDED for event in events)
    if answered and not lessons_recorded_in(events):
        raise PolicyRuleError(
            NO_LESSONS_REPORT.format(source=rules.report_source),
            rule="learning.report_closes",
            source=rules.report_source,
        )


def _close(
    case: Case,
    reason: str,
    actor: Actor,
    moment: datetime.datetime,
    *,
    note: str = "",
    events: list[Event] | None = None,
) -> None:
    _append(case, EventKind.CLOSED, actor, moment, {"reason": reason, "note": note}, events=events)
    case.status = Status.CLOSED
    case.closure_reason = reason
    case.closed_at = moment


@transaction.atomic
def case_close(
    *,
    case: Case,
    actor: Actor,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Close the case for one of the recognised reasons."""
    case = _lock(case, expected_version)
    _require_open(case)
    if reason not in ClosureReason.values:
        raise CaseInputError(
            f"Choose a reason: {', '.join(ClosureReason.values)}.", fields={"reason": "Required."}
        )
    _require_lessons_report(case)
    moment = _moment(occurred_at, case)
    _close(case, reason, actor, moment, note=note)
    _save(case, "status", "closure_reason", "closed_at")
    return case


@transaction.atomic
def case_reopen(
    *,
    case: Case,
    actor: Actor,
    reason: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Reopen a closed case, for example on new evidence; the reason is recorded."""
    case = _lock(case, expected_version)
    if not case.is_closed:
        raise CaseStateError(errors.NOT_CLOSED)
    if not reason.strip():
        raise CaseInputError("Say why the case is reopened.", fields={"reason": "Required."})
    moment = _moment(occurred_at, case)
    _append(case, EventKind.REOPENED, actor, moment, {"reason": reason})
    case.status = _status_after_reopening(case)
    case.closure_reason = ""
    case.closed_at = None
    _save(case, "status", "closure_reason", "closed_at")
    return case


def _status_after_reopening(case: Case) -> str:
    """Open, or waiting for escalation when the current stage was answered and can escalate."""
    if not case.stage:
        return Status.OPEN
    stage = case_pack(case).stage(case.stage)
    answered = any(e.kind == EventKind.RESPONDED for e in stage_events(case, case_events(case)))
    return Status.AWAITING_ESCALATION if answered and stage.escalation else Status.OPEN


@transaction.atomic
def case_withdraw(
    *,
    case: Case,
    actor: Actor,
    note: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """The customer withdraws the case; it closes."""
    case = _lock(case, expected_version)
    _require_open(case)
    moment = _moment(occurred_at, case)
    _append(case, EventKind.WITHDRAWN, actor, moment, {"note": note})
    _close(case, ClosureReason.WITHDRAWN, actor, moment, note=note)
    _save(case, "status", "closure_reason", "closed_at")
    return case
