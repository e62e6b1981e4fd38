"""The measures, as pure functions of loaded rows: no database access in this module.

Tenant Satisfaction Measures (Regulator of Social Housing) as PutRight reads them:

CH01, complaints relative to the size of the landlord
    Stage 1: the complaints whose stage 1 *started* in the period: received (or
    reclassified) at a formal stage of level 1 in the case's pack, on its deemed receipt
    date; or, under packs with an informal first stage, the day the case was made a
    formal complaint. Stage 2: the complaints whose escalation into a formal stage of
    level 2 was accepted in the period (a refused escalation is not a stage 2
    complaint). Complaints later withdrawn or refused under an exclusion still count:
    they were received. Per 1,000 homes uses the organisation's homes (``HomesCount``)
    for the year the period ends in (else the latest earlier year, else the earliest
    later one); a group without its own figure sums its members'. The rate is for the
    period as given, not annualised.

CH02, complaints responded to within the Code's timescales
    Of the stage 1 (stage 2) responses *sent in the period*, the share sent within the
    Complaint Handling Code's timescale for that stage, whatever the landlord's own
    policy promises. The timescale is read from the ``hos-code-2024`` pack and counted
    in working days on the organisation's calendar (weekends, its region's bank holidays
    and its closure days are not counted) from the Code's own anchor: stage 1 within 10
    working days of the acknowledgement (Code 6.3), stage 2 within 20 working days of the
    escalation's acknowledgement. The acknowledgement counted from is the one made at that
    stage on or before the day of the response; where none was, the acknowledgement did
    not happen and the response counts from the day it was due (5 working days after the
    stage started: receipt, becoming a formal complaint, or the escalation request). A
    late acknowledgement is counted from its own date, as the Code's words say; it shows
    as late among the acknowledgements. Any extension recorded at that stage adds its
    days up to the Code's maximum (10; 20): a response inside an extension within the
    Code's limit is on time, one after the limit late even where a longer extension was
    recorded. A response on or before the last permitted day is on time. Withdrawn
    complaints and stages closed without a response are not responses and are left out.

    Beside it, *within the landlord's policy timescale* (not a TSM figure): the same
    responses judged against the response step of the policy the case is handled under,
    as the pack is written (``timescales.policy_rule``: its days, counting and anchor,
    the acknowledgement read as above, every recorded extension counted as the deadline
    engine counts it). Responses whose policy gives no timescale for them are left out of
    that share.

TP09, satisfaction with the landlord's approach to complaints handling
    Of the satisfaction answers given in the period, the share "very" or "fairly"
    satisfied (4 or 5 on the five-point scale).

Performance figures, by stage, follow the same rules: *received* counts stages started
in the period; *acknowledged on time* is judged against the Code's acknowledgement
timescale among those whose acknowledgement fell due (acknowledged, or the due date
passed while the stage was open; a stage withdrawn or closed before its due date owed
none); *responded*, *on time*, the median and 90th percentile of working days from
the stage start to the response (linear interpolation), extensions and outcomes count
responses sent in the period; the escalation rate is stage 2 complaints started in
the period per stage 1 response sent in it; refusals are escalation refusals recorded
in the period (by ground) and stages refused under an exclusion (by exclusion);
compensation *awards* are those proposed in the period and not refused approval; offers,
acceptances, refusals by the customer and payments are each counted in the period of
their own date (offered, answered, paid), in total and by the stage the award was made
at (formal stage 1, stage 2, or any other stage), so an award offered in March and paid
in April is an offer of March and a payment of April. *Open now*
and *overdue now* describe today, whatever the period: a stage is overdue when it is
still unanswered after the Code's response date (counted from the acknowledgement made,
or from the day it was due while none has been).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .grouping import Cohort, group_rows, sort_key

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Dates = npt.NDArray[np.datetime64]
Strs = npt.NDArray[np.str_]


@dataclass(frozen=True)
class FigureKind:
    key: str
    label: str
    unit: str  # count, share, rate, days, pence
    description: str = ""
    has_cases: bool = True


def _stage_figures(level: int) -> list[FigureKind]:
    s = f"stage{level}"
    name = f"Stage {level}"
    return [
        FigureKind(f"{s}.received", f"{name} received", "count", "Stages started in the period"),
        FigureKind(
            f"{s}.acknowledgements_due",
            f"{name} acknowledgements due",
            "count",
            "Stages started in the period whose acknowledgement fell due",
        ),
        FigureKind(
            f"{s}.acknowledged_on_time",
            f"{name} acknowledged on time",
            "count",
            "Acknowledged within the Code's timescale",
        ),
        FigureKind(
            f"{s}.acknowledged_on_time_share",
            f"{name} acknowledged on time (%)",
            "share",
            "Acknowledged on time, of those due",
        ),
        FigureKind(
            f"{s}.withdrawn", f"{name} withdrawn", "count", "Started in the period, withdrawn"
        ),
        FigureKind(
            f"{s}.refused",
            f"{name} refused under an exclusion",
            "count",
            "Started in the period, not accepted under an exclusion of the policy",
        ),
        FigureKind(f"{s}.responded", f"{name} responses", "count", "Responses sent in the period"),
        FigureKind(
            f"{s}.responded_on_time",
            f"{name} responded on time",
            "count",
            "Responses sent within the Code's timescale, with a permitted extension",
        ),
        FigureKind(
            f"{s}.responded_on_time_share",
            f"{name} responded on time (%)",
            "share",
            "Responses on time, of responses sent in the period",
        ),
        FigureKind(
            f"{s}.responded_within_policy",
            f"{name} responded within the landlord's policy timescale",
            "count",
            "Responses sent by the last day the case's own policy allows, with its extensions",
        ),
        FigureKind(
            f"{s}.responded_within_policy_share",
            f"{name} responded within the landlord's policy timescale (%)",
            "share",
            "Of the responses sent in the period that the policy gives a timescale",
        ),
        FigureKind(
            f"{s}.median_working_days",
            f"{name} median working days to respond",
            "days",
            "From the stage start to the response",
            has_cases=False,
        ),
        FigureKind(
            f"{s}.p90_working_days",
            f"{name} 90th percentile working days to respond",
            "days",
            "From the stage start to the response",
            has_cases=False,
        ),
        FigureKind(
            f"{s}.extended",
            f"{name} responses after an extension",
            "count",
            "Extended, then answered",
        ),
        FigureKind(
            f"{s}.extended_beyond_code",
            f"{name} extended beyond the Code",
            "count",
            "Extensions longer than the Code permits",
        ),
        FigureKind(f"{s}.upheld", f"{name} upheld", "count"),
        FigureKind(f"{s}.partly_upheld", f"{name} partly upheld", "count"),
        FigureKind(f"{s}.not_upheld", f"{name} not upheld", "count"),
        FigureKind(
            f"{s}.open_now", f"{name} open now", "count", "Open at this stage and not yet answered"
        ),
        FigureKind(
            f"{s}.overdue_now",
            f"{name} overdue now",
            "count",
            "Unanswered past the Code's response date today",
        ),
    ]


#: Where an award was made, for the compensation figures by stage: the formal stage 1 and
#: stage 2, or any other (an informal or first-contact stage, or a stage beyond the second).
COMPENSATION_STAGES = (("stage1", "stage 1"), ("stage2", "stage 2"), ("other", "other stages"))


def _compensation_figures() -> list[FigureKind]:
    """Offers, acceptances, refusals and payments in the period, each dated by its own event."""
    out = [
        FigureKind("compensation.offered", "Compensation offers", "count", "Offered in the period"),
        FigureKind(
            "compensation.offered_pence", "Compensation offered", "pence", "Total of those offers"
        ),
        FigureKind(
            "compensation.accepted",
            "Compensation offers accepted",
            "count",
            "Accepted by the customer in the period",
        ),
        FigureKind(
            "compensation.accepted_pence",
            "Compensation accepted",
            "pence",
            "Total of the offers accepted",
        ),
        FigureKind(
            "compensation.declined",
            "Compensation offers refused by the customer",
            "count",
            "Refused by the customer in the period",
        ),
        FigureKind("compensation.payments", "Compensation payments", "count", "Paid in the period"),
        FigureKind(
            "compensation.payments_pence",
            "Compensation paid in the period",
            "pence",
            "Paid to the customer, after any offset against arrears",
        ),
        FigureKind(
            "compensation.offset_pence",
            "Compensation set against arrears",
            "pence",
            "Part of the awards paid in the period that cleared rent arrears",
        ),
    ]
    for key, name in COMPENSATION_STAGES:
        c = f"compensation.{key}"
        out += [
            FigureKind(f"{c}.offered", f"Offers at {name}", "count", "Offered in the period"),
            FigureKind(
                f"{c}.offered_pence", f"Offered at {name}", "pence", "Total of those offers"
            ),
            FigureKind(
                f"{c}.accepted", f"Offers accepted at {name}", "count", "Accepted in the period"
            ),
            FigureKind(
                f"{c}.accepted_pence",
                f"Accepted at {name}",
                "pence",
                "Total of the offers accepted",
            ),
            FigureKind(
                f"{c}.paid_pence",
                f"Paid at {name}",
                "pence",
                "Paid to the customer in the period, after any offset",
            ),
        ]
    return out


PERFORMANCE_FIGURES: dict[str, FigureKind] = {
    f.key: f
    for f in [
        *_stage_figures(1),
        FigureKind(
            "stage1.escalation_rate",
            "Escalation rate (%)",
            "share",
            "Stage 2 complaints started per stage 1 response sent in the period",
            has_cases=False,
        ),
        FigureKind(
            "stage1.escalation_refused",
            "Escalations refused",
            "count",
            "Requests for stage 2 refused in the period",
        ),
        *_stage_figures(2),
        FigureKind("compensation.awards", "Compensation awards", "count", "Proposed in the period"),
        FigureKind(
            "compensation.awarded_pence", "Compensation awarded", "pence", "Total of those awards"
        ),
        FigureKind(
            "compensation.paid_pence", "Compensation paid", "pence", "Paid so far on those awards"
        ),
        *_compensation_figures(),
        FigureKind("tp09.answers", "Satisfaction answers", "count", "Answers given in the period"),
        FigureKind(
            "tp09.share",
            "Satisfied with complaint handling (TP09, %)",
            "share",
            "Very or fairly satisfied, of the answers",
        ),
    ]
}

TSM_FIGURES: dict[str, FigureKind] = {
    f.key: f
    for f in [
        FigureKind("ch01.stage1", "Stage 1 complaints received", "count", "CH01 numerator"),
        FigureKind(
            "ch01.stage1_per_1000",
            "CH01 stage 1 complaints per 1,000 homes",
            "rate",
            "Stage 1 complaints received per 1,000 homes",
        ),
        FigureKind("ch01.stage2", "Stage 2 complaints received", "count", "CH01 numerator"),
        FigureKind(
            "ch01.stage2_per_1000",
            "CH01 stage 2 complaints per 1,000 homes",
            "rate",
            "Stage 2 complaints received per 1,000 homes",
        ),
        FigureKind(
            "ch02.stage1",
            "CH02 stage 1 complaints responded to within the Code's timescales (%)",
            "share",
            "Of stage 1 responses sent in the period",
        ),
        FigureKind(
            "ch02.stage1_policy",
            "Stage 1 complaints responded to within the landlord's policy timescale (%)",
            "share",
            "Of stage 1 responses sent in the period; beside CH02, not a TSM figure",
        ),
        FigureKind(
            "ch02.stage2",
            "CH02 stage 2 complaints responded to within the Code's timescales (%)",
            "share",
            "Of stage 2 responses sent in the period",
        ),
        FigureKind(
            "ch02.stage2_policy",
            "Stage 2 complaints responded to within the landlord's policy timescale (%)",
            "share",
            "Of stage 2 responses sent in the period; beside CH02, not a TSM figure",
        ),
        FigureKind(
            "tp09",
            "TP09 satisfaction with the landlord's approach to complaints handling (%)",
            "share",
            "Very or fairly satisfied, of the answers given in the period",
        ),
    ]
}
ALL_FIGURES: dict[str, FigureKind] = {**PERFORMANCE_FIGURES, **TSM_FIGURES}


@dataclass
class Figure:
    """One number of a report, with the cases behind it."""

    key: str
    value: float | int | None
    numerator: int | None = None
    denominator: int | None = None
    case_ids: Ints | None = field(default=None, repr=False)

    @property
    def kind(self) -> FigureKind:
        return ALL_FIGURES[self.key]

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def unit(self) -> str:
        return self.kind.unit

    def display(self) -> str:
        return display_value(self.value, self.unit)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value}
        if self.numerator is not None:
            out["numerator"] = self.numerator
        if self.denominator is not None:
            out["denominator"] = self.denominator
        return out


def display_value(value: float | int | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "pence":
        return f"£{value / 100:,.2f}"
    if unit in ("rate", "days"):
        return f"{value:,.1f}" if value != int(value) else f"{int(value):,}"
    return f"{int(value):,}"


def share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def count_figure(key: str, case_ids: Ints) -> Figure:
    return Figure(key, int(case_ids.size), case_ids=case_ids)


def share_figure(key: str, on: Ints, of: Ints) -> Figure:
    return Figure(key, share(int(on.size), int(of.size)), int(on.size), int(of.size), case_ids=on)


def percentile(values: npt.NDArray[Any], q: float) -> float | None:
    if values.size == 0:
        return None
    return round(float(np.percentile(values, q)), 2)


def in_period(dates: Dates, start: datetime.date, end: datetime.date) -> Bools:
    lo = np.datetime64(start, "D")
    hi = np.datetime64(end, "D")
    return ~np.isnat(dates) & (dates >= lo) & (dates <= hi)


# -- figure sets per cohort ------------------------------------------------------------

Computation = Callable[[Ints], list[Figure]]


@dataclass
class Part:
    """A cohort and how to turn a group of its rows into figures."""

    cohort: Cohort
    compute: Computation


GroupFigures = dict[tuple[str, ...], dict[str, Figure]]


def evaluate(parts: Iterable[Part], by: Sequence[str]) -> GroupFigures:
    """Every part's figures for each group of ``by`` (and the total when ``by`` is empty)."""
    out: GroupFigures = {}
    for part in parts:
        for key, rows in group_rows(part.cohort, by).items():
            figures = out.setdefault(key, {})
            for figure in part.compute(rows):
                figures[figure.key] = figure
    return out


