"""What moving an organisation's open cases to another pack would do to their deadlines.

Nothing moves: the report only compares. Cases sit above organisations, so the case model
and ``case_deadlines`` are named by path (as ``jobs.CALENDAR_CHANGED_TASKS`` names the tasks),
never imported: organisations import nothing above them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.module_loading import import_string

from putright.domain.deadlines import Deadline
from putright.domain.errors import DomainError
from putright.policies.registry import get_pack

from .models import Organisation

CASE_DEADLINES = "putright.cases.selectors.case_deadlines"
CASE_EVENTS = "putright.cases.selectors.case_events"
CLOSED = "closed"  # cases.models.Status.CLOSED
NO_SUCH_STAGE = "{pack} has no stage {stage!r}: where this case would go needs deciding by hand"
CANNOT_DERIVE = "its deadlines cannot be derived under {pack}: {error}"


@dataclass(frozen=True)
class DeadlinePair:
    """One step's open deadline under the case's pack and under the other, side by side."""

    stage: str
    label: str
    now: Deadline | None
    then: Deadline | None

    @property
    def moved_days(self) -> int | None:
        """How many days later (negative: earlier) the step falls under the other pack."""
        if self.now is None or self.then is None:
            return None
        return (self.then.due - self.now.due).days

    @property
    def change(self) -> str:
        if self.now is None:
            return "new under the other pack"
        if self.then is None:
            return "none under the other pack"
        moved = self.moved_days
        if not moved:
            return "same day"
        unit = "day" if abs(moved) == 1 else "days"
        return f"{abs(moved)} {unit} {'later' if moved > 0 else 'earlier'}"


@dataclass(frozen=True)
class CaseImpact:
    """An open case and what moving it to the other pack would do to its open deadlines."""

    reference: str
    stage: str
    pack: str
    pairs: tuple[DeadlinePair, ...]
    problem: str = ""  # why its deadlines cannot be derived under the other pack

    @property
    def changed(self) -> bool:
        return bool(self.problem) or any(p.change != "same day" for p in self.pairs)


def _key(deadline: Deadline) -> tuple[str, str | None, str]:
    return (deadline.stage, deadline.route, deadline.step)


def _pairs(now: list[Deadline], then: list[Deadline]) -> tuple[DeadlinePair, ...]:
    under = {_key(d): d for d in then}
    pairs = [
        DeadlinePair(d.stage_label, d.label, d, under.pop(_key(d), None))
        for d in sorted(now, key=lambda d: d.due)
    ]
    pairs += [
        DeadlinePair(d.stage_label, d.label, None, d)
        for d in sorted(under.values(), key=lambda d: d.due)
    ]
    return tuple(pairs)


def open_cases(organisation: Organisation, pack_id: str) -> Any:
    """The organisation's open cases not already handled under ``pack_id``, oldest first."""
    case_model = apps.get_model("cases", "Case")
    return (
        case_model.objects.filter(organisation=organisation)
        .exclude(status=CLOSED)
        .exclude(policy_pack=pack_id)
        .select_related("organisation")
        .order_by("received_at", "pk")
    )


def policy_impact(
    organisation: Organisation,
    pack_id: str,
    *,
    today: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[CaseImpact]:
    """Each open case that moving to ``pack_id`` would touch, with its open deadlines under
    its own pack and under ``pack_id`` (raises ``UnknownPackError`` for an unknown pack).
    """
    other = get_pack(pack_id)
    stages = {stage.id for stage in other.stages}
    today = today or timezone.localdate()
    case_deadlines, case_events = import_string(CASE_DEADLINES), import_string(CASE_EVENTS)
    cases = open_cases(organisation, pack_id)
    total = cases.count()
    if progress:
        progress(0, total)
    for done, case in enumerate(cases.iterator(chunk_size=200), start=1):
        events = list(case_events(case))
        now = [d for d in case_deadlines(case, today=today, events=events) if d.is_open]
        then: list[Deadline] = []
        problem = ""
        if case.stage not in stages:
            problem = NO_SUCH_STAGE.format(pack=pack_id, stage=case.stage)
        else:
            try:
                then = [
                    d
                    for d in case_deadlines(case, today=today, events=events, pack_id=pack_id)
                    if d.is_open
                ]
            except (DomainError, LookupError, ValueError) as error:
                problem = CANNOT_DERIVE.format(pack=pack_id, error=error)
        yield CaseImpact(case.reference, case.stage, case.policy_pack, _pairs(now, then), problem)
        if progress:
            progress(done, total)
