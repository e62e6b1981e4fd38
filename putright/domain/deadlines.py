"""Deadlines, derived from a pack, a calendar and a case's facts; never stored as truth.

``derive_deadlines`` walks the case's facts (received, acknowledged, extended,
responded, escalation requested ...) through the stages of its pack and returns
every deadline with its state and an explanation a complaint handler can read:
the rule and its source, the start date and why, the days counted and skipped.
Change the calendar (a new closure day) and deriving again gives the new dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from .calendar import Receipt, WorkingCalendar, describe
from .errors import RuleViolationError
from .policy import Anchor, Audience, Completion, Counting, Pack, Stage, Step


class FactKind(StrEnum):
    """The facts of a case that move its deadlines."""

    ACKNOWLEDGED = "acknowledged"
    INVESTIGATION_REQUESTED = "investigation_requested"
    INVESTIGATOR_REPLIED = "investigator_replied"
    EXTENDED = "extended"
    RESPONDED = "responded"
    CONTACTED = "contacted"
    INFORMATION_REQUESTED = "information_requested"
    INFORMATION_RECEIVED = "information_received"
    ESCALATION_REQUESTED = "escalation_requested"
    STEP_DONE = "step_done"  # a milestone step marked as done
    MADE_FORMAL = "made_formal"
    ROUTE_CHOSEN = "route_chosen"
    CLOSED = "closed"
    REOPENED = "reopened"


class State(StrEnum):
    PENDING = "pending"  # not done, not yet due
    MET = "met"  # done on or before the due date
    MISSED = "missed"  # done late, or not done and past due
    LAPSED = "lapsed"  # a window the customer did not use
    STOPPED = "stopped"  # the case closed before it fell due


@dataclass(frozen=True)
class Fact:
    """Something that happened on a case, on a local date."""

    kind: FactKind
    on: date
    stage: str | None = None  # the stage it was recorded at (escalation: the stage asked for)
    route: str | None = None
    working_days: int = 0  # an extension's length
    step: str | None = None  # the milestone a STEP_DONE fact completes


@dataclass(frozen=True)
class Timeline:
    """What the deadline engine needs to know about one case."""

    kind: str
    received_at: datetime
    facts: tuple[Fact, ...] = ()
    start_stage: str | None = None  # override the kind's starting stage


@dataclass(frozen=True)
class Explanation:
    """Why a deadline falls when it does."""

    rule: str
    source: str
    start: date
    start_reason: str
    days: int
    counting: Counting
    counted: tuple[date, ...]
    skipped: tuple[tuple[date, str], ...]
    extension: str = ""
    projected: bool = False

    def text(self) -> str:
        """The explanation as one paragraph of plain English."""
        unit = "working days" if self.counting is Counting.WORKING else "calendar days"
        parts = [f"{self.rule} ({self.source})." if self.source else f"{self.rule}."]
        parts.append(f"Counted from {describe(self.start)}: {self.start_reason}.")
        if self.projected:
            parts.append("That step has not happened yet, so this date assumes it happens on time.")
        if self.counted:
            parts.append(f"Day {self.days} of {self.days} {unit} is {describe(self.counted[-1])}.")
        if self.skipped:
            parts.append(
                "Not counted: "
                + "; ".join(f"{describe(d)} ({why})" for d, why in self.skipped)
                + "."
            )
        if self.extension:
            parts.append(self.extension)
        return " ".join(parts)


@dataclass(frozen=True)
class Deadline:
    """A due date of one step at one stage of a case."""

    stage: str
    stage_label: str
    route: str | None
    step: str
    label: str
    due: date
    state: State
    audience: Audience
    owner: str | None
    explanation: Explanation
    completed_on: date | None = None
    breach_alert: tuple[str, ...] = ()
    # Never done, and now past doing: an acknowledgement the stage was answered without.
    superseded: bool = False

    @property
    def is_open(self) -> bool:
        if self.superseded:
            return False
        return self.state is State.PENDING or (
            self.state is State.MISSED and self.completed_on is None
        )


@dataclass
class _StageRun:
    stage: Stage
    started: date
    start_reason: str
    route: str | None = None
    made_formal: bool = False
    facts: list[Fact] = field(default_factory=list)

    def first(self, kind: FactKind) -> Fact | None:
        return next((f for f in self.facts if f.kind is kind), None)


_ANCHOR_FACT = {
    Anchor.ACKNOWLEDGED: FactKind.ACKNOWLEDGED,
    Anchor.INVESTIGATION_REQUESTED: FactKind.INVESTIGATION_REQUESTED,
    Anchor.INVESTIGATOR_REPLIED: FactKind.INVESTIGATOR_REPLIED,
    Anchor.RESPONDED: FactKind.RESPONDED,
    Anchor.INFORMATION_REQUESTED: FactKind.INFORMATION_REQUESTED,
}
_COMPLETION_FACT = {
    Completion.ACKNOWLEDGED: FactKind.ACKNOWLEDGED,
    Completion.INVESTIGATOR_REPLIED: FactKind.INVESTIGATOR_REPLIED,
    Completion.RESPONDED: FactKind.RESPONDED,
    Completion.CONTACTED: FactKind.CONTACTED,
}
_ANCHOR_WORDS = {
    Anchor.ACKNOWLEDGED: "acknowledged",
    Anchor.INVESTIGATION_REQUESTED: "investigation requested",
    Anchor.INVESTIGATOR_REPLIED: "investigator replied",
    Anchor.RESPONDED: "response sent",
    Anchor.INFORMATION_REQUESTED: "information requested",
}


def count_days(
    calendar: WorkingCalendar, start: date, days: int, counting: Counting
) -> tuple[date, tuple[date, ...], tuple[tuple[date, str], ...]]:
    """The due date ``days`` after ``start``, the days counted and the days skipped.

    Calendar-day periods that end on a non-working day move to the next working day.
    """
    if counting is Counting.WORKING:
        due = calendar.add_working_days(start, days)
        skipped = tuple(calendar.skipped_between(start, due))
        not_counted = {d for d, _ in skipped}
        span = (start + timedelta(days=i) for i in range(1, (due - start).days + 1))
        return due, tuple(d for d in span if d not in not_counted), skipped
    nominal = start + timedelta(days=days)
    due = calendar.on_or_after(nominal)
    counted = tuple(start + timedelta(days=i) for i in range(1, days + 1))
    moved = tuple(calendar.skipped_between(nominal - timedelta(days=1), due))
    return due, counted, moved


def _started(what: str, on: date, calendar: WorkingCalendar) -> str:
    if calendar.is_working_day(on):
        return f"{what} on {describe(on)}"
    return (
        f"{what} on {describe(on)} ({calendar.why_not_working(on)}), so taken as received on "
        f"the next working day, {describe(calendar.on_or_after(on))}, as a complaint is"
    )


def _runs(pack: Pack, calendar: WorkingCalendar, timeline: Timeline) -> list[_StageRun]:
    """Split the case's facts into the stages it went through."""
    receipt = calendar.deemed_receipt(timeline.received_at)
    stage_id = timeline.start_stage
    if stage_id is None:
        rule = pack.kind(timeline.kind)
        stage_id = rule.starts_at if rule else None
    if stage_id is None:
        return []
    runs = [
        _StageRun(stage=pack.stage(stage_id), started=receipt.deemed, start_reason=receipt.reason)
    ]
    for fact in sorted(timeline.facts, key=lambda f: f.on):
        current = runs[-1]
        if fact.kind is FactKind.ESCALATION_REQUESTED:
            target = fact.stage or (
                current.stage.escalation.to if current.stage.escalation else None
            )
            if target is None:
                continue
            current.facts.append(fact)
            runs.append(
                _StageRun(
                    stage=pack.stage(target),
                    started=calendar.on_or_after(fact.on),
                    start_reason=_started("escalation requested", fact.on, calendar),
                    route=fact.route,
                    made_formal=False,
                )
            )
        elif fact.kind is FactKind.MADE_FORMAL:
            formal = pack.stage(fact.stage) if fact.stage else pack.first_formal_stage()
            if formal is None:
                continue
            current.facts.append(fact)
            runs.append(
                _StageRun(
                    stage=formal,
                    started=calendar.on_or_after(fact.on),
                    start_reason=_started("made a formal complaint", fact.on, calendar),
                    made_formal=True,
                )
            )
        elif fact.kind is FactKind.ROUTE_CHOSEN:
            current.route = fact.route
            current.facts.append(fact)
        else:
            current.facts.append(fact)
    return runs