def received_part(
    level: int, runs: Any, rows: Ints, dims: Callable[[Ints], Mapping[str, Strs]]
) -> Part:
    """Stages of ``level`` started in the period (``rows`` index the runs)."""
    s = f"stage{level}"
    case_id = runs.case_id[rows]
    due = runs.acknowledgement_due_passed[rows]
    on_time = runs.acknowledged_on_time[rows] & due
    withdrawn = ~np.isnat(runs.withdrawn[rows])
    refused = ~np.isnat(runs.refused[rows])

    def compute(g: Ints) -> list[Figure]:
        ids = case_id[g]
        return [
            count_figure(f"{s}.received", ids),
            count_figure(f"{s}.acknowledgements_due", ids[due[g]]),
            count_figure(f"{s}.acknowledged_on_time", ids[on_time[g]]),
            share_figure(f"{s}.acknowledged_on_time_share", ids[on_time[g]], ids[due[g]]),
            count_figure(f"{s}.withdrawn", ids[withdrawn[g]]),
            count_figure(f"{s}.refused", ids[refused[g]]),
        ]

    return Part(Cohort(dims(runs.row[rows]), runs.start[rows], case_id), compute)


def responded_part(
    level: int, runs: Any, rows: Ints, dims: Callable[[Ints], Mapping[str, Strs]]
) -> Part:
    """Responses at ``level`` sent in the period."""
    s = f"stage{level}"
    case_id = runs.case_id[rows]
    on_time = runs.responded_on_time[rows]
    judged = runs.policy_judged[rows]
    within = runs.responded_within_policy[rows]
    days = runs.working_days_to_respond[rows]
    extended = runs.extended_days[rows] > 0
    beyond = runs.extended_beyond_code[rows]
    outcome = runs.outcome[rows]

    def compute(g: Ints) -> list[Figure]:
        ids = case_id[g]
        figures = [
            count_figure(f"{s}.responded", ids),
            count_figure(f"{s}.responded_on_time", ids[on_time[g]]),
            share_figure(f"{s}.responded_on_time_share", ids[on_time[g]], ids),
            count_figure(f"{s}.responded_within_policy", ids[within[g]]),
            share_figure(f"{s}.responded_within_policy_share", ids[within[g]], ids[judged[g]]),
            Figure(f"{s}.median_working_days", percentile(days[g], 50)),
            Figure(f"{s}.p90_working_days", percentile(days[g], 90)),
            count_figure(f"{s}.extended", ids[extended[g]]),
            count_figure(f"{s}.extended_beyond_code", ids[beyond[g]]),
        ]
        figures += [count_figure(f"{s}.{o}", ids[outcome[g] == o]) for o in OUTCOMES]
        return figures

    return Part(Cohort(dims(runs.row[rows]), runs.responded[rows], case_id), compute)


