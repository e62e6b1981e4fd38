"""Stage runs: one row per case and formal stage it entered, loaded with one aggregate query.

A *stage run* is a case's time at stage 1 or at stage 2. Its facts come from the
chronology (events are stamped with the stage they were recorded at):

- stage 1 starts on the deemed receipt date when the case was received (or reclassified)
  at a stage of level 1, or on the day it was made a formal complaint (packs with an
  informal first stage);
- stage 2 starts on the day an escalation into a level 2 stage was accepted;
- a non-working start day counts from the next working day, as the deadline engine does;
- each response is judged against the Code (from the acknowledgement made by the response,
  else from the day it was due; ``response_due``) and against the case's own policy.

One SQL statement groups the events of the candidate cases by case with conditional
aggregates (first acknowledgement, first response and the stage it was recorded at,
extension days... at each level),
returning one row per case. Everything else is numpy over those rows; working days use
the organisation's calendar in bulk.

Candidates are the organisations' cases of a kind that can reach a formal stage, that
are still open, or that were received from ``lookback_days`` before the period start to
its end and were not closed before the period began. A stage that started before that
look-back and was answered inside the period is not seen: the look-back (two years by
default) is far longer than any complaint's life under the Code.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import IntegerField, Max, Min, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from putright.cases.models import Case, EventKind, Status
from putright.database import REPORT_PARALLEL_WORKERS, without_jit
from putright.domain.calendar import WorkingCalendar
from putright.domain.policy import Anchor, Counting

from .timescales import ResponseRule, StageLevels, StageTimescale

Dates = npt.NDArray[np.datetime64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Strs = npt.NDArray[np.str_]

DEFAULT_LOOKBACK_DAYS = 730
NAT = np.datetime64("NaT", "D")
OUTCOMES = ("upheld", "partly_upheld", "not_upheld")

# The event kinds the measures read; all others are left out of the join.
READ_KINDS = (
    EventKind.RECEIVED,
    EventKind.CLASSIFIED,
    EventKind.MADE_FORMAL,
    EventKind.ESCALATION_REQUESTED,
    EventKind.ACKNOWLEDGED,
    EventKind.EXTENDED,
    EventKind.RESPONDED,
    EventKind.WITHDRAWN,
    EventKind.ELIGIBILITY_DECIDED,
    EventKind.ESCALATION_REFUSED,
)


def local_bounds(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """The period [start, end] (inclusive dates) as aware moments [from, to) in local time."""
    zone = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return begin, after


EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()


def as_dates(values: Sequence[datetime.date | None]) -> Dates:
    """Dates (or None) as ``datetime64[D]`` with NaT, quickly (via ordinals)."""
    ordinals = np.fromiter(
        (v.toordinal() if v is not None else 0 for v in values), dtype=np.int64, count=len(values)
    )
    out = (ordinals - EPOCH_ORDINAL).astype("datetime64[D]")
    out[ordinals == 0] = NAT
    return out


def _any(parts: list[Q]) -> Q:
    return reduce(operator.or_, parts) if parts else Q(pk__isnull=True)  # never true


def level_q(levels: StageLevels, level: int, lookup: str) -> Q:
    """Rows whose ``lookup`` (a stage id) is a formal stage of ``level`` in the case's pack."""
    parts = []
    if levels.plain.get(level):
        parts.append(Q(**{f"{lookup}__in": levels.plain[level]}))
    for pack_id, ids in levels.by_pack.get(level, {}).items():
        parts.append(Q(policy_pack=pack_id, **{f"{lookup}__in": ids}))
    return _any(parts)


@dataclass
class CaseRows:
    """One row per candidate case: its dimensions and what happened at each formal stage."""

    case_id: Ints
    organisation_id: Ints
    policy_pack: Strs
    stage: Strs
    route: Strs
    status: Strs
    closed_on: Dates
    deemed: Dates
    channel: Strs
    service_area: Strs
    category: Strs
    tenure: Strs
    started_at_stage1: Bools
    made_formal_on: Dates
    escalated_on: Dates
    escalation_refused_on: Dates
    escalation_refusal_ground: Strs
    acknowledged: dict[int, Dates]
    responded: dict[int, Dates]
    responded_stage: dict[int, Strs]  # the stage id the response was recorded at
    extended_days: dict[int, Ints]
    outcome: dict[int, Strs]
    withdrawn: dict[int, Dates]
    refused: dict[int, Dates]
    exclusion: dict[int, Strs]

    def __len__(self) -> int:
        return int(self.case_id.size)