def derive_deadlines(
    pack: Pack,
    calendar: WorkingCalendar,
    timeline: Timeline,
    *,
    today: date,
    floor: Pack | None = None,
) -> list[Deadline]:
    """Every deadline of the case, in the order its stages and steps come, with its state.

    With ``floor`` (the Code's pack), a formal stage's acknowledgement and response fall no
    later than the Code's timescales would put them (see ``putright.domain.floor``).
    """
    deadlines: list[Deadline] = []
    runs = _runs(pack, calendar, timeline)
    closed_on = _closed_on(timeline.facts)
    received = calendar.deemed_receipt(timeline.received_at)
    for index, run in enumerate(runs):
        later = runs[index + 1] if index + 1 < len(runs) else None
        ended = later.started if later else closed_on
        own = _stage_deadlines(pack, calendar, run, received.deemed, received.reason, ended, today)
        if floor is not None:
            own = _with_floor(own, floor, calendar, run, received, ended, today)
        deadlines.extend(own)
        window = _escalation_window(pack, calendar, run, later, ended, today)
        if window:
            deadlines.append(window)
    return deadlines


#: The steps the Code sets timescales for, by what completes them.
_FLOORED_COMPLETIONS = (Completion.ACKNOWLEDGED, Completion.RESPONDED)


