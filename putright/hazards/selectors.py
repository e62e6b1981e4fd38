"""Reading a case's hazards with their clocks, as every interface shows them (the API's
``hazards``, the case page): each clock's due date (a time, for clocks in hours), its state
and why it falls due when it does."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from putright.cases.models import Case
from putright.domain.clocks import ClockUnit
from putright.timeline.models import Clock
from putright.timeline.selectors import clock_timing, record_history

from .models import Hazard, HazardLetter, Status
from .packs import hazard_pack_for
from .services import RECORD_TYPE


def clock_state(clock: Clock, now: datetime.datetime) -> str:
    """open, overdue, done or done_late."""
    if clock.completed_at:
        return "done_late" if clock.completed_at >= clock.due_at else "done"
    return "overdue" if clock.due_at <= now else "open"


def clock_out(clock: Clock, now: datetime.datetime) -> dict[str, Any]:
    explanation = clock_timing(clock).explanation
    in_hours = clock.unit == ClockUnit.HOURS
    return {
        "step": clock.step,
        "label": clock.label,
        "due": timezone.localtime(clock.due_at) if in_hours else clock.due_on,
        "in_hours": in_hours,
        "state": clock_state(clock, now),
        "owner": str(clock.owner) if clock.owner else None,
        "team": clock.team,
        "completed_at": clock.completed_at,
        "explanation": explanation.text(),
        "rule": explanation.rule,
        "source": explanation.source,
        "start": explanation.start,
    }


def hazards_of(case: Case, *, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """The case's hazards, oldest first, each with its clocks (two queries however many)."""
    hazards = list(Hazard.objects.filter(case=case).select_related("owner", "organisation"))
    return hazards_out(hazards, now=now)


def hazards_out(
    hazards: Iterable[Hazard],
    *,
    clocks_read: Iterable[Clock] | None = None,
    now: datetime.datetime | None = None,
) -> list[dict[str, Any]]:
    """Each hazard as the API and the pages show it; ``clocks_read`` when the caller has read
    the hazards' clocks already (the API's one query), else they are read here."""
    now = now or timezone.now()
    hazards = list(hazards)
    if clocks_read is None:
        clocks_read = (
            Clock.objects.filter(record_type=RECORD_TYPE, record_id__in=[h.pk for h in hazards])
            .select_related("owner", "organisation")
            .order_by("started_at", "pk")
            if hazards
            else []
        )
    clocks: dict[int, list[Clock]] = {}
    for clock in clocks_read:
        clocks.setdefault(clock.record_id, []).append(clock)
    out = []
    for hazard in hazards:
        pack = hazard_pack_for(hazard.organisation)
        duty = pack.duty(hazard.severity)
        current = {rule.step for rule in duty.clocks}
        out.append(
            {
                "id": hazard.pk,
                "hazard": hazard,
                "kind": hazard.kind,
                "kind_label": pack.kind_label(hazard.kind),
                "severity": hazard.severity,
                "status": hazard.status,
                "origin": hazard.origin,
                "triggers": hazard.trigger_words(),
                "signs": hazard.sign_labels(),
                "statutory": hazard.statutory,
                "coverage": hazard.coverage,
                "aware_at": hazard.aware_at,
                "owner": str(hazard.owner) if hazard.owner else None,
                "team": hazard.team,
                "description": hazard.description,
                "findings": hazard.findings,
                "dismissed_reason": hazard.dismissed_reason,
                # Until the home is made safe: then it no longer applies.
                "alternative_accommodation": duty.alternative_accommodation
                if hazard.statutory and hazard.status in (Status.SUSPECTED, Status.CONFIRMED)
                else "",
                "deadlines": [
                    clock_out(c, now)
                    for c in clocks.get(hazard.pk, [])
                    # A clock of the severity it had before it was confirmed as another is history.
                    if c.step in current
                ],
                "version": hazard.version,
            }
        )
    return out


#: Each step's name (its ``ACTION_ROLES`` key, its staff URL's name) and label, in one place:
#: ``putright/actions/hazards.py`` declares them with these labels.
STEP_LABELS = {
    "hazard-raise": "Record a hazard",
    "hazard-confirm": "Confirm the hazard",
    "hazard-dismiss": "Dismiss the hazard",
    "hazard-investigated": "Record the investigation",
    "hazard-summary-sent": "Send the written summary",
    "hazard-made-safe": "Record the home made safe",
    "hazard-works-started": "Record further work started",
    "hazard-resolved": "Resolve the hazard",
}


def steps_fitting(hazard: Hazard) -> list[str]:
    """The steps that fit the hazard as it stands, next first (the services refuse the rest)."""
    wanted: list[str] = []
    if not hazard.is_open:
        return wanted
    if hazard.investigated_at is None:
        wanted.append("hazard-investigated")
    elif hazard.summary_sent_at is None:
        wanted.append("hazard-summary-sent")
    if hazard.status == "suspected":
        wanted = ["hazard-confirm", *wanted, "hazard-dismiss"]
    elif hazard.status == "confirmed":
        wanted = [*wanted, "hazard-made-safe", "hazard-dismiss"]
    elif hazard.status == "made_safe":
        wanted = [*wanted, "hazard-resolved"]
    if hazard.investigated_at is not None and hazard.works_started_at is None:
        wanted.append("hazard-works-started")
    return wanted


def hazard_history(hazard: Hazard) -> list[Any]:
    return record_history(record_type=RECORD_TYPE, record_id=hazard.pk)


def hazard_letters(hazards: Iterable[Hazard]) -> list[HazardLetter]:
    return list(HazardLetter.objects.filter(hazard__in=list(hazards)).select_related("created_by"))
