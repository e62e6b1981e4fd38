"""Taking a case to its next stage at the customer's request, or refusing to."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from putright.accounts.access import may_act, role_names
from putright.accounts.actors import Actor
from putright.domain.calendar import describe
from putright.domain.policy import Escalation, Stage

from .. import errors
from ..errors import (
    CaseInputError,
    CaseStateError,
    NotPermittedError,
    PolicyRuleError,
)
from ..models import (
    Case,
    ClosureReason,
    EventKind,
    Status,
)
from ..ombudsman import case_ombudsman_route
from ..selectors import case_deadlines, case_events, local_date, stage_events
from ._common import _append, _lock, _moment, _require_open, _save, _stage
from .closing import _close

# -- escalation -----------------------------------------------------------------------


def route_allowed(
    stage: Stage, route_id: str, *, previous_outcome: str, about: Sequence[str]
) -> str | None:
    """Why a route cannot be taken for this case, or None when it can."""
    route = stage.route(route_id)
    if route is None:
        return f"{stage.label} has no route {route_id!r}; it has: {', '.join(r.id for r in stage.routes)}."
    when = route.when
    if when.previous_outcomes and previous_outcome not in {o.value for o in when.previous_outcomes}:
        wanted = " or ".join(o.value.replace("_", " ") for o in when.previous_outcomes)
        return f"{route.label} is only for cases whose earlier outcome was {wanted}."
    if when.about and not set(when.about) & set(about):
        return f"{route.label} is only for dissatisfaction about {' or '.join(when.about)}."
    return None


@transaction.atomic
def case_escalate(
    *,
    case: Case,
    actor: Actor,
    route: str = "",
    reasons: str = "",
    about: Sequence[str] = (),
    accept_late: bool = False,
    late_reason: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Escalate at the customer's request, inside the window, to a route the pack allows."""
    case = _lock(case, expected_version)
    _require_escalatable(case)
    pack, stage = _stage(case)
    rule = stage.escalation
    if rule is None:
        raise CaseStateError(errors.FINAL_STAGE.format(stage=stage.label))
    moment = _moment(occurred_at, case)
    events = list(case_events(case))
    responded = next((e for e in stage_events(case, events) if e.kind == EventKind.RESPONDED), None)
    if responded is None:
        raise CaseStateError(errors.NOT_RESPONDED)
    target = pack.stage(rule.to)
    if rule.reasons_required and not reasons.strip():
        raise PolicyRuleError(
            "This policy asks the customer to say why they remain dissatisfied.",
            rule="escalation.reasons_required",
            source=rule.source,
            fields={"reasons": "Required by the policy."},
        )
    # Without a route (a resident asking through the portal), the handler chooses one later.
    if route:
        problem = route_allowed(
            target,
            route,
            previous_outcome=str(responded.data.get("outcome", "")),
            about=about,
        )
        if problem:
            raise PolicyRuleError(
                problem, rule="routes.when", source=target.source, fields={"route": problem}
            )
    late = False
    window = next(
        (
            d
            for d in case_deadlines(case, events=events)
            if d.stage == stage.id and d.step == "escalation_window"
        ),
        None,
    )
    if window is not None and local_date(moment) > window.due:
        late = True
        if rule.late_requests == "refuse":
            raise PolicyRuleError(
                f"The window to escalate closed on {describe(window.due)}; this policy refuses late requests.",
                rule="escalation.window_days",
                source=rule.source,
            )
        if rule.late_requests == "discretion" and not accept_late:
            raise PolicyRuleError(
                f"The window to escalate closed on {describe(window.due)}. A manager may accept "
                "the request late: record that decision with its reason.",
                rule="escalation.window_days",
                source=rule.source,
                fields={"accept_late": "A manager's decision is needed."},
            )
        if rule.late_requests == "discretion":
            _require_decision(case, actor, "accept-late-escalation", rule, window.due)
    data: dict[str, Any] = {
        "to_stage": target.id,
        "route": route,
        "reasons": reasons,
        "about": list(about),
        "late": late,
    }
    if late:
        data["late_reason"] = late_reason
    if case.is_closed:
        # The lapsed window closed the case; accepting a late request reopens it.
        _append(case, EventKind.REOPENED, actor, moment, {"reason": "late escalation accepted"})
        case.closure_reason = ""
        case.closed_at = None
    _append(case, EventKind.ESCALATION_REQUESTED, actor, moment, data)
    case.stage = target.id
    case.route = route
    case.status = Status.OPEN
    _save(case, "stage", "route", "status", "closure_reason", "closed_at")
    return case