def _with_floor(
    own: list[Deadline],
    code: Pack,
    calendar: WorkingCalendar,
    run: _StageRun,
    received: Receipt,
    ended: date | None,
    today: date,
) -> list[Deadline]:
    """The stage's deadlines with the Code's acknowledgement and response dates where earlier."""
    stage = run.stage
    code_stage = (
        next((s for s in code.formal_stages() if s.level == stage.level), None)
        if stage.formal and stage.level in (1, 2)
        else None
    )
    if code_stage is None:
        return own
    code_run = _StageRun(
        stage=code_stage,
        started=run.started,
        start_reason=run.start_reason,
        made_formal=run.made_formal,
        facts=run.facts,
    )
    steps = {s.id: s for s in stage.steps_for(run.route)}
    code_steps = {s.id: s for s in code_stage.steps}
    by_completion = {
        code_steps[d.step].completion(): d
        for d in _stage_deadlines(
            code, calendar, code_run, received.deemed, received.reason, ended, today
        )
        if d.step in code_steps and d.audience is Audience.CUSTOMER
    }
    out = []
    for deadline in own:
        step = steps.get(deadline.step)
        minimum = by_completion.get(step.completion()) if step is not None else None
        if (
            step is None
            or step.completion() not in _FLOORED_COMPLETIONS
            or deadline.audience is not Audience.CUSTOMER
            or minimum is None
            or minimum.due >= deadline.due
        ):
            out.append(deadline)
            continue
        own_rule = deadline.explanation.rule
        if deadline.explanation.source:
            own_rule += f" ({deadline.explanation.source})"
        code_rule = minimum.explanation.rule.split(": ", 1)[-1]
        out.append(
            replace(
                deadline,
                due=minimum.due,
                state=minimum.state,
                explanation=replace(
                    minimum.explanation,
                    rule=f"{deadline.label}: the policy allows until {describe(deadline.due)} "
                    f"({own_rule}); {minimum.explanation.source or 'the Code'} requires it "
                    f"{code_rule}: applying the Code",
                    source="",
                ),
            )
        )
    return out


def _closed_on(facts: Iterable[Fact]) -> date | None:
    closed: date | None = None
    for fact in sorted(facts, key=lambda f: f.on):
        if fact.kind is FactKind.CLOSED:
            closed = fact.on
        elif fact.kind is FactKind.REOPENED:
            closed = None
    return closed


