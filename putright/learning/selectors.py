"""Reading the action plan: an action's deadlines (each explained) and its history in words,
and a case's lessons, as every interface shows them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from putright.cases.models import Case
from putright.timeline.models import Clock
from putright.timeline.selectors import clock_timing, record_clocks, record_history

from .models import ImprovementAction, Lesson
from .services import RECORD_TYPE, REVIEW_STEP

#: The history's entries in words.
ENTRY_WORDS = {
    "raised": "Raised",
    "progress": "Progress",
    "completed": "Completed",
    "reviewed": "Effectiveness reviewed",
    "complainant_told": "Complainant told what changed",
    "complainant_not_told": "Complainant could not be told",
    "public_text_written": "Written for residents",
    "public_text_approved": "Published for residents",
    "public_text_sent_back": "Sent back to be written again",
    "clock_started": "Deadline set",
    "clock_stopped": "Deadline met",
    "chased": "Chased",
}
STATE_WORDS = {"open": "due", "overdue": "overdue", "done": "done", "done_late": "done late"}


def clock_out(clock: Clock, now: datetime.datetime) -> dict[str, Any]:
    """One clock as the API and the pages show it: due when, in what state, and why."""
    timing = clock_timing(clock)
    if clock.completed_at:
        state = "done_late" if clock.completed_at >= clock.due_at else "done"
    else:
        state = "overdue" if clock.due_at <= now else "open"
    return {
        "step": clock.step,
        "label": clock.label,
        "due": clock.due_on,
        "state": state,
        "state_words": STATE_WORDS[state],
        "owner": str(clock.owner) if clock.owner else None,
        "explanation": timing.explanation.text(),
        "source": timing.explanation.source,
    }


def action_deadlines(action: ImprovementAction, *, now: datetime.datetime) -> list[dict[str, Any]]:
    return [clock_out(c, now) for c in record_clocks(record_type=RECORD_TYPE, record_id=action.pk)]


@dataclass(frozen=True)
class HistoryLine:
    kind: str
    label: str
    occurred_at: datetime.datetime
    by: str
    text: str


def action_history(action: ImprovementAction) -> list[HistoryLine]:
    lines = []
    for entry in record_history(record_type=RECORD_TYPE, record_id=action.pk):
        data = entry.data or {}
        text = str(data.get("text") or data.get("label") or "")
        if entry.kind == "reviewed":
            verdict = "It worked" if data.get("effective") else "It did not work"
            text = f"{verdict}: {text}"
        elif entry.kind in ("complainant_told", "complainant_not_told"):
            text = f"{data.get('case', '')}: {text or data.get('channel', '')}".strip(": ")
        lines.append(
            HistoryLine(
                kind=entry.kind,
                label=ENTRY_WORDS.get(entry.kind, entry.kind_label),
                occurred_at=entry.occurred_at,
                by=str(entry.actor or entry.actor_label or "PutRight"),
                text=text,
            )
        )
    return lines


def case_lessons(case: Case) -> list[Lesson]:
    return list(
        Lesson.objects.filter(case=case)
        .select_related("issue", "recorded_by")
        .prefetch_related("actions")
        .order_by("recorded_at", "pk")
    )


def lessons_review_clock(case: Case) -> Clock | None:
    """The open clock asking for the case's review for lessons, if any."""
    return (
        Clock.objects.filter(
            record_type="case", record_id=case.pk, step=REVIEW_STEP, completed_at__isnull=True
        )
        .select_related("owner")
        .first()
    )
