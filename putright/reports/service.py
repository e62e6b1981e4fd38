"""Build the reports: the Tenant Satisfaction Measures and the performance report.

``tsm_report`` and ``performance_report`` load the stage runs of an organisation (and
its member organisations) with one aggregate query, plus one small query each for
satisfaction answers and compensation awards, and compute every figure with numpy.
The definitions are in :mod:`putright.reports.measures`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from putright.cases.models import Case, Channel, SatisfactionResponse
from putright.domain.calendar import WorkingCalendar, describe
from putright.domain.errors import UnknownPackError
from putright.domain.policy import Anchor
from putright.organisations.models import HomesCount, Organisation
from putright.organisations.selectors import policy_changes_between
from putright.organisations.services import organisation_calendar
from putright.people.models import Tenure
from putright.policies.registry import code_pack, get_pack, pack_registry
from putright.remedies.models import Award, AwardStatus

from . import measures as m
from .grouping import DIMENSIONS, NOT_RECORDED, TIME_DIMENSIONS, Cohort, time_label
from .runs import (
    DEFAULT_LOOKBACK_DAYS,
    Bools,
    CaseRows,
    Dates,
    Ints,
    StageRuns,
    Strs,
    as_dates,
    build_runs,
    load_case_rows,
    local_bounds,
)
from .timescales import (
    ResponseRule,
    StageLevels,
    StageTimescale,
    code_timescales,
    policy_rule,
    stage_levels,
)

MAX_PERIOD_DAYS = 366 * 11
REPORTS = ("tsm", "performance")


class ReportInputError(ValueError):
    """A report was asked for with input that cannot be used (a 400, or exit status 2)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@cache
def _levels_for(pack_ids: tuple[str, ...]) -> StageLevels:
    registry = pack_registry()
    return stage_levels(registry.get(p) for p in pack_ids)


def levels() -> StageLevels:
    """Which stage of every known pack is stage 1 or stage 2."""
    return _levels_for(tuple(pack_registry().ids()))


def timescales() -> dict[int, StageTimescale]:
    """The Code's timescales (from the hos-code-2024 pack)."""
    return code_timescales(code_pack())


def policy_rules() -> Callable[[str, str, str], ResponseRule | None]:
    """The landlords' own response timescales, by pack, stage and route (the packs as
    written, without the Code's floor), read once per report."""
    registry = pack_registry()
    known: dict[tuple[str, str, str], ResponseRule | None] = {}

    def rule(pack_id: str, stage_id: str, route: str) -> ResponseRule | None:
        key = (pack_id, stage_id, route)
        if key not in known:
            try:
                pack = registry.get(pack_id)
            except UnknownPackError:  # a pack no longer installed: its cases are not judged
                known[key] = None
            else:
                known[key] = policy_rule(pack, stage_id, route)
        return known[key]

    return rule