OUTCOMES = ("upheld", "partly_upheld", "not_upheld")


def now_part(level: int, runs: Any, rows: Ints, dims: Callable[[Ints], Mapping[str, Strs]]) -> Part:
    """Stages of ``level`` awaiting a response today (placed in time by their start)."""
    s = f"stage{level}"
    case_id = runs.case_id[rows]
    overdue = runs.overdue_now[rows]

    def compute(g: Ints) -> list[Figure]:
        ids = case_id[g]
        return [
            count_figure(f"{s}.open_now", ids),
            count_figure(f"{s}.overdue_now", ids[overdue[g]]),
        ]

    return Part(Cohort(dims(runs.row[rows]), runs.start[rows], case_id), compute)


def add_escalation_rate(groups: GroupFigures) -> None:
    """Stage 2 started per stage 1 response, in each group."""
    for figures in groups.values():
        started = figures.get("stage2.received")
        answered = figures.get("stage1.responded")
        n = int(started.value or 0) if started else 0
        d = int(answered.value or 0) if answered else 0
        figures["stage1.escalation_rate"] = Figure("stage1.escalation_rate", share(n, d), n, d)


def ordered(groups: GroupFigures) -> list[tuple[tuple[str, ...], dict[str, Figure]]]:
    return sorted(groups.items(), key=lambda item: sort_key(item[0]))


def zero_fill(groups: GroupFigures, keys: Iterable[str]) -> None:
    """Every group has every figure: counts of nothing are 0, shares of nothing are None."""
    empty = np.zeros(0, dtype=np.int64)
    for figures in groups.values():
        for key in keys:
            if key in figures:
                continue
            kind = ALL_FIGURES[key]
            if kind.unit in ("count", "pence"):
                figures[key] = Figure(key, 0, case_ids=empty if kind.has_cases else None)
            else:
                figures[key] = Figure(key, None)
