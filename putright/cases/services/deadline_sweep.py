"""The deadline sweep: chase, alert, convert and close cases as their packs say, once each."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from putright.accounts.actors import Actor
from putright.domain.actions import ActionKind, DueAction
from putright.search.index import follow_due

from ..models import (
    Case,
    Event,
    EventKind,
    Status,
    SweepAction,
)
from ..selectors import case_due_actions, case_events, case_pack
from ._common import _append, _refresh_cached_dates, _save
from .closing import _close
from .stages import _make_formal

# -- the deadline sweep -------------------------------------------------------------------


logger = logging.getLogger(__name__)


@dataclass
class SweepReport:
    cases: int = 0
    actions: int = 0
    failures: int = 0


def sweep_case(case_id: int, *, today: datetime.date | None = None) -> int:
    """Take every due automatic action on one case, each exactly once; returns how many."""
    today = today or timezone.localdate()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=case_id)
        )
        if case.is_closed:
            return 0
        events = list(case_events(case))
        done = set(case.sweep_actions.values_list("key", flat=True))
        taken = 0
        for action in case_due_actions(case, today=today, events=events):
            if action.on > today or action.key in done:
                continue
            if case.is_closed:
                break
            SweepAction.objects.create(case=case, key=action.key, done_at=timezone.now())
            done.add(action.key)
            _take_action(case, action, events)
            taken += 1
        if taken:
            _save(
                case,
                "stage",
                "kind",
                "status",
                "closure_reason",
                "closed_at",
                events=events,
                done=done,
            )
        else:
            _refresh_cached_dates(case, events, done=done)
            Case.objects.filter(pk=case.pk).update(next_action_on=case.next_action_on)
        return taken


def _take_action(case: Case, action: DueAction, events: list[Event]) -> None:
    actor = Actor.system()
    moment = timezone.now()
    data = {
        "key": action.key,
        "step": action.step,
        "roles": list(action.roles),
        "description": action.description,
        "source": action.source,
    }
    if action.kind is ActionKind.CHASE:
        data["action"] = action.ladder_action.value if action.ladder_action else ""
        _append(case, EventKind.CHASED, actor, moment, data, events=events)
    elif action.kind is ActionKind.ALERT:
        _append(case, EventKind.ALERTED, actor, moment, data, events=events)
    elif action.kind is ActionKind.MAKE_FORMAL:
        pack = case_pack(case)
        stage = pack.stage(case.stage)
        target = pack.stage(stage.escalation.to) if stage.escalation else pack.first_formal_stage()
        if target is not None:
            _make_formal(case, target, actor, moment, action.description, events)
    elif action.kind is ActionKind.CLOSE and action.closure_reason is not None:
        _close(
            case, action.closure_reason.value, actor, moment, note=action.description, events=events
        )


def sweep(*, today: datetime.date | None = None, limit: int | None = None) -> SweepReport:
    """Act on every open case whose next automatic action has fallen due."""
    today = today or timezone.localdate()
    due = (
        Case.objects.exclude(status=Status.CLOSED)
        .filter(next_action_on__lte=today)
        .order_by("next_action_on", "pk")
        .values_list("pk", flat=True)
    )
    if limit:
        due = due[:limit]
    report = SweepReport()
    for case_id in list(due):
        report.cases += 1
        try:
            report.actions += sweep_case(case_id, today=today)
        except Exception:
            # One case's failure rolls back that case only; the others go on, and the
            # next sweep retries it (its actions were not recorded as taken).
            logger.exception("deadline sweep failed on case %s", case_id)
            report.failures += 1
    return report


def refresh_cached_dates(cases: Iterable[Case]) -> int:
    """Recompute cached dates (after a closure day or a pack changes); returns how many changed."""
    changed = 0
    for case in cases:
        before = (case.next_due_on, case.next_due_step, case.next_action_on)
        _refresh_cached_dates(case)
        if (case.next_due_on, case.next_due_step, case.next_action_on) != before:
            Case.objects.filter(pk=case.pk).update(
                next_due_on=case.next_due_on,
                next_due_step=case.next_due_step,
                next_action_on=case.next_action_on,
            )
            follow_due(case.pk, case.next_due_on)
            changed += 1
    return changed
