"""Every change to a record's timeline: its history, its clocks and the sweep that chases them.

``record_event``, ``clock_start`` and ``clock_stop`` join the transaction of the service
that calls them (a restriction imposed and its review clock started are one change); each
locks the record's row so that its history is numbered without gaps or repeats. The sweep
chases each overdue clock once, each in a transaction of its own, and e-mails its owner
once that commits.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from putright.accounts.actors import Actor
from putright.accounts.models import User
from putright.domain.clocks import UNIT_WORDS, ClockUnit
from putright.domain.errors import CalendarError
from putright.organisations.models import Organisation

from . import errors, registry
from .errors import RecordInputError, RecordStateError
from .models import Clock, Entry, EntryKind
from .selectors import clock_timing, open_clocks_due_before

logger = logging.getLogger(__name__)


# -- the mechanics every service shares ---------------------------------------------


def _moment(occurred_at: datetime.datetime | None, field: str = "occurred_at") -> datetime.datetime:
    """When it happened: now by default; never in the future."""
    now = timezone.now()
    if occurred_at is None:
        return now
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    if occurred_at > now + datetime.timedelta(minutes=1):
        raise RecordInputError(errors.FUTURE, fields={field: errors.FUTURE})
    return occurred_at


def _lock_record(record_type: str, record_id: int, organisation: Organisation) -> models.Model:
    """The record's row, locked for this transaction; it must belong to the organisation."""
    kind = registry.record_type(record_type)
    record = kind.model._default_manager.select_for_update().filter(pk=record_id).first()
    if record is None:
        message = errors.NO_RECORD.format(label=kind.label.lower(), record_id=record_id)
        raise RecordInputError(message, fields={"record_id": message})
    belongs_to = getattr(record, "organisation_id", None)
    if belongs_to is not None and belongs_to != organisation.pk:
        message = errors.OTHER_ORGANISATION.format(label=kind.label, record_id=record_id)
        raise RecordInputError(message, fields={"organisation": message})
    return record


def _append(
    *,
    record_type: str,
    record_id: int,
    organisation: Organisation,
    kind: str,
    actor: Actor,
    occurred_at: datetime.datetime,
    data: dict[str, Any] | None = None,
) -> Entry:
    """Append one entry to a record's history (its row is locked by the caller)."""
    last = (
        Entry.objects.filter(record_type=record_type, record_id=record_id).aggregate(
            last=Max("sequence")
        )["last"]
        or 0
    )
    return Entry.objects.create(
        record_type=record_type,
        record_id=record_id,
        organisation=organisation,
        sequence=last + 1,
        kind=kind,
        actor=actor.user,
        actor_label=actor.label,
        occurred_at=occurred_at,
        recorded_at=timezone.now(),
        data=data or {},
    )


def _tell_owner(entry_id: int) -> None:
    """E-mail the clock's owner, in the background, queued with the chase."""
    from putright.queueing import enqueue_with_change

    from .tasks import tell_owner_of_chase

    enqueue_with_change(tell_owner_of_chase, entry_id)


def _describe(clock: Clock) -> str:
    return registry.record_type(clock.record_type).reference(clock.record_id)


# -- history ------------------------------------------------------------------------


@transaction.atomic(durable=False)
def record_event(
    *,
    record_type: str,
    record_id: int,
    organisation: Organisation,
    kind: str,
    actor: Actor,
    occurred_at: datetime.datetime | None = None,
    data: dict[str, Any] | None = None,
) -> Entry:
    """Append a fact to a record's history; it is never changed or removed afterwards."""
    moment = _moment(occurred_at)
    _lock_record(record_type, record_id, organisation)
    return _append(
        record_type=record_type,
        record_id=record_id,
        organisation=organisation,
        kind=kind,
        actor=actor,
        occurred_at=moment,
        data=data,
    )


# -- clocks -------------------------------------------------------------------------


@transaction.atomic(durable=False)
def clock_start(
    *,
    record_type: str,
    record_id: int,
    organisation: Organisation,
    step: str,
    label: str,
    unit: str,
    amount: int,
    started_at: datetime.datetime,
    owner: User | None = None,
    team: str = "",
    source: str = "",
    counted_from: str = "",
    receipt: bool = False,
    actor: Actor | None = None,
) -> Clock:
    """Start the clock of a step on a record (one running per step), due by the organisation's calendar."""
    actor = actor or Actor.system()
    try:
        clock_unit = ClockUnit(unit)
    except ValueError:
        message = errors.BAD_UNIT.format(unit=unit)
        raise RecordInputError(message, fields={"unit": message}) from None
    if amount < 1:
        message = errors.BAD_AMOUNT.format(unit=UNIT_WORDS[clock_unit][0])
        raise RecordInputError(message, fields={"amount": message})
    if not label.strip():
        raise RecordInputError(errors.NO_LABEL, fields={"label": errors.NO_LABEL})
    started_at = _moment(started_at, "started_at")
    _lock_record(record_type, record_id, organisation)
    what = registry.record_type(record_type).reference(record_id)
    if Clock.objects.filter(
        record_type=record_type, record_id=record_id, step=step, completed_at__isnull=True
    ).exists():
        raise RecordStateError(errors.ALREADY_RUNNING.format(label=label, record=what))
    if owner is not None and not (
        owner.is_active and registry.may_see(owner, record_type, record_id)
    ):
        message = errors.OWNER_CANNOT_SEE.format(owner=owner, record=what)
        raise RecordInputError(message, fields={"owner": message})
    clock = Clock(
        record_type=record_type,
        record_id=record_id,
        organisation=organisation,
        step=step,
        label=label.strip(),
        owner=owner,
        team=team.strip(),
        unit=clock_unit.value,
        amount=amount,
        started_at=started_at,
        counted_from=counted_from,
        receipt=receipt,
        source=source,
    )
    try:
        timing = clock_timing(clock)
    except CalendarError as error:
        raise RecordInputError(str(error), fields={"started_at": str(error)}) from None
    clock.due_on = timing.due_on
    clock.due_at = timing.due_at
    clock.save()
    _append(
        record_type=record_type,
        record_id=record_id,
        organisation=organisation,
        kind=EntryKind.CLOCK_STARTED,
        actor=actor,
        occurred_at=started_at,
        data={
            "clock_id": clock.pk,
            "step": step,
            "label": clock.label,
            "unit": clock.unit,
            "amount": amount,
            "due_on": clock.due_on.isoformat(),
            "due_at": clock.due_at.isoformat(),
            "owner_id": owner.pk if owner else None,
            "team": clock.team,
            "source": source,
        },
    )
    return clock