def _stage_deadlines(
    pack: Pack,
    calendar: WorkingCalendar,
    run: _StageRun,
    received: date,
    received_reason: str,
    ended: date | None,
    today: date,
) -> list[Deadline]:
    steps = run.stage.steps_for(run.route)
    due_by_completion: dict[FactKind, date] = {}
    out: list[Deadline] = []
    responded = run.first(FactKind.RESPONDED)
    extended_days = sum(f.working_days for f in run.facts if f.kind is FactKind.EXTENDED)
    extensions = [f for f in run.facts if f.kind is FactKind.EXTENDED]
    for step in _in_dependency_order(steps):
        anchor = _anchor(step, run, received, received_reason, due_by_completion)
        if anchor is None:
            continue
        start, start_reason, projected = anchor
        due, counted, skipped = count_days(calendar, start, step.days, step.counts)
        extension_text = ""
        if step.extendable and extended_days:
            original = due
            due = calendar.add_working_days(due, extended_days)
            extension_text = (
                f"Extended by {extended_days} working days "
                f"({', '.join(f'{f.working_days} on {describe(f.on)}' for f in extensions)}) "
                f"from {describe(original)} to {describe(due)}."
            )
            skipped = (*skipped, *calendar.skipped_between(original, due))
        completion = step.completion()
        if completion is Completion.CONTACTED:
            # A contact with the customer, or the step marked done by the handler (the lead
            # petitioner identified, with no call needed).
            contacted = run.first(FactKind.CONTACTED)
            marked = (f for f in run.facts if f.kind is FactKind.STEP_DONE and f.step == step.id)
            done = min(
                (f for f in (contacted, next(marked, None)) if f), key=lambda f: f.on, default=None
            )
        elif completion is Completion.ACKNOWLEDGED:
            # Done only when made; a response within the period counts only where the
            # policy says so, and then on the response's date.
            done = run.first(FactKind.ACKNOWLEDGED)
            if done is None and responded is not None and step.response_counts:
                done = responded if responded.on <= due else None
        elif completion in _COMPLETION_FACT:
            done = run.first(_COMPLETION_FACT[completion])
        elif completion is Completion.RECORDED:
            marked = (f for f in run.facts if f.kind is FactKind.STEP_DONE and f.step == step.id)
            done = next(marked, None) or responded
        else:
            done = responded  # a ceiling is met by the stage's response
        completed_on = done.on if done else None
        if completion in _COMPLETION_FACT:
            due_by_completion[_COMPLETION_FACT[completion]] = due
        state = _state(due, completed_on, ended, today)
        superseded = (
            completion is Completion.ACKNOWLEDGED and completed_on is None and bool(responded)
        )
        if superseded:
            state = State.MISSED  # answered without ever being acknowledged
        unit = "working" if step.counts is Counting.WORKING else "calendar"
        out.append(
            Deadline(
                stage=run.stage.id,
                stage_label=run.stage.label,
                route=run.route,
                step=step.id,
                label=step.label,
                due=due,
                state=state,
                audience=step.audience,
                owner=step.owner,
                completed_on=completed_on,
                breach_alert=step.breach_alert,
                superseded=superseded,
                explanation=Explanation(
                    rule=f"{step.label}: within {step.days} {unit} days of "
                    f"{_anchor_name(step.start, run)}",
                    source=step.source,
                    start=start,
                    start_reason=start_reason,
                    days=step.days,
                    counting=step.counts,
                    counted=counted,
                    skipped=tuple(skipped),
                    extension=extension_text,
                    projected=projected,
                ),
            )
        )
    return out


def _in_dependency_order(steps: Sequence[Step]) -> list[Step]:
    """Steps in an order where a step that counts from another's completion comes after it."""
    anchored_on = {
        Anchor.ACKNOWLEDGED: Completion.ACKNOWLEDGED,
        Anchor.INVESTIGATOR_REPLIED: Completion.INVESTIGATOR_REPLIED,
        Anchor.RESPONDED: Completion.RESPONDED,
    }
    remaining = list(steps)
    ordered: list[Step] = []
    while remaining:
        pending = {s.completion() for s in remaining}
        ready = [s for s in remaining if anchored_on.get(s.start) not in pending - {s.completion()}]
        if not ready:  # a cycle: keep the pack's order rather than loop
            ready = remaining[:1]
        ordered.extend(ready)
        remaining = [s for s in remaining if s not in ready]
    return ordered


def _anchor_name(anchor: Anchor, run: _StageRun) -> str:
    if anchor is Anchor.RECEIVED:
        return "receipt"
    if anchor is Anchor.STAGE_STARTED:
        if run.made_formal:
            return "becoming a formal complaint"
        return "receipt" if run.stage.level <= 1 else "the escalation request"
    return {
        Anchor.ACKNOWLEDGED: "the acknowledgement",
        Anchor.INVESTIGATION_REQUESTED: "the request to the investigating team",
        Anchor.INVESTIGATOR_REPLIED: "the investigating team's reply",
        Anchor.RESPONDED: "the response",
        Anchor.INFORMATION_REQUESTED: "the request for information",
    }[anchor]


