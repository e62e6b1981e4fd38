"""Reading a record's history and the clocks running on records: whose, when due and why."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from putright.accounts.models import User
from putright.domain.clocks import ClockDue, ClockUnit, clock_due
from putright.organisations.models import Organisation
from putright.organisations.services import organisation_calendar

from . import registry
from .errors import RecordInputError
from .models import Clock, Entry

#: How many of their open clocks My work lists for a person.
OWED_LIMIT = 50


def record_history(*, record_type: str, record_id: int) -> list[Entry]:
    """A record's history, oldest first, with who did each thing."""
    return list(
        Entry.objects.filter(record_type=record_type, record_id=record_id)
        .select_related("actor")
        .order_by("sequence")
    )


def clock_timing(clock: Clock) -> ClockDue:
    """When the clock falls due and why, from its organisation's calendar as it is now."""
    return clock_due(
        organisation_calendar(clock.organisation),
        unit=ClockUnit(clock.unit),
        amount=clock.amount,
        started_at=clock.started_at,
        label=clock.label,
        source=clock.source,
        counted_from=clock.counted_from,
        receipt=clock.receipt,
    )


def open_clocks_due_before(
    *, moment: datetime.datetime, organisation: Organisation | None = None
) -> QuerySet[Clock]:
    """Open clocks overdue at ``moment`` (their due moment has come), earliest first."""
    clocks = Clock.objects.filter(completed_at__isnull=True, due_at__lte=moment)
    if organisation is not None:
        clocks = clocks.filter(organisation=organisation)
    return clocks.order_by("due_at", "pk")


@dataclass(frozen=True)
class OwedClock:
    """One open clock as its owner's My work shows it."""

    clock: Clock
    record_label: str  # the kind of record, in words
    record: Any  # the record itself, which the owner may see
    url: str
    timing: ClockDue
    overdue: bool

    @property
    def in_hours(self) -> bool:
        return self.clock.unit == ClockUnit.HOURS


def clocks_owed_by(
    *, user: User, now: datetime.datetime | None = None, limit: int = OWED_LIMIT
) -> list[OwedClock]:
    """The user's open clocks on records they may see, earliest due first, each explained.

    One query for the clocks and one per kind of record among them, however many there are.
    """
    now = now or timezone.now()
    clocks = list(
        Clock.objects.filter(owner=user, completed_at__isnull=True)
        .select_related("organisation")
        .order_by("due_at", "pk")[:limit]
    )
    ids_by_type: dict[str, set[int]] = {}
    for clock in clocks:
        ids_by_type.setdefault(clock.record_type, set()).add(clock.record_id)
    seen: dict[str, dict[int, Any]] = {}
    for name, ids in ids_by_type.items():
        try:
            seen[name] = registry.visible_records(user, name, ids)
        except RecordInputError:  # a kind of record no longer installed
            seen[name] = {}
    owed = []
    for clock in clocks:
        record = seen[clock.record_type].get(clock.record_id)
        if record is None:
            continue
        kind = registry.record_type(clock.record_type)
        owed.append(
            OwedClock(
                clock=clock,
                record_label=kind.label,
                record=record,
                url=kind.url_of(record),
                timing=clock_timing(clock),
                overdue=clock.due_at <= now,
            )
        )
    return owed


def record_clocks(*, record_type: str, record_id: int) -> list[Clock]:
    """Every clock that ran or runs on a record, in the order they started."""
    return list(
        Clock.objects.filter(record_type=record_type, record_id=record_id)
        .select_related("owner", "organisation")
        .order_by("started_at", "pk")
    )
