"""What falls due on a case without anyone remembering: chases, alerts, conversions, closures.

``due_actions`` lists every action the pack attaches to the case's current position
with the date it falls due and a key that is stable across runs, so that the
deadline sweep can take each action exactly once however often it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .calendar import WorkingCalendar, describe
from .deadlines import (
    Deadline,
    Fact,
    FactKind,
    State,
    Timeline,
    count_days,
    derive_deadlines,
)
from .policy import Anchor, ClosureReason, LadderAction, Pack


class ActionKind(StrEnum):
    CHASE = "chase"  # a ladder rung: remind, notify, escalate, write to or check with the customer
    ALERT = "alert"  # a deadline was missed and the pack names who must be told
    MAKE_FORMAL = "make_formal"  # an informal case becomes a formal complaint
    CLOSE = "close"  # an automatic closure


@dataclass(frozen=True)
class DueAction:
    key: str
    kind: ActionKind
    on: date
    stage: str
    step: str
    roles: tuple[str, ...] = ()
    ladder_action: LadderAction | None = None
    closure_reason: ClosureReason | None = None
    description: str = ""
    source: str = ""


def due_actions(
    pack: Pack,
    calendar: WorkingCalendar,
    timeline: Timeline,
    *,
    today: date,
    deadlines: list[Deadline] | None = None,
) -> list[DueAction]:
    """Every automatic action for the case's current stage, due or not yet, in date order.

    ``deadlines`` may be passed when the caller has just derived them for the same timeline.
    """
    if deadlines is None:
        deadlines = derive_deadlines(pack, calendar, timeline, today=today)
    if not deadlines or _is_closed(timeline.facts):
        return []
    current = deadlines[-1].stage
    stage = pack.stage(current)
    actions: list[DueAction] = []
    for deadline in deadlines:
        if deadline.stage != current:
            continue
        actions.extend(_ladder(pack, calendar, deadline))
        if deadline.step == "escalation_window":
            if (
                deadline.state in (State.PENDING, State.LAPSED)
                and stage.escalation
                and stage.escalation.on_lapse == "close"
            ):
                lapse = calendar.next_working_day(deadline.due)
                actions.append(
                    DueAction(
                        key=f"{current}:escalation_window:close:{deadline.due.isoformat()}",
                        kind=ActionKind.CLOSE,
                        on=lapse,
                        stage=current,
                        step="escalation_window",
                        closure_reason=ClosureReason.WINDOW_LAPSED,
                        description=f"Close the case: the window to escalate ended on "
                        f"{describe(deadline.due)}",
                        source=stage.escalation.source,
                    )
                )
            continue
        if deadline.breach_alert and deadline.completed_on is None:
            actions.append(
                DueAction(
                    key=f"{current}:{deadline.route or '-'}:{deadline.step}:alert:{deadline.due.isoformat()}",
                    kind=ActionKind.ALERT,
                    on=calendar.next_working_day(deadline.due),
                    stage=current,
                    step=deadline.step,
                    roles=deadline.breach_alert,
                    description=f"{deadline.label}: missed (due {describe(deadline.due)})",
                    source=deadline.explanation.source,
                )
            )
    actions.extend(_closures(pack, calendar, timeline, current))
    return sorted(actions, key=lambda a: (a.on, a.key))


def _is_closed(facts: tuple[Fact, ...]) -> bool:
    closed = False
    for fact in sorted(facts, key=lambda f: f.on):
        if fact.kind is FactKind.CLOSED:
            closed = True
        elif fact.kind is FactKind.REOPENED:
            closed = False
    return closed


def _ladder(pack: Pack, calendar: WorkingCalendar, deadline: Deadline) -> list[DueAction]:
    """The rungs of a step's ladder that are still relevant: the step is not yet done."""
    stage = pack.stage(deadline.stage)
    step = next((s for s in stage.steps_for(deadline.route) if s.id == deadline.step), None)
    if step is None or not step.ladder or deadline.completed_on is not None or deadline.superseded:
        return []
    if deadline.explanation.projected:
        return []  # the step it counts from has not happened: nothing to chase yet
    start = deadline.explanation.start
    out = []
    for rung in step.ladder:
        on, _, _ = count_days(calendar, start, rung.day, step.counts)
        kind = (
            ActionKind.MAKE_FORMAL if rung.action is LadderAction.MAKE_FORMAL else ActionKind.CHASE
        )
        words = rung.action.value.replace("_", " ")
        out.append(
            DueAction(
                key=f"{deadline.stage}:{deadline.route or '-'}:{step.id}:day{rung.day}:"
                f"{rung.action.value}:{start.isoformat()}",
                kind=kind,
                on=on,
                stage=deadline.stage,
                step=step.id,
                roles=rung.roles,
                ladder_action=rung.action,
                description=f"Day {rung.day} of '{step.label}': {words}"
                + (f" ({rung.note})" if rung.note else ""),
                source=rung.source or step.source,
            )
        )
    return out


_CLOSURE_START = {
    Anchor.RESPONDED: FactKind.RESPONDED,
    Anchor.INFORMATION_REQUESTED: FactKind.INFORMATION_REQUESTED,
    Anchor.ACKNOWLEDGED: FactKind.ACKNOWLEDGED,
}
# What resets each closure clock: the customer got back in touch.
_CLOSURE_RESET = {
    ClosureReason.NO_CONTACT: {FactKind.CONTACTED, FactKind.ESCALATION_REQUESTED},
    ClosureReason.INFORMATION_NOT_PROVIDED: {FactKind.INFORMATION_RECEIVED},
}


def _closures(
    pack: Pack, calendar: WorkingCalendar, timeline: Timeline, current: str
) -> list[DueAction]:
    out = []
    facts = sorted(timeline.facts, key=lambda f: f.on)
    for rule in pack.closure:
        if not rule.automatic or (rule.stages and current not in rule.stages):
            continue
        start_kind = _CLOSURE_START.get(rule.start)
        resets = _CLOSURE_RESET.get(rule.reason)
        if start_kind is None or resets is None:
            continue  # closures decided by a person, not by the clock
        starts = [f for f in facts if f.kind is start_kind]
        if not starts:
            continue
        start = starts[-1]
        if any(f.kind in resets and f.on > start.on for f in facts):
            continue
        due, _, _ = count_days(calendar, start.on, rule.days, rule.counts)
        out.append(
            DueAction(
                key=f"{current}:close:{rule.reason.value}:{start.on.isoformat()}",
                kind=ActionKind.CLOSE,
                on=calendar.next_working_day(due),
                stage=current,
                step=f"close_{rule.reason.value}",
                closure_reason=rule.reason,
                description=f"Close the case: {rule.reason.value.replace('_', ' ')} "
                f"{rule.days} days after {describe(start.on)}",
                source=rule.source,
            )
        )
    return out