def _anchor(
    step: Step,
    run: _StageRun,
    received: date,
    received_reason: str,
    due_by_completion: dict[FactKind, date],
) -> tuple[date, str, bool] | None:
    """The date a step counts from, why, and whether it is projected from a due date."""
    if step.start is Anchor.RECEIVED:
        return received, received_reason, False
    if step.start is Anchor.STAGE_STARTED:
        return run.started, run.start_reason, False
    fact_kind = _ANCHOR_FACT[step.start]
    fact = run.first(fact_kind)
    if fact is not None:
        return fact.on, f"{_ANCHOR_WORDS[step.start]} on {describe(fact.on)}", False
    projected = due_by_completion.get(fact_kind)
    if projected is not None:
        return (
            projected,
            f"not yet {_ANCHOR_WORDS[step.start]}; counted from its due date, {describe(projected)}",
            True,
        )
    return None


def _state(due: date, completed_on: date | None, ended: date | None, today: date) -> State:
    if completed_on is not None:
        return State.MET if completed_on <= due else State.MISSED
    if ended is not None and ended <= due:
        return State.STOPPED
    if ended is not None:
        return State.MISSED
    return State.MISSED if today > due else State.PENDING


def _escalation_window(
    pack: Pack,
    calendar: WorkingCalendar,
    run: _StageRun,
    later: _StageRun | None,
    ended: date | None,
    today: date,
) -> Deadline | None:
    rule = run.stage.escalation
    if rule is None or rule.window_days is None:
        return None
    start_fact = _ANCHOR_FACT.get(rule.window_start, FactKind.RESPONDED)
    responded = run.first(start_fact)
    if responded is None:
        return None
    due, counted, skipped = count_days(calendar, responded.on, rule.window_days, rule.window_counts)
    if later is not None:
        state = State.MET if later.started <= due else State.MISSED
        completed: date | None = later.started
    else:
        completed = None
        if ended is not None and ended <= due:
            state = State.STOPPED
        else:
            state = State.LAPSED if today > due else State.PENDING
    unit = "working" if rule.window_counts is Counting.WORKING else "calendar"
    to = pack.stage(rule.to).label
    lapse = " The case closes when it lapses." if rule.on_lapse == "close" else ""
    return Deadline(
        stage=run.stage.id,
        stage_label=run.stage.label,
        route=run.route,
        step="escalation_window",
        label=f"Last day to ask for {to}",
        due=due,
        state=state,
        audience=Audience.CUSTOMER,
        owner=None,
        completed_on=completed,
        explanation=Explanation(
            rule=f"The customer may ask to escalate within {rule.window_days} {unit} days of "
            f"{_anchor_name(rule.window_start, run)}",
            source=rule.source,
            start=responded.on,
            start_reason=f"{_ANCHOR_WORDS.get(rule.window_start, 'response sent')} on {describe(responded.on)}",
            days=rule.window_days,
            counting=rule.window_counts,
            counted=counted,
            skipped=skipped,
            extension=lapse.strip(),
        ),
    )


def check_extension(
    pack: Pack, *, stage_id: str, route: str | None, already: int, requested: int, reason: str
) -> None:
    """An extension must use a reason the pack allows and stay within its cap."""
    stage = pack.stage(stage_id)
    rule = stage.extension_for(route)
    if rule is None:
        raise RuleViolationError(
            f"{stage.label} cannot be extended under this policy",
            rule="extension",
            source=stage.source,
        )
    if requested <= 0:
        raise RuleViolationError("An extension must be at least one working day", rule="extension")
    if not rule.allows_reason(reason):
        raise RuleViolationError(
            f"{reason!r} is not an extension reason this policy allows "
            f"(allowed: {', '.join(c.label for c in rule.reasons)})",
            rule="extension.reasons",
            source=rule.source,
        )
    if rule.max_days is not None and already + requested > rule.max_days:
        left = max(rule.max_days - already, 0)
        raise RuleViolationError(
            f"{stage.label} can be extended by at most {rule.max_days} working days in all; "
            f"{already} already used, so at most {left} more",
            rule="extension.max_days",
            source=rule.source,
        )