def load_case_rows(
    organisation_ids: Sequence[int],
    start: datetime.date,
    end: datetime.date,
    levels: StageLevels,
    *,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
) -> CaseRows:
    """The candidate cases of the organisations for the period, one aggregate query."""
    begin, after = local_bounds(start, end)
    earliest = begin - datetime.timedelta(days=lookback_days)
    day = TruncDate("events__occurred_at")
    stage = "events__stage"

    def kind(k: str) -> Q:
        return Q(events__kind=k)

    def first(k: str, level: int) -> Min:
        return Min(day, filter=kind(k) & level_q(levels, level, stage))

    def text(key: str, condition: Q) -> Min:
        return Min(KeyTextTransform(key, "events__data"), filter=condition)

    aggregates: dict[str, Any] = {
        "start_seq": Max(
            "events__sequence",
            filter=Q(events__kind__in=[EventKind.RECEIVED, EventKind.CLASSIFIED]),
        ),
        "stage1_start_seq": Max(
            "events__sequence",
            filter=Q(events__kind__in=[EventKind.RECEIVED, EventKind.CLASSIFIED])
            & level_q(levels, 1, "events__data__start_stage"),
        ),
        "made_formal_on": Min(
            day,
            filter=kind(EventKind.MADE_FORMAL) & level_q(levels, 1, "events__data__to_stage"),
        ),
        "escalated_on": Min(
            day,
            filter=kind(EventKind.ESCALATION_REQUESTED)
            & level_q(levels, 2, "events__data__to_stage"),
        ),
        "escalation_refused_on": first(EventKind.ESCALATION_REFUSED, 1),
        "escalation_refusal_ground": text(
            "ground", kind(EventKind.ESCALATION_REFUSED) & level_q(levels, 1, stage)
        ),
    }
    for level in (1, 2):
        at_level = level_q(levels, level, stage)
        refused = kind(EventKind.ELIGIBILITY_DECIDED) & Q(events__data__accepted=False) & at_level
        aggregates |= {
            f"ack{level}": first(EventKind.ACKNOWLEDGED, level),
            f"resp{level}": first(EventKind.RESPONDED, level),
            f"resp_stage{level}": Min(stage, filter=kind(EventKind.RESPONDED) & at_level),
            f"ext{level}": Sum(
                Cast(KeyTextTransform("working_days", "events__data"), IntegerField()),
                filter=kind(EventKind.EXTENDED) & at_level,
            ),
            f"outcome{level}": text("outcome", kind(EventKind.RESPONDED) & at_level),
            f"withdrawn{level}": first(EventKind.WITHDRAWN, level),
            f"refused{level}": Min(day, filter=refused),
            f"exclusion{level}": text("exclusion", refused),
        }
    recent = Q(received_at__gte=earliest, received_at__lt=after) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=begin)
    )
    still_open = Q(status__in=[Status.OPEN, Status.AWAITING_ESCALATION])
    dims = (
        "id",
        "organisation_id",
        "policy_pack",
        "stage",
        "route",
        "status",
        "deemed_received_on",
        "channel",
        "service_area",
        "category",
        "customer__tenure",
    )
    queryset = (
        Case.objects.filter(organisation_id__in=list(organisation_ids))
        .filter(kind__in=levels.process_kinds)
        .filter(recent | still_open)
        .filter(events__kind__in=READ_KINDS)
        .order_by()
        .values(*dims, closed_on=TruncDate("closed_at"))
        .annotate(**aggregates)
    )
    names = [*dims, "closed_on", *aggregates]
    with without_jit(parallel_workers=REPORT_PARALLEL_WORKERS):
        rows = list(queryset.values_list(*names))
    return case_rows_from(names, rows)