def _require_decision(
    case: Case, actor: Actor, decision: str, rule: Escalation, closed: datetime.date
) -> None:
    """A late escalation is accepted only by a role the access rules give that decision to."""
    if actor.user is None or may_act(actor.user, case, decision):
        return
    roles = role_names(actor.user, case.organisation_id)
    message = errors.LATE_ESCALATION.format(closed=describe(closed), roles=roles)
    raise NotPermittedError(
        message,
        rule="escalation.late_requests",
        source=rule.source,
        fields={"accept_late": "A manager's decision."},
    )


def _require_escalatable(case: Case) -> None:
    """Open, or closed only because the escalation window lapsed (a late request)."""
    if case.is_closed and case.closure_reason != ClosureReason.WINDOW_LAPSED:
        raise CaseStateError(errors.CLOSED)


@transaction.atomic
def case_choose_route(
    *,
    case: Case,
    actor: Actor,
    route: str,
    about: Sequence[str] = (),
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Choose the route of the current stage, among those the pack allows for this case."""
    case = _lock(case, expected_version)
    _require_open(case)
    _, stage = _stage(case)
    if not stage.routes:
        raise CaseStateError(f"{stage.label} has no routes to choose from.")
    outcome = ""
    for event in reversed(list(case_events(case))):
        if event.kind == EventKind.RESPONDED:
            outcome = str(event.data.get("outcome", ""))
            break
    problem = route_allowed(stage, route, previous_outcome=outcome, about=about)
    if problem:
        raise PolicyRuleError(
            problem, rule="routes.when", source=stage.source, fields={"route": problem}
        )
    moment = _moment(occurred_at, case)
    case.route = route
    _append(case, EventKind.ROUTE_CHOSEN, actor, moment, {"route": route, "about": list(about)})
    _save(case, "route")
    return case


@transaction.atomic
def case_refuse_escalation(
    *,
    case: Case,
    actor: Actor,
    ground: str,
    explanation: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Refuse to escalate on one of the pack's grounds; the case closes and the customer is told."""
    case = _lock(case, expected_version)
    _require_escalatable(case)
    _pack, stage = _stage(case)
    rule = stage.escalation
    if rule is None:
        raise CaseStateError(errors.FINAL_STAGE.format(stage=stage.label))
    grounds = {g.id: g for g in rule.refusal_grounds}
    if ground not in grounds:
        known = ", ".join(grounds) or "none"
        raise PolicyRuleError(
            f"{ground!r} is not a ground this policy gives for refusing escalation (it gives: {known}).",
            rule="escalation.refusal_grounds",
            source=rule.source,
            fields={"ground": "Choose one of the policy's grounds."},
        )
    if not explanation.strip():
        raise CaseInputError(
            "Explain the refusal in words the customer will read.",
            fields={"explanation": "Required."},
        )
    moment = _moment(occurred_at, case)
    _append(
        case,
        EventKind.ESCALATION_REFUSED,
        actor,
        moment,
        {
            "ground": ground,
            "ground_label": grounds[ground].label,
            "explanation": explanation,
            "source": grounds[ground].source or rule.source,
            "ombudsman_route": case_ombudsman_route(case),
        },
    )
    if not case.is_closed:
        _close(case, ClosureReason.REFUSED, actor, moment, note=explanation)
    _save(case, "status", "closure_reason", "closed_at")
    return case