def parse_date(value: str | datetime.date | None, name: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    if not value:
        raise ReportInputError(f"Give --{name} as a date, e.g. 2025-04-01.", name)
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ReportInputError(
            f"{name} {value!r} is not a date: use YYYY-MM-DD, e.g. 2025-04-01.", name
        ) from None


def check_period(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ReportInputError(
            f"The period ends ({end.isoformat()}) before it starts ({start.isoformat()}).", "end"
        )
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ReportInputError("A report covers at most eleven years.", "end")
    if start.year < 1995 or end.year > 2075:
        raise ReportInputError("Dates must be between 1995 and 2075.", "start")


def check_dimensions(by: Iterable[str]) -> tuple[str, ...]:
    chosen: list[str] = []
    for item in by:
        for name in str(item).split(","):
            name = name.strip()
            if not name:
                continue
            if name not in DIMENSIONS:
                raise ReportInputError(
                    f"Cannot group by {name!r}; choose from: {', '.join(DIMENSIONS)}.", "by"
                )
            if name in chosen:
                continue
            chosen.append(name)
    if "month" in chosen and "quarter" in chosen:
        raise ReportInputError("Group by month or by quarter, not both.", "by")
    return tuple(chosen)


def find_organisation(slug: str | None) -> Organisation:
    if not slug:
        raise ReportInputError("Name the organisation by its slug.", "organisation")
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise ReportInputError(f"There is no organisation {slug!r}.", "organisation")
    return organisation


def organisation_and_members(organisation: Organisation) -> list[Organisation]:
    """The organisation and, for a group, its members (and theirs)."""
    found = [organisation]
    frontier = [organisation.pk]
    while frontier:
        children = list(
            Organisation.objects.filter(parent_id__in=frontier).exclude(
                pk__in=[o.pk for o in found]
            )
        )
        found += children
        frontier = [c.pk for c in children]
    return found


def homes_by_organisation(organisations: Sequence[Organisation], year: int) -> dict[int, int]:
    """Each organisation's homes for ``year``: that year, else the latest before, else the next."""
    counts: dict[int, list[tuple[int, int]]] = {}
    for org_id, y, homes in HomesCount.objects.filter(
        organisation__in=[o.pk for o in organisations]
    ).values_list("organisation_id", "year", "homes"):
        counts.setdefault(org_id, []).append((y, homes))
    out: dict[int, int] = {}
    for org_id, pairs in counts.items():
        before = [p for p in pairs if p[0] <= year]
        chosen = max(before) if before else min(pairs)
        out[org_id] = chosen[1]
    return out


def total_homes(
    organisation: Organisation, members: Sequence[Organisation], homes: Mapping[int, int]
) -> int | None:
    """The organisation's own figure, else the sum of its members' (None if nobody has one)."""
    if organisation.pk in homes:
        return homes[organisation.pk]
    known = [homes[o.pk] for o in members if o.pk in homes]
    return sum(known) if known else None


def pack_title(pack_id: str) -> str:
    """A pack's title, or its id where the pack is no longer installed."""
    try:
        return get_pack(pack_id).title
    except UnknownPackError:
        return pack_id


def policy_change_notes(
    organisation: Organisation,
    members: Sequence[Organisation],
    start: datetime.date,
    end: datetime.date,
    *,
    spans: str = "This period spans",
) -> list[str]:
    """A note for each change of policy taking effect within the period (after its first
    day, up to its last), at the organisation or any member: its cases were handled under
    two policies. ``spans`` begins each note ("The two periods span" for a comparison)."""
    notes = []
    for member in members:
        at = "" if member.pk == organisation.pk else f" at {member.name}"
        for change in policy_changes_between(member, start, end):
            notes.append(
                f"{spans} a change of policy{at}: {pack_title(change.policy_pack)} replaced "
                f"{pack_title(change.replaces)} from {describe(change.from_date)}; cases "
                "received before it keep the policy they started under."
            )
    return notes


# -- reports ---------------------------------------------------------------------------


@dataclass
class Group:
    """One row of a report: a group (or the total) and its figures."""

    key: tuple[str, ...]
    labels: tuple[str, ...]
    figures: dict[str, m.Figure]

    def value(self, key: str) -> Any:
        figure = self.figures.get(key)
        return figure.value if figure else None


@dataclass
class Breakdown:
    """Refusals by ground or exclusion."""

    kind: str  # escalation_refused, not_accepted
    ground: str
    label: str
    count: int
    case_ids: Ints = field(repr=False)


@dataclass
class Report:
    kind: str
    organisation: Organisation
    organisations: list[Organisation]
    start: datetime.date
    end: datetime.date
    today: datetime.date
    by: tuple[str, ...]
    figure_keys: list[str]
    total: Group
    groups: list[Group]
    homes: int | None = None
    homes_year: int | None = None
    breakdowns: list[Breakdown] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    runs: StageRuns | None = field(default=None, repr=False)
    # The changes of policy within the period, in words (also the first of ``notes``).
    policy_changes: list[str] = field(default_factory=list)

    @property
    def headings(self) -> list[str]:
        return [DIMENSIONS[d] for d in self.by]

    def figure(self, key: str, group: tuple[str, ...] = ()) -> m.Figure | None:
        row = self.total if not group else next((g for g in self.groups if g.key == group), None)
        return row.figures.get(key) if row else None

    def rows(self) -> list[Group]:
        """The groups, then the total (the total alone when not grouped)."""
        return [*self.groups, self.total] if self.by else [self.total]


@dataclass
class Loaded:
    """What both reports read, for one organisation (and members) and one period."""

    organisation: Organisation
    organisations: list[Organisation]
    start: datetime.date
    end: datetime.date
    today: datetime.date
    cases: CaseRows
    runs: StageRuns
    calendars: dict[int, WorkingCalendar]
    names: dict[int, str]
    policy_changes: list[str] = field(default_factory=list)

    def dims(self, rows: Ints) -> dict[str, Strs]:
        """The non-time dimensions of case rows."""
        c = self.cases
        org_ids = c.organisation_id[rows]
        return {
            "organisation": _organisation_slugs(org_ids, self.organisations),
            "service_area": c.service_area[rows],
            "category": c.category[rows],
            "channel": c.channel[rows],
            "tenure": c.tenure[rows],
        }

    def runs_where(self, level: int, dates: Any) -> Ints:
        r = self.runs
        return np.flatnonzero((r.level == level) & m.in_period(dates, self.start, self.end))


def _organisation_slugs(org_ids: Ints, organisations: Sequence[Organisation]) -> Strs:
    ids = np.array([o.pk for o in organisations], dtype=np.int64)
    slugs = np.array([o.slug for o in organisations], dtype=np.str_)
    order = np.argsort(ids)
    position = np.searchsorted(ids[order], org_ids)
    position = np.clip(position, 0, max(len(ids) - 1, 0))
    return slugs[order][position] if len(ids) else np.array([], dtype=np.str_)


def load(
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    *,
    today: datetime.date | None = None,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
) -> Loaded:
    check_period(start, end)
    members = organisation_and_members(organisation)
    stage = levels()
    cases = load_case_rows([o.pk for o in members], start, end, stage, lookback_days=lookback_days)
    calendars = {o.pk: organisation_calendar(o) for o in members}
    today = today or timezone.localdate()
    runs = build_runs(cases, stage, timescales(), calendars, today, policy_rules())
    return Loaded(
        organisation=organisation,
        organisations=members,
        start=start,
        end=end,
        today=today,
        cases=cases,
        runs=runs,
        calendars=calendars,
        names={o.pk: o.name for o in members},
        policy_changes=policy_change_notes(organisation, members, start, end),
    )


def _case_dim_rows(
    rows: list[tuple[Any, ...]], organisations: Sequence[Organisation]
) -> tuple[Ints, dict[str, Strs], Any, list[tuple[Any, ...]]]:
    """Split rows of (case id, org id, service area, category, channel, tenure, date, *rest)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * 7
    case_ids = np.array(columns[0], dtype=np.int64)
    org_ids = np.array(columns[1], dtype=np.int64)
    dims = {
        "organisation": _organisation_slugs(org_ids, organisations),
        "service_area": np.array([v or "" for v in columns[2]], dtype=np.str_),
        "category": np.array([v or "" for v in columns[3]], dtype=np.str_),
        "channel": np.array([v or "" for v in columns[4]], dtype=np.str_),
        "tenure": np.array([v or "" for v in columns[5]], dtype=np.str_),
    }
    return case_ids, dims, as_dates(columns[6]), columns[7:]


CASE_DIMS = (
    "case_id",
    "case__organisation_id",
    "case__service_area",
    "case__category",
    "case__channel",
    "case__customer__tenure",
)


def satisfaction_part(loaded: Loaded, *, tsm: bool = False) -> m.Part:
    begin, after = local_bounds(loaded.start, loaded.end)
    rows = list(
        SatisfactionResponse.objects.filter(
            case__organisation_id__in=[o.pk for o in loaded.organisations],
            created_at__gte=begin,
            created_at__lt=after,
        )
        .order_by()
        .values_list(*CASE_DIMS, TruncDate("created_at"), "score")
    )
    case_ids, dims, dates, rest = _case_dim_rows(rows, loaded.organisations)
    scores = np.array(rest[0] if rows else (), dtype=np.int64)
    satisfied = scores >= 4

    def compute(g: Ints) -> list[m.Figure]:
        ids = case_ids[g]
        if tsm:
            return [m.share_figure("tp09", ids[satisfied[g]], ids)]
        return [
            m.count_figure("tp09.answers", ids),
            m.share_figure("tp09.share", ids[satisfied[g]], ids),
        ]

    return m.Part(Cohort(dims, dates, case_ids), compute)


def awards_part(loaded: Loaded) -> m.Part:
    begin, after = local_bounds(loaded.start, loaded.end)
    rows = list(
        Award.objects.filter(
            case__organisation_id__in=[o.pk for o in loaded.organisations],
            proposed_at__gte=begin,
            proposed_at__lt=after,
        )
        .exclude(status=AwardStatus.REJECTED)
        .order_by()
        .values_list(*CASE_DIMS, TruncDate("proposed_at"), "total_pence", "paid_pence")
    )
    case_ids, dims, dates, rest = _case_dim_rows(rows, loaded.organisations)
    total = np.array(rest[0] if rows else (), dtype=np.int64)
    paid = np.array(rest[1] if rows else (), dtype=np.int64)

    def compute(g: Ints) -> list[m.Figure]:
        ids = case_ids[g]
        return [
            m.count_figure("compensation.awards", ids),
            m.Figure("compensation.awarded_pence", int(total[g].sum()), case_ids=ids),
            m.Figure("compensation.paid_pence", int(paid[g].sum()), case_ids=ids[paid[g] > 0]),
        ]

    return m.Part(Cohort(dims, dates, case_ids), compute)


def compensation_parts(loaded: Loaded) -> list[m.Part]:
    """Offers, acceptances, refusals by the customer and payments in the period, each placed
    in time by its own date, in total and by the stage the award was made at."""
    begin, after = local_bounds(loaded.start, loaded.end)
    touched = (
        Q(offered_at__gte=begin, offered_at__lt=after)
        | Q(answered_at__gte=begin, answered_at__lt=after)
        | Q(paid_at__gte=begin, paid_at__lt=after)
    )
    rows = list(
        Award.objects.filter(
            touched, case__organisation_id__in=[o.pk for o in loaded.organisations]
        )
        .order_by()
        .values_list(
            *CASE_DIMS,
            TruncDate("offered_at"),
            TruncDate("answered_at"),
            TruncDate("paid_at"),
            "status",
            "total_pence",
            "paid_pence",
            "arrears_offset_pence",
            "stage",
            "case__policy_pack",
        )
    )
    case_ids, dims, offered_on, rest = _case_dim_rows(rows, loaded.organisations)
    answered_on = as_dates(rest[0] if rows else ())
    paid_on = as_dates(rest[1] if rows else ())
    refused = np.array([s == AwardStatus.REFUSED for s in rest[2]] if rows else (), dtype=bool)
    total = np.array(rest[3] if rows else (), dtype=np.int64)
    paid = np.array(rest[4] if rows else (), dtype=np.int64)
    offset = np.array(rest[5] if rows else (), dtype=np.int64)
    known = levels()
    stage = np.array(
        [_compensation_stage(known.level_of(p, s)) for s, p in zip(rest[6], rest[7], strict=True)]
        if rows
        else (),
        dtype=np.str_,
    )

    def part(
        chosen: Bools, dates: Dates, compute: Callable[[Ints, Ints], list[m.Figure]]
    ) -> m.Part:
        at = np.flatnonzero(chosen)
        cohort = Cohort({k: v[at] for k, v in dims.items()}, dates[at], case_ids[at])
        return m.Part(cohort, lambda g: compute(at[g], case_ids[at[g]]))

    def by_stage(r: Ints, ids: Ints, what: str, amounts: Ints, *, counted: bool) -> list[m.Figure]:
        out = []
        for key, _name in m.COMPENSATION_STAGES:
            here = stage[r] == key
            if counted:
                out.append(m.count_figure(f"compensation.{key}.{what}", ids[here]))
            pence = int(amounts[r][here].sum())
            out.append(m.Figure(f"compensation.{key}.{what}_pence", pence, case_ids=ids[here]))
        return out

    def offers_or_acceptances(what: str) -> Callable[[Ints, Ints], list[m.Figure]]:
        def compute(r: Ints, ids: Ints) -> list[m.Figure]:
            return [
                m.count_figure(f"compensation.{what}", ids),
                m.Figure(f"compensation.{what}_pence", int(total[r].sum()), case_ids=ids),
                *by_stage(r, ids, what, total, counted=True),
            ]

        return compute

    def refusals(_r: Ints, ids: Ints) -> list[m.Figure]:
        return [m.count_figure("compensation.declined", ids)]

    def payments(r: Ints, ids: Ints) -> list[m.Figure]:
        offsets = offset[r] > 0
        return [
            m.count_figure("compensation.payments", ids),
            m.Figure("compensation.payments_pence", int(paid[r].sum()), case_ids=ids),
            m.Figure("compensation.offset_pence", int(offset[r].sum()), case_ids=ids[offsets]),
            *by_stage(r, ids, "paid", paid, counted=False),
        ]

    answered = m.in_period(answered_on, loaded.start, loaded.end)
    return [
        part(
            m.in_period(offered_on, loaded.start, loaded.end),
            offered_on,
            offers_or_acceptances("offered"),
        ),
        part(answered & ~refused, answered_on, offers_or_acceptances("accepted")),
        part(answered & refused, answered_on, refusals),
        part(m.in_period(paid_on, loaded.start, loaded.end), paid_on, payments),
    ]


def _compensation_stage(level: int) -> str:
    return {1: "stage1", 2: "stage2"}.get(level, "other")


def escalation_refusals_part(loaded: Loaded) -> m.Part:
    c = loaded.cases
    rows = np.flatnonzero(m.in_period(c.escalation_refused_on, loaded.start, loaded.end))
    case_ids = c.case_id[rows]

    def compute(g: Ints) -> list[m.Figure]:
        return [m.count_figure("stage1.escalation_refused", case_ids[g])]

    return m.Part(Cohort(loaded.dims(rows), c.escalation_refused_on[rows], case_ids), compute)


def _labels(by: Sequence[str], key: tuple[str, ...], names: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(dimension_label(d, v, names) for d, v in zip(by, key, strict=True))


def dimension_label(dimension: str, value: str, names: Mapping[str, str] | None = None) -> str:
    """How a group's value reads in a table."""
    if dimension in TIME_DIMENSIONS:
        return time_label(dimension, value)
    if not value:
        return NOT_RECORDED
    if dimension == "organisation":
        return (names or {}).get(value, value)
    if dimension == "channel":
        return dict(Channel.choices).get(value, value)
    if dimension == "tenure":
        return str(dict(Tenure.choices).get(value, value))
    return value


def _assemble(
    kind: str,
    loaded: Loaded,
    parts: list[m.Part],
    by: tuple[str, ...],
    keys: list[str],
    finish: Any = None,
    total_only: list[m.Part] | None = None,
) -> Report:
    grouped = m.evaluate(parts, by) if by else {}
    total = m.evaluate([*parts, *(total_only or [])], ())
    total.setdefault((), {})
    for figures, group_by in ((grouped, by), (total, ())):
        if finish:
            finish(figures, group_by)
        m.zero_fill(figures, keys)
    slugs = {o.slug: o.name for o in loaded.organisations}
    groups = [Group(key, _labels(by, key, slugs), figs) for key, figs in m.ordered(grouped)]
    total_labels = tuple(["All"] + [""] * (len(by) - 1)) if by else ()
    return Report(
        kind=kind,
        organisation=loaded.organisation,
        organisations=loaded.organisations,
        start=loaded.start,
        end=loaded.end,
        today=loaded.today,
        by=by,
        figure_keys=keys,
        total=Group((), total_labels, total[()]),
        groups=groups,
        notes=list(loaded.policy_changes),
        runs=loaded.runs,
        policy_changes=list(loaded.policy_changes),
    )


def tsm_report(
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    *,
    by: Iterable[str] = (),
    today: datetime.date | None = None,
    loaded: Loaded | None = None,
) -> Report:
    """CH01, CH02 and TP09 for the period."""
    dims = check_dimensions(by)
    loaded = loaded or load(organisation, start, end, today=today)
    homes = homes_by_organisation(loaded.organisations, end.year)
    whole = total_homes(organisation, loaded.organisations, homes)
    by_slug = {o.slug: homes.get(o.pk) for o in loaded.organisations}
    by_slug[organisation.slug] = homes.get(organisation.pk)
    parts: list[m.Part] = []
    for level in (1, 2):
        parts.append(_ch01_part(loaded, level))
        parts.append(_ch02_part(loaded, level))
    parts.append(satisfaction_part(loaded, tsm=True))

    def finish(groups: m.GroupFigures, group_by: tuple[str, ...]) -> None:
        index = group_by.index("organisation") if "organisation" in group_by else None
        for key, figures in groups.items():
            base = by_slug.get(key[index]) if index is not None else whole
            for level in (1, 2):
                count = figures.get(f"ch01.stage{level}")
                n = int(count.value or 0) if count else 0
                rate = round(n / base * 1000, 2) if base else None
                figures[f"ch01.stage{level}_per_1000"] = m.Figure(
                    f"ch01.stage{level}_per_1000",
                    rate,
                    n,
                    base,
                    case_ids=count.case_ids if count else None,
                )

    report = _assemble("tsm", loaded, parts, dims, list(m.TSM_FIGURES), finish)
    report.homes = whole
    report.homes_year = end.year
    if whole is None:
        report.notes.append(
            "No homes figure is recorded for this organisation, so CH01 per 1,000 homes cannot "
            "be given: record one with `putright org` or the admin."
        )
    report.notes.extend(_reading(timescales()))
    report.notes.extend(petition_notes(loaded))
    return report


def _reading(scales: Mapping[int, StageTimescale]) -> list[str]:
    """How the responses are judged, in plain English, with the Code's provisions."""
    first, second = scales[1], scales[2]
    notes = [
        "CH02 judges each response against the Complaint Handling Code, whatever the "
        "landlord's own policy promises. "
        + "; ".join(s.describe() for s in (first, second))
        + ". A response on the last day is on time."
    ]
    if Anchor.ACKNOWLEDGED in (first.respond_start, second.respond_start):
        notes.append(
            "Where a stage was not acknowledged by the day of its response, the "
            "acknowledgement did not happen, so the response is counted from the day the "
            f"acknowledgement was due: {first.acknowledge_days} working days after stage 1 "
            "started (the complaint's receipt, or the day it became a formal complaint; "
            f"{first.acknowledge_source}), "
            f"{second.acknowledge_days} working days after the escalation request at stage 2 "
            f"({second.acknowledge_source}). An acknowledgement made late is counted from its "
            "own date, as the Code's words say, and is reported late among the "
            "acknowledgements, which count only acknowledgements actually made, on the day "
            "they were made."
        )
    notes.append(
        "An extension counts as far as it was recorded and no further than the Code allows: a "
        "response inside an extension within the Code's limit is on time; one sent after the "
        "Code's limit is late, even where a longer extension was recorded. Working days are "
        "those of the organisation's calendar: weekends, the bank holidays of its region and "
        "its own closure days are not counted, and the day counted from is day 0."
    )
    notes.append(
        'Beside CH02, "within the landlord\'s policy timescale" judges the same responses '
        "against the response deadline of the policy each case is handled under, as the "
        "policy is written (without the Code's minimum applied on top): its days counted "
        "from what the policy names (receipt, the stage starting, or the acknowledgement, "
        "counted as above where none was made), moved by every extension recorded. It is "
        "not a Tenant Satisfaction Measure. A policy slower than the Code can show a higher "
        "figure here than CH02, and a faster one a lower figure."
    )
    return notes


def _ch01_part(loaded: Loaded, level: int) -> m.Part:
    runs = loaded.runs
    rows = loaded.runs_where(level, runs.start)
    case_ids = runs.case_id[rows]

    def compute(g: Ints) -> list[m.Figure]:
        return [m.count_figure(f"ch01.stage{level}", case_ids[g])]

    return m.Part(Cohort(loaded.dims(runs.row[rows]), runs.start[rows], case_ids), compute)


def _ch02_part(loaded: Loaded, level: int) -> m.Part:
    runs = loaded.runs
    rows = loaded.runs_where(level, runs.responded)
    case_ids = runs.case_id[rows]
    on_time = runs.responded_on_time[rows]
    judged = runs.policy_judged[rows]
    within = runs.responded_within_policy[rows]

    def compute(g: Ints) -> list[m.Figure]:
        ids = case_ids[g]
        return [
            m.share_figure(f"ch02.stage{level}", ids[on_time[g]], ids),
            m.share_figure(f"ch02.stage{level}_policy", ids[within[g]], ids[judged[g]]),
        ]

    return m.Part(Cohort(loaded.dims(runs.row[rows]), runs.responded[rows], case_ids), compute)


def performance_report(
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    *,
    by: Iterable[str] = (),
    today: datetime.date | None = None,
    loaded: Loaded | None = None,
) -> Report:
    """Received, on time, days to respond, extensions, escalation, outcomes, refusals,
    compensation and satisfaction, by the chosen dimensions."""
    dims = check_dimensions(by)
    loaded = loaded or load(organisation, start, end, today=today)
    runs = loaded.runs
    parts: list[m.Part] = []
    now: list[m.Part] = []
    for level in (1, 2):
        parts.append(
            m.received_part(level, runs, loaded.runs_where(level, runs.start), loaded.dims)
        )
        parts.append(
            m.responded_part(level, runs, loaded.runs_where(level, runs.responded), loaded.dims)
        )
        current = np.flatnonzero((runs.level == level) & runs.current & np.isnat(runs.responded))
        now.append(m.now_part(level, runs, current, loaded.dims))
    parts.append(escalation_refusals_part(loaded))
    parts.append(awards_part(loaded))
    parts.extend(compensation_parts(loaded))
    parts.append(satisfaction_part(loaded))

    def finish(groups: m.GroupFigures, _by: tuple[str, ...]) -> None:
        m.add_escalation_rate(groups)

    # Open and overdue now describe today: by month or quarter they are in the total only.
    timed = bool(set(dims) & TIME_DIMENSIONS)
    report = _assemble(
        "performance",
        loaded,
        parts if timed else [*parts, *now],
        dims,
        list(m.PERFORMANCE_FIGURES),
        finish,
        total_only=now if timed else None,
    )
    report.breakdowns = refusal_breakdowns(loaded)
    report.notes.extend(_reading(timescales()))
    report.notes.extend(petition_notes(loaded))
    return report


def petition_notes(loaded: Loaded) -> list[str]:
    """How many people the period's petitions represent: each petition is one complaint in
    CH01 however many signed it. Read by app label, so reports do not import petitions."""
    from django.apps import apps

    from putright.cases.models import Case, Kind

    cases = Case.objects.filter(
        organisation__in=loaded.organisations,
        kind=Kind.PETITION,
        deemed_received_on__range=(loaded.start, loaded.end),
    )
    petitions = cases.count()
    if not petitions:
        return []
    signatory = apps.get_model("petitions", "Signatory")
    people = signatory.objects.filter(petition__case__in=cases).count()
    return [
        f"Petitions received: {petitions}, signed by {people} people in all; each petition "
        "counts once in CH01."
    ]


def refusal_breakdowns(loaded: Loaded) -> list[Breakdown]:
    """Escalations refused by ground, and complaints not accepted by exclusion, in the period."""
    c = loaded.cases
    runs = loaded.runs
    registry = pack_registry()
    out: list[Breakdown] = []

    def label(pack_id: str, ground: str, exclusion: bool) -> str:
        try:
            pack = registry.get(pack_id)
        except Exception:
            return ground
        if exclusion:
            return next((e.label for e in pack.exclusions if e.id == ground), ground)
        for stage in pack.stages:
            if stage.escalation:
                for choice in stage.escalation.refusal_grounds:
                    if choice.id == ground:
                        return choice.label
        return ground

    refused = np.flatnonzero(m.in_period(c.escalation_refused_on, loaded.start, loaded.end))
    out += _breakdown(
        "escalation_refused",
        c.escalation_refusal_ground[refused],
        c.policy_pack[refused],
        c.case_id[refused],
        lambda p, g: label(p, g, False),
    )
    stage_refused = np.flatnonzero(m.in_period(runs.refused, loaded.start, loaded.end))
    rows = runs.row[stage_refused]
    out += _breakdown(
        "not_accepted",
        runs.exclusion[stage_refused],
        c.policy_pack[rows],
        runs.case_id[stage_refused],
        lambda p, g: label(p, g, True),
    )
    return out


def _breakdown(
    kind: str, grounds: Strs, packs: Strs, case_ids: Ints, label: Any
) -> list[Breakdown]:
    out = []
    for ground in sorted(set(grounds.tolist())):
        mask = grounds == ground
        pack = str(packs[mask][0])
        out.append(
            Breakdown(
                kind=kind,
                ground=ground,
                label=label(pack, ground) if ground else NOT_RECORDED,
                count=int(mask.sum()),
                case_ids=case_ids[mask],
            )
        )
    return sorted(out, key=lambda b: -b.count)


def build(
    kind: str,
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    *,
    by: Iterable[str] = (),
    today: datetime.date | None = None,
    loaded: Loaded | None = None,
) -> Report:
    if kind == "tsm":
        return tsm_report(organisation, start, end, by=by, today=today, loaded=loaded)
    if kind == "performance":
        return performance_report(organisation, start, end, by=by, today=today, loaded=loaded)
    raise ReportInputError(f"There is no report {kind!r}; choose tsm or performance.", "report")


def references(case_ids: Iterable[int] | None, *, limit: int | None = None) -> list[str]:
    """The references of the cases behind a figure, in order."""
    if case_ids is None:
        return []
    ids = sorted({int(i) for i in case_ids})
    found: list[str] = []
    for i in range(0, len(ids), 5000):
        found += Case.objects.filter(pk__in=ids[i : i + 5000]).values_list("reference", flat=True)
    found.sort()
    return found[:limit] if limit is not None else found
