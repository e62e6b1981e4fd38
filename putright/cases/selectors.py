"""Reading cases: their chronology, their facts for the deadline engine, their deadlines."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from putright.domain.actions import DueAction, due_actions
from putright.domain.calendar import WorkingCalendar
from putright.domain.deadlines import Deadline, Fact, FactKind, Timeline, derive_deadlines
from putright.domain.floor import FLOOR_RULE_IDS, Floored, apply_floor
from putright.domain.policy import DEFAULT_PACK_ID, Audience, Pack
from putright.organisations.models import Organisation
from putright.organisations.services import organisation_calendar
from putright.policies.registry import get_pack

from .models import Case, Event, EventKind

# Which events move deadlines, and as which fact.
EVENT_FACTS: dict[str, FactKind] = {
    EventKind.ACKNOWLEDGED: FactKind.ACKNOWLEDGED,
    EventKind.INVESTIGATION_REQUESTED: FactKind.INVESTIGATION_REQUESTED,
    EventKind.INVESTIGATOR_REPLIED: FactKind.INVESTIGATOR_REPLIED,
    EventKind.EXTENDED: FactKind.EXTENDED,
    EventKind.RESPONDED: FactKind.RESPONDED,
    EventKind.CONTACTED: FactKind.CONTACTED,
    EventKind.INFORMATION_REQUESTED: FactKind.INFORMATION_REQUESTED,
    EventKind.INFORMATION_RECEIVED: FactKind.INFORMATION_RECEIVED,
    EventKind.STEP_DONE: FactKind.STEP_DONE,
    EventKind.MADE_FORMAL: FactKind.MADE_FORMAL,
    EventKind.ESCALATION_REQUESTED: FactKind.ESCALATION_REQUESTED,
    EventKind.ROUTE_CHOSEN: FactKind.ROUTE_CHOSEN,
    EventKind.CLOSED: FactKind.CLOSED,
    EventKind.REOPENED: FactKind.REOPENED,
}


def local_date(moment: datetime.datetime) -> datetime.date:
    """The date of a moment in the organisation's local time."""
    return timezone.localtime(moment).date()


def floor_for(pack_id: str, organisation: Organisation) -> Floored:
    """The pack as PutRight applies it for the organisation: the Code's floor on top."""
    off = frozenset(getattr(organisation, "code_floor_off", None) or ())
    pack, code, rules = get_pack(pack_id), get_pack(DEFAULT_PACK_ID), FLOOR_RULE_IDS - off
    key = (id(pack), id(code), rules)
    known = _FLOORS.get(key)
    if known is None or known[0] is not pack or known[1] is not code:
        known = _FLOORS[key] = (pack, code, apply_floor(pack, code, rules))
    return known[2]


#: Floored packs by (pack, Code pack, rules): packs are immutable and loaded once.
_FLOORS: dict[tuple[int, int, frozenset[str]], tuple[Pack, Pack, Floored]] = {}


def case_floor(case: Case) -> Floored:
    """The case's pack with the Code's floor its organisation applies, and the notes why."""
    return floor_for(case.policy_pack, case.organisation)


def case_pack(case: Case) -> Pack:
    """The case's pack as PutRight applies it (with the Code's floor; see domain.floor)."""
    return case_floor(case).pack


def case_calendar(case: Case) -> WorkingCalendar:
    return organisation_calendar(case.organisation)


def facts_from_events(events: Iterable[Event]) -> tuple[Fact, ...]:
    """The facts the deadline engine needs, in the order they happened."""
    facts = []
    for event in events:
        kind = EVENT_FACTS.get(event.kind)
        if kind is None:
            continue
        data = event.data or {}
        facts.append(
            Fact(
                kind=kind,
                on=local_date(event.occurred_at),
                stage=data.get("to_stage") or event.stage or None,
                route=data.get("route") or None,
                working_days=int(data.get("working_days", 0)),
                step=data.get("step"),
            )
        )
    return tuple(facts)


def case_events(case: Case) -> QuerySet[Event]:
    return case.events.order_by("sequence")


def case_timeline(case: Case, events: Iterable[Event] | None = None) -> Timeline:
    """The case as the deadline engine sees it."""
    if events is None:
        events = case_events(case)
    return Timeline(
        kind=case.kind,
        received_at=case.received_at,
        facts=facts_from_events(events),
        start_stage=_start_stage(case, events),
    )


def _start_stage(case: Case, events: Iterable[Event]) -> str | None:
    """The stage the case started at, as recorded when it was received or reclassified."""
    start = None
    for event in events:
        if event.kind in (EventKind.RECEIVED, EventKind.CLASSIFIED):
            start = (event.data or {}).get("start_stage", start)
    return start


def case_deadlines(
    case: Case,
    *,
    today: datetime.date | None = None,
    events: Iterable[Event] | None = None,
    pack_id: str | None = None,
) -> list[Deadline]:
    """Every deadline of the case, derived afresh from its chronology.

    ``pack_id`` derives them under another pack (what a policy change would do to them).
    """
    if not case.stage:
        return []
    events = list(case_events(case) if events is None else events)
    floor = floor_for(pack_id, case.organisation) if pack_id else case_floor(case)
    deadlines = derive_deadlines(
        floor.pack,
        case_calendar(case),
        case_timeline(case, events),
        today=today or timezone.localdate(),
        floor=floor.code,
    )
    if without_formal_response(case, floor.pack):
        deadlines = [d for d in deadlines if d.audience is not Audience.CUSTOMER]
    return deadlines


def without_formal_response(case: Case, pack: Pack | None = None) -> bool:
    """An anonymous case nobody is written to: no one to acknowledge or answer, or a policy
    that investigates anonymous complaints without a formal response. Still a case, counted
    and reported; it has no customer deadlines and no customer letters."""
    if not case.anonymous:
        return False
    rule = (pack or case_pack(case)).anonymous
    return case.customer_id is None or (rule is not None and not rule.respond)


def case_due_actions(
    case: Case,
    *,
    today: datetime.date | None = None,
    events: Iterable[Event] | None = None,
    deadlines: list[Deadline] | None = None,
) -> list[DueAction]:
    """Every automatic action the pack attaches to the case as it stands."""
    if not case.stage or case.is_closed:
        return []
    events = list(case_events(case) if events is None else events)
    today = today or timezone.localdate()
    if deadlines is None:
        deadlines = case_deadlines(case, today=today, events=events)
    return due_actions(
        case_pack(case),
        case_calendar(case),
        case_timeline(case, events),
        today=today,
        deadlines=deadlines,  # as the case has them (an anonymous case has no customer ones)
    )


def stage_events(case: Case, events: Iterable[Event]) -> list[Event]:
    """The events recorded at the case's current stage (since it last entered it)."""
    current: list[Event] = []
    for event in events:
        if event.kind in (EventKind.ESCALATION_REQUESTED, EventKind.MADE_FORMAL):
            current = [event]
        else:
            current.append(event)
    return [e for e in current if e.stage == case.stage]
