"""The mechanics every case service shares: who acts, when, the lock, the event, the save."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from putright.accounts.actors import Actor
from putright.domain.calendar import describe
from putright.domain.errors import RuleViolationError
from putright.domain.policy import Pack, Stage
from putright.organisations.models import Organisation, ReferenceCounter
from putright.queueing import enqueue_with_change

from .. import errors
from ..errors import (
    CaseInputError,
    CaseStateError,
    ConflictError,
    PolicyRuleError,
)
from ..models import (
    CLOSED_STAGE,
    Case,
    Event,
    EventKind,
)
from ..selectors import case_deadlines, case_due_actions, case_events, case_pack, local_date


@dataclass(frozen=True)
class IssueOutcome:
    """One answer of a response: the point it answers (its number; None adds a point), what
    was found, the decision, the reasons, the remedy and the actions still to do."""

    description: str
    outcome: str
    reasons: str = ""
    point: int | None = None
    finding: str = ""
    remedy: str = ""
    actions: tuple[Any, ...] = ()  # ``responses.ActionDue``


# -- the mechanics every service shares ---------------------------------------------


def _moment(occurred_at: datetime.datetime | None, case: Case | None = None) -> datetime.datetime:
    """When it happened: now by default; never in the future, never before receipt."""
    now = timezone.now()
    if occurred_at is None:
        return now
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    if occurred_at > now + datetime.timedelta(minutes=1):
        raise CaseInputError(errors.FUTURE, fields={"occurred_at": errors.FUTURE})
    if case is not None and occurred_at < case.received_at:
        message = errors.BEFORE_RECEIPT.format(received=describe(local_date(case.received_at)))
        raise CaseInputError(message, fields={"occurred_at": message})
    return occurred_at


def _lock(case: Case, expected_version: int | None) -> Case:
    """The case row locked for this transaction, refused if someone changed it meanwhile."""
    locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            errors.STALE_VERSION.format(current=locked.version, expected=expected_version)
        )
    return locked


def _append(
    case: Case,
    kind: str,
    actor: Actor,
    occurred_at: datetime.datetime,
    data: dict[str, Any] | None = None,
    *,
    stage: str | None = None,
    events: list[Event] | None = None,
) -> Event:
    """Append one event; ``events``, when given, is the case's chronology so far (kept up to date)."""
    if events is not None:
        last = events[-1].sequence if events else 0
    else:
        last = case.events.aggregate(last=Max("sequence"))["last"] or 0
    event = Event.objects.create(
        case=case,
        sequence=last + 1,
        kind=kind,
        stage=case.stage if stage is None else stage,
        actor=actor.user,
        actor_label=actor.label,
        occurred_at=occurred_at,
        recorded_at=timezone.now(),
        data=data or {},
    )
    if events is not None:
        events.append(event)
    if kind in (EventKind.CHASED, EventKind.ALERTED, EventKind.ACTION_OVERDUE):
        _tell_staff(event.pk)
    return event


def _tell_staff(event_id: int) -> None:
    """E-mail the people the event concerns, in the background, queued with the event."""
    from ..tasks import tell_staff_of

    enqueue_with_change(tell_staff_of, event_id)


def _save(
    case: Case,
    *fields: str,
    events: Sequence[Event] | None = None,
    done: set[str] | None = None,
) -> None:
    """Save the changed fields, bump the version and recompute the cached dates."""
    case.version += 1
    _refresh_cached_dates(case, events, done=done)
    case.save(
        update_fields=[
            *fields,
            "version",
            "next_due_on",
            "next_due_step",
            "next_action_on",
            "updated_at",
        ]
    )


def _refresh_cached_dates(
    case: Case, events: Sequence[Event] | None = None, *, done: set[str] | None = None
) -> None:
    """The earliest open customer deadline and the next automatic action, for queues and the sweep."""
    if case.is_closed or not case.stage:
        case.next_due_on = None
        case.next_due_step = ""
        case.next_action_on = None
        return
    events = list(case_events(case) if events is None else events)
    today = timezone.localdate()
    deadlines = case_deadlines(case, today=today, events=events)
    open_deadlines = [d for d in deadlines if d.is_open]
    first = min(open_deadlines, key=lambda d: d.due, default=None)
    case.next_due_on = first.due if first else None
    case.next_due_step = f"{first.stage}:{first.step}" if first else ""
    if done is None:
        done = set(case.sweep_actions.values_list("key", flat=True))
    actions = case_due_actions(case, today=today, events=events, deadlines=deadlines)
    pending = [a for a in actions if a.key not in done]
    case.next_action_on = min((a.on for a in pending), default=None)


def _require_open(case: Case) -> None:
    if case.is_closed:
        raise CaseStateError(errors.CLOSED)


def _stage(case: Case) -> tuple[Pack, Stage]:
    pack = case_pack(case)
    if not case.stage or case.stage == CLOSED_STAGE:
        raise CaseStateError(errors.NO_STAGES.format(kind=case.get_kind_display(), action="do"))
    return pack, pack.stage(case.stage)


def _rule_error(error: RuleViolationError, field: str | None = None) -> PolicyRuleError:
    return PolicyRuleError(
        str(error),
        rule=error.rule,
        source=error.source,
        fields={field: str(error)} if field else None,
    )


def _next_reference(organisation: Organisation, year: int) -> str:
    """The next case number of the organisation's year, taken atomically in one statement."""
    table = ReferenceCounter._meta.db_table
    sql = (
        f"UPDATE {table} SET last = last + 1 "
        "WHERE organisation_id = %s AND year = %s RETURNING last"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation.pk, year])
        row = cursor.fetchone()
        if row is None:
            ReferenceCounter.objects.get_or_create(organisation=organisation, year=year)
            cursor.execute(sql, [organisation.pk, year])
            row = cursor.fetchone()
    return f"{organisation.reference_prefix}-{year}-{row[0]:05d}"


def lock_for_change(
    case: Case, *, expected_version: int | None, occurred_at: datetime.datetime | None
) -> tuple[Case, datetime.datetime]:
    """For another app's change to a case (a remedy, an award): the case locked and checked
    against the version the person saw, and when it happened (never in the future, never
    before receipt), as every case service does."""
    locked = _lock(case, expected_version)
    return locked, _moment(occurred_at, locked)