@transaction.atomic(durable=False)
def clock_stop(
    *,
    record_type: str,
    record_id: int,
    organisation: Organisation,
    step: str,
    actor: Actor,
    completed_at: datetime.datetime | None = None,
) -> Clock:
    """Stop the running clock of a step on a record: the step is done, on time or late."""
    moment = _moment(completed_at, "completed_at")
    _lock_record(record_type, record_id, organisation)
    clock = (
        Clock.objects.select_for_update()
        .filter(record_type=record_type, record_id=record_id, step=step, completed_at__isnull=True)
        .first()
    )
    if clock is None:
        what = registry.record_type(record_type).reference(record_id)
        raise RecordStateError(errors.NOT_RUNNING.format(step=step, record=what))
    if moment < clock.started_at:
        message = errors.BEFORE_START.format(started=timezone.localtime(clock.started_at))
        raise RecordInputError(message, fields={"completed_at": message})
    clock.completed_at = moment
    clock.save(update_fields=["completed_at"])
    _append(
        record_type=record_type,
        record_id=record_id,
        organisation=organisation,
        kind=EntryKind.CLOCK_STOPPED,
        actor=actor,
        occurred_at=moment,
        data={
            "clock_id": clock.pk,
            "step": step,
            "label": clock.label,
            "late": moment >= clock.due_at,
        },
    )
    return clock


@transaction.atomic(durable=False)
def clocks_recalculate(*, organisation: Organisation) -> int:
    """Recompute the open clocks' due moments after the organisation's calendar changed."""
    changed = 0
    for clock in (
        Clock.objects.select_for_update(of=("self",))
        .filter(organisation=organisation, completed_at__isnull=True)
        .select_related("organisation")
    ):
        timing = clock_timing(clock)
        if (timing.due_on, timing.due_at) != (clock.due_on, clock.due_at):
            clock.due_on, clock.due_at = timing.due_on, timing.due_at
            clock.save(update_fields=["due_on", "due_at"])
            changed += 1
    return changed


# -- the sweep ----------------------------------------------------------------------


def sweep_clocks(*, now: datetime.datetime | None = None) -> int:
    """Chase each open clock whose due moment has passed, once; returns how many were chased."""
    now = now or timezone.now()
    due = open_clocks_due_before(moment=now).filter(chased_at__isnull=True)
    chased = 0
    for clock_id in list(due.values_list("pk", flat=True)):
        try:
            chased += _chase(clock_id, now)
        except Exception:
            # One clock's failure rolls back that clock only; the next sweep retries it.
            logger.exception("the clock sweep failed on clock %s", clock_id)
    return chased


@transaction.atomic(durable=True)
def _chase(clock_id: int, now: datetime.datetime) -> int:
    """Chase one overdue clock unless it was chased or stopped meanwhile."""
    clock = (
        Clock.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=clock_id)
        .first()
    )
    if clock is None or clock.completed_at or clock.chased_at or clock.due_at > now:
        return 0
    _lock_record(clock.record_type, clock.record_id, clock.organisation)
    clock.chased_at = now
    clock.save(update_fields=["chased_at"])
    entry = _append(
        record_type=clock.record_type,
        record_id=clock.record_id,
        organisation=clock.organisation,
        kind=EntryKind.CHASED,
        actor=Actor.system(),
        occurred_at=now,
        data={
            "clock_id": clock.pk,
            "step": clock.step,
            "label": clock.label,
            "due_on": clock.due_on.isoformat(),
            "due_at": clock.due_at.isoformat(),
            "owner_id": clock.owner_id,
            "team": clock.team,
            "source": clock.source,
        },
    )
    _tell_owner(entry.pk)
    logger.info("chased %s on %s", clock.step, _describe(clock))
    return 1


__all__ = [
    "clock_start",
    "clock_stop",
    "clocks_recalculate",
    "record_event",
    "sweep_clocks",
]
