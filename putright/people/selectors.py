"""Reading a person's warnings and restrictions with their deadlines, as every interface shows
them (the API's ``restrictions``, the person's page)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from putright.timeline.models import Clock
from putright.timeline.selectors import clock_timing

from .models import ContactRestriction, Person
from .restrictions import RECORD_TYPE


def _clock_out(clock: Clock, now: datetime.datetime) -> dict[str, Any]:
    timing = clock_timing(clock)
    if clock.completed_at:
        state = "done_late" if clock.completed_at >= clock.due_at else "done"
    else:
        state = "overdue" if clock.due_at <= now else "open"
    explanation = timing.explanation
    return {
        "step": clock.step,
        "label": clock.label,
        "due": clock.due_on,
        "state": state,
        "owner": str(clock.owner) if clock.owner else None,
        "explanation": explanation.text(),
        "rule": explanation.rule,
        "source": explanation.source,
        "start": explanation.start,
    }


def _step_name(clock: Clock, restriction: ContactRestriction) -> str:
    return clock.step.removeprefix(f"restriction-{restriction.pk}-")


def restriction_out(
    restriction: ContactRestriction, clocks: list[Clock], now: datetime.datetime
) -> dict[str, Any]:
    mine = [c for c in clocks if c.step.startswith(f"restriction-{restriction.pk}-")]
    deadlines = []
    for clock in mine:
        row = _clock_out(clock, now)
        row["step"] = _step_name(clock, restriction)
        deadlines.append(row)
    return {
        "id": restriction.pk,
        "kind": restriction.level,
        "categories": list(restriction.categories),
        "measures": list(restriction.measures),
        "channels": list(restriction.channels),
        "issue_limit": restriction.issue_limit,
        "issue_period_days": restriction.issue_period_days,
        "decided_on": restriction.starts_on,
        "decided_by": str(restriction.decided_by) if restriction.decided_by else None,
        "review_on": restriction.review_on,
        "appeal_by": restriction.appeal_by,
        "appeal_outcome": restriction.appeal_outcome,
        "ends_on": restriction.ends_on,
        "status": restriction.status(timezone.localdate()),
        "needs_finishing": restriction.needs_finishing,
        "deadlines": deadlines,
    }


def restrictions_of(person: Person) -> list[dict[str, Any]]:
    """The person's warnings and restrictions, newest first, each with its deadlines."""
    now = timezone.now()
    clocks = list(
        Clock.objects.filter(
            record_type=RECORD_TYPE, record_id=person.pk, step__startswith="restriction-"
        )
        .select_related("owner", "organisation")
        .order_by("started_at", "pk")
    )
    return [
        restriction_out(r, clocks, now)
        for r in person.contact_restrictions.select_related("decided_by")
    ]