def case_rows_from(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> CaseRows:
    columns: dict[str, tuple[Any, ...]] = (
        dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else {n: () for n in names}
    )

    def ints(name: str) -> Ints:
        return np.array([v or 0 for v in columns[name]], dtype=np.int64)

    def strs(name: str) -> Strs:
        return np.array([v or "" for v in columns[name]], dtype=np.str_)

    def dates(name: str) -> Dates:
        return as_dates(columns[name])

    start_seq = ints("start_seq")
    stage1_seq = ints("stage1_start_seq")
    return CaseRows(
        case_id=ints("id"),
        organisation_id=ints("organisation_id"),
        policy_pack=strs("policy_pack"),
        stage=strs("stage"),
        route=strs("route"),
        status=strs("status"),
        closed_on=dates("closed_on"),
        deemed=dates("deemed_received_on"),
        channel=strs("channel"),
        service_area=strs("service_area"),
        category=strs("category"),
        tenure=strs("customer__tenure"),
        started_at_stage1=(stage1_seq > 0) & (stage1_seq == start_seq),
        made_formal_on=dates("made_formal_on"),
        escalated_on=dates("escalated_on"),
        escalation_refused_on=dates("escalation_refused_on"),
        escalation_refusal_ground=strs("escalation_refusal_ground"),
        acknowledged={lv: dates(f"ack{lv}") for lv in (1, 2)},
        responded={lv: dates(f"resp{lv}") for lv in (1, 2)},
        responded_stage={lv: strs(f"resp_stage{lv}") for lv in (1, 2)},
        extended_days={lv: ints(f"ext{lv}") for lv in (1, 2)},
        outcome={lv: strs(f"outcome{lv}") for lv in (1, 2)},
        withdrawn={lv: dates(f"withdrawn{lv}") for lv in (1, 2)},
        refused={lv: dates(f"refused{lv}") for lv in (1, 2)},
        exclusion={lv: strs(f"exclusion{lv}") for lv in (1, 2)},
    )


Calendars = Mapping[int, WorkingCalendar]


def per_organisation(
    organisation_ids: Ints,
    calendars: Calendars,
    compute: Callable[[WorkingCalendar, Bools], Any],
) -> None:
    """Call ``compute(calendar, mask)`` once per organisation present."""
    for org in np.unique(organisation_ids):
        compute(calendars[int(org)], organisation_ids == org)


def add_working_days(days: Dates, n: Ints, organisation_ids: Ints, calendars: Calendars) -> Dates:
    """``add_working_days`` in bulk, each row on its organisation's calendar; NaT stays NaT."""
    out = np.full(days.shape, NAT)
    valid = ~np.isnat(days)

    def compute(calendar: WorkingCalendar, mask: Bools) -> None:
        rows = mask & valid
        out[rows] = calendar.add_working_days_bulk(days[rows], n[rows])

    per_organisation(organisation_ids, calendars, compute)
    return out


def on_or_after(days: Dates, organisation_ids: Ints, calendars: Calendars) -> Dates:
    """The day itself when it is a working day, else the next one (bulk)."""
    shifted = np.where(np.isnat(days), days, days - np.timedelta64(1, "D"))
    return add_working_days(
        shifted, np.ones(days.shape, dtype=np.int64), organisation_ids, calendars
    )


def working_days_between(
    start: Dates, end: Dates, organisation_ids: Ints, calendars: Calendars
) -> Ints:
    """Working days after ``start`` up to ``end``; 0 where either is NaT."""
    out = np.zeros(start.shape, dtype=np.int64)
    valid = ~np.isnat(start) & ~np.isnat(end)

    def compute(calendar: WorkingCalendar, mask: Bools) -> None:
        rows = mask & valid
        out[rows] = calendar.working_days_between_bulk(start[rows], end[rows])

    per_organisation(organisation_ids, calendars, compute)
    return out


def _earliest(*arrays: Dates) -> Dates:
    """Element-wise earliest date, ignoring NaT (NaT only where all are NaT)."""
    stacked = np.stack(arrays)
    big = np.datetime64("9999-12-31", "D")
    least = np.where(np.isnat(stacked), big, stacked).min(axis=0)
    return np.where(least == big, NAT, least)


def count_days(
    days: Dates, n: int, counting: Counting, organisation_ids: Ints, calendars: Calendars
) -> Dates:
    """``n`` working or calendar days after each day, as the deadline engine counts them:
    a calendar-day period ending on a day that is not a working day moves to the next one."""
    if counting is Counting.WORKING:
        return add_working_days(
            days, np.full(days.shape, n, dtype=np.int64), organisation_ids, calendars
        )
    return on_or_after(days + np.timedelta64(n, "D"), organisation_ids, calendars)


def response_due(
    rule: ResponseRule,
    *,
    start: Dates,
    received: Dates,
    acknowledged: Dates,
    responded: Dates,
    extended_days: Ints,
    organisation_ids: Ints,
    calendars: Calendars,
) -> tuple[Dates, Dates]:
    """The day each response is due under ``rule``, and the day it is counted from (bulk).

    A response counted from the acknowledgement counts from the acknowledgement made on or
    before it; where none was, from the day the acknowledgement was due (the date the
    deadline engine projects for a step not yet done). Recorded extensions move the due
    date by their working days, capped at ``rule.extension_max_days`` when it is given.
    """

    def anchor(which: Anchor) -> Dates:
        return received if which is Anchor.RECEIVED else start

    orgs = organisation_ids
    if rule.start is Anchor.ACKNOWLEDGED:
        due_ack = count_days(
            anchor(rule.acknowledge_start),
            rule.acknowledge_days or 0,
            rule.acknowledge_counts,
            orgs,
            calendars,
        )
        made = ~np.isnat(acknowledged) & (np.isnat(responded) | (acknowledged <= responded))
        counted_from = np.where(made, acknowledged, due_ack)
    else:
        counted_from = anchor(rule.start)
    due = count_days(counted_from, rule.days, rule.counts, orgs, calendars)
    if rule.extendable:
        extension = np.maximum(extended_days, 0)
        if rule.extension_max_days is not None:
            extension = np.minimum(extension, rule.extension_max_days)
        moved = extension > 0
        if moved.any():
            due = due.copy()
            due[moved] = add_working_days(due[moved], extension[moved], orgs[moved], calendars)
    return due, counted_from


PolicyRules = Callable[[str, str, str], ResponseRule | None]


@dataclass
class StageRuns:
    """One row per case and formal stage (1 or 2) it entered, with what the Code asks of it."""

    row: Ints  # index into the CaseRows
    case_id: Ints
    organisation_id: Ints
    level: Ints
    start: Dates
    acknowledged: Dates
    responded: Dates
    extended_days: Ints
    outcome: Strs
    withdrawn: Dates
    refused: Dates
    exclusion: Strs
    ended: Dates  # the day the stage ended without (or before) a response, if it did
    current: Bools  # the case is open and at this stage now
    acknowledge_due: Dates
    respond_from: Dates  # the Code's anchor: the acknowledgement, or the day it was due
    respond_due: Dates  # the Code's last day, with the extension up to the Code's maximum
    acknowledged_on_time: Bools
    acknowledgement_due_passed: Bools  # acknowledged, or the due date passed with the stage open
    responded_on_time: Bools
    working_days_to_respond: Ints  # 0 where not responded
    extended_beyond_code: Bools
    overdue_now: Bools
    policy_judged: Bools  # responded, and the case's policy gives the response a timescale
    policy_due: Dates  # the last day under the case's own policy (NaT where not judged)
    responded_within_policy: Bools
    cases: CaseRows = field(repr=False)

    def __len__(self) -> int:
        return int(self.case_id.size)


def build_runs(
    cases: CaseRows,
    levels: StageLevels,
    timescales: Mapping[int, StageTimescale],
    calendars: Calendars,
    today: datetime.date,
    policy_rules: PolicyRules | None = None,
) -> StageRuns:
    """Split each case into its stage runs and judge each against the Code, and each
    response against the case's own policy (``policy_rules(pack, stage, route)``)."""
    org = cases.organisation_id
    stage1_start = np.where(cases.started_at_stage1, cases.deemed, cases.made_formal_on)
    starts = {
        1: on_or_after(stage1_start, org, calendars),
        2: on_or_after(cases.escalated_on, org, calendars),
    }
    current_level = np.array(
        [levels.level_of(p, s) for p, s in zip(cases.policy_pack, cases.stage, strict=True)],
        dtype=np.int64,
    )
    is_closed = cases.status == Status.CLOSED
    parts: dict[str, list[Any]] = {}
    for level in (1, 2):
        rows = np.flatnonzero(~np.isnat(starts[level]))
        closed_here = np.where(
            is_closed[rows] & (current_level[rows] == level), cases.closed_on[rows], NAT
        )
        later = cases.escalated_on[rows] if level == 1 else np.full(rows.shape, NAT)
        ended = _earliest(
            cases.withdrawn[level][rows], cases.refused[level][rows], closed_here, later
        )
        values = {
            "row": rows,
            "level": np.full(rows.shape, level, dtype=np.int64),
            "start": starts[level][rows],
            "acknowledged": cases.acknowledged[level][rows],
            "responded": cases.responded[level][rows],
            "responded_stage": cases.responded_stage[level][rows],
            "extended_days": cases.extended_days[level][rows],
            "outcome": cases.outcome[level][rows],
            "withdrawn": cases.withdrawn[level][rows],
            "refused": cases.refused[level][rows],
            "exclusion": cases.exclusion[level][rows],
            "ended": ended,
            "current": ~is_closed[rows] & (current_level[rows] == level),
        }
        for name, array in values.items():
            parts.setdefault(name, []).append(array)
    joined = {name: np.concatenate(arrays) for name, arrays in parts.items()}
    row = joined["row"].astype(np.int64)
    level_of_run = joined["level"]
    orgs = org[row]
    start = joined["start"]
    received = cases.deemed[row]
    ext = joined["extended_days"]
    acknowledged = joined["acknowledged"]
    responded = joined["responded"]
    ended = joined["ended"]
    ack_days = np.array([timescales[lv].acknowledge_days for lv in (1, 2)])[level_of_run - 1]
    ext_max = np.array([timescales[lv].extension_max_days for lv in (1, 2)])[level_of_run - 1]
    ack_due = add_working_days(start, ack_days, orgs, calendars)
    respond_due = np.full(start.shape, NAT)
    respond_from = np.full(start.shape, NAT)
    for level in (1, 2):
        at = level_of_run == level
        respond_due[at], respond_from[at] = response_due(
            timescales[level].rule,
            start=start[at],
            received=received[at],
            acknowledged=acknowledged[at],
            responded=responded[at],
            extended_days=ext[at],
            organisation_ids=orgs[at],
            calendars=calendars,
        )
    today64 = np.datetime64(today, "D")
    ack_on_time = ~np.isnat(acknowledged) & (acknowledged <= ack_due)
    # As the deadline engine judges a step: due once the date passes with the stage open;
    # a stage that ended (withdrawn, refused, closed) on or before the due date owed nothing.
    still_running = np.isnat(ended) & (today64 > ack_due)
    ended_late = ~np.isnat(ended) & (ended > ack_due)
    ack_due_passed = ~np.isnat(acknowledged) | still_running | ended_late
    responded_on_time = ~np.isnat(responded) & (responded <= respond_due)
    working_days = working_days_between(start, responded, orgs, calendars)
    current = joined["current"]
    overdue = current & np.isnat(responded) & (today64 > respond_due)
    # The case's own policy: its route at this stage where the case is (or ended) there.
    route = np.where(current_level[row] == level_of_run, cases.route[row], "")
    policy_due = np.full(start.shape, NAT)
    judged = np.zeros(start.shape, dtype=bool)
    answered = np.flatnonzero(~np.isnat(responded))
    if policy_rules is not None and answered.size:
        keys = zip(
            cases.policy_pack[row[answered]].tolist(),
            joined["responded_stage"][answered].tolist(),
            route[answered].tolist(),
            strict=True,
        )
        by_rule: dict[tuple[str, str, str], list[int]] = {}
        for index, key in zip(answered.tolist(), keys, strict=True):
            by_rule.setdefault(key, []).append(index)
        for (pack_id, stage_id, route_id), indices in by_rule.items():
            rule = policy_rules(pack_id, stage_id, route_id)
            if rule is None:
                continue
            at = np.array(indices, dtype=np.int64)
            policy_due[at], _ = response_due(
                rule,
                start=start[at],
                received=received[at],
                acknowledged=acknowledged[at],
                responded=responded[at],
                extended_days=ext[at],
                organisation_ids=orgs[at],
                calendars=calendars,
            )
            judged[at] = True
    within_policy = judged & (responded <= policy_due)
    return StageRuns(
        row=row,
        case_id=cases.case_id[row],
        organisation_id=orgs,
        level=level_of_run,
        start=start,
        acknowledged=acknowledged,
        responded=responded,
        extended_days=ext,
        outcome=joined["outcome"],
        withdrawn=joined["withdrawn"],
        refused=joined["refused"],
        exclusion=joined["exclusion"],
        ended=ended,
        current=current,
        acknowledge_due=ack_due,
        respond_from=respond_from,
        respond_due=respond_due,
        acknowledged_on_time=ack_on_time,
        acknowledgement_due_passed=ack_due_passed,
        responded_on_time=responded_on_time,
        working_days_to_respond=working_days,
        extended_beyond_code=ext > ext_max,
        overdue_now=overdue,
        policy_judged=judged,
        policy_due=policy_due,
        responded_within_policy=within_policy,
        cases=cases,
    )
