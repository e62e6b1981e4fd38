"""The steps of a stage: acknowledge, assign, investigate, chase, extend, respond, make formal, mark a step done."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max

from putright.accounts.actors import Actor
from putright.accounts.models import User
from putright.domain.calendar import describe
from putright.domain.deadlines import check_extension
from putright.domain.errors import RuleViolationError
from putright.domain.floor import cite
from putright.domain.policy import Completion, Extension, Stage

from .. import errors
from ..errors import (
    CaseInputError,
    CaseStateError,
    NotPermittedError,
    PolicyRuleError,
)
from ..models import (
    Case,
    CaseIssue,
    ComplaintPoint,
    Event,
    EventKind,
    Kind,
    Outcome,
    Status,
)
from ..selectors import (
    case_deadlines,
    case_events,
    case_floor,
    case_pack,
    local_date,
    stage_events,
)
from ._common import (
    IssueOutcome,
    _append,
    _lock,
    _moment,
    _require_open,
    _rule_error,
    _save,
    _stage,
)
from .responses import (
    INCOMPLETE,
    ActionDue,
    AnswerView,
    PointIn,
    check_response,
    definition_in_force,
    point_views,
)

# -- the steps of a stage ---------------------------------------------------------------


@transaction.atomic
def case_acknowledge(
    *,
    case: Case,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
    method: str = "",
    definition: Sequence[PointIn] = (),
) -> Case:
    """Acknowledge the case at its current stage (once per stage), setting out the complaint
    as understood, point by point, each with the outcome the resident wants (Code 5.6)."""
    case = _lock(case, expected_version)
    _require_open(case)
    _stage(case)
    problems = {
        f"definition[{index}].description": "Say what the resident is unhappy about."
        for index, point in enumerate(definition)
        if not point.description.strip()
    }
    if problems:
        raise CaseInputError(
            "Each point of the complaint needs what the resident is unhappy about.",
            fields=problems,
        )
    moment = _moment(occurred_at, case)
    done = next(
        (e for e in stage_events(case, case_events(case)) if e.kind == EventKind.ACKNOWLEDGED), None
    )
    if done is not None:
        raise CaseStateError(
            errors.ALREADY_ACKNOWLEDGED.format(on=describe(local_date(done.occurred_at)))
        )
    data: dict[str, Any] = {"method": method} if method else {}
    if definition:
        first = (case.points.aggregate(last=Max("number"))["last"] or 0) + 1
        points = [
            ComplaintPoint.objects.create(
                case=case,
                number=number,
                stage=case.stage,
                description=point.description.strip(),
                outcome_sought=point.outcome_sought.strip(),
            )
            for number, point in enumerate(definition, start=first)
        ]
        data["definition"] = [
            {"point": p.number, "description": p.description, "outcome_sought": p.outcome_sought}
            for p in points
        ]
    _append(case, EventKind.ACKNOWLEDGED, actor, moment, data)
    _save(case)
    return case


@transaction.atomic
def case_assign(
    *,
    case: Case,
    actor: Actor,
    handler: User | None = None,
    investigator: User | None = None,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Give the case a handler or an investigator; stage 2 may need someone new."""
    case = _lock(case, expected_version)
    _require_open(case)
    if handler is None and investigator is None:
        raise CaseInputError(
            "Choose a handler or an investigator.", fields={"handler": "Required."}
        )
    moment = _moment(occurred_at, case)
    if handler is not None:
        _check_different_handler(case, handler)
    data: dict[str, Any] = {}
    fields = []
    if handler is not None:
        case.handler = handler
        data["handler_id"] = handler.pk
        fields.append("handler")
    if investigator is not None:
        case.investigator = investigator
        data["investigator_id"] = investigator.pk
        fields.append("investigator")
    _append(case, EventKind.ASSIGNED, actor, moment, data)
    _save(case, *fields)
    return case


def _earlier_handlers(case: Case) -> set[int]:
    """Everyone who handled the case at an earlier stage."""
    handlers: set[int] = set()
    for event in case_events(case):
        if event.kind == EventKind.ASSIGNED and event.stage != case.stage:
            handler_id = (event.data or {}).get("handler_id")
            if handler_id:
                handlers.add(int(handler_id))
    return handlers


def _check_different_handler(case: Case, handler: User) -> None:
    pack = case_pack(case)
    for stage in pack.stages:
        rule = stage.escalation
        if (
            rule
            and rule.different_handler
            and rule.to == case.stage
            and handler.pk in _earlier_handlers(case)
        ):
            raise PolicyRuleError(
                f"{handler} handled this case at {stage.label}; the policy says someone "
                f"else considers {pack.stage(case.stage).label}.",
                rule="escalation.different_handler",
                source=rule.source,
                fields={"handler": "Choose someone who did not handle the earlier stage."},
            )


def may_answer(case: Case, user: User, events: Sequence[Event]) -> bool:
    """Whether the user may answer the case at its stage (see ``_check_different_responder``)."""
    try:
        _check_different_responder(case, user, events)
    except NotPermittedError:
        return False
    return True


def _check_different_responder(case: Case, user: User, events: Sequence[Event]) -> None:
    """Where the pack says someone else considers this stage, whoever handled or answered an
    earlier stage may not answer it (the Code, 6.13)."""
    pack = case_pack(case)
    escalating = next(
        (
            s
            for s in pack.stages
            if s.escalation and s.escalation.different_handler and s.escalation.to == case.stage
        ),
        None,
    )
    if escalating is None or escalating.escalation is None:
        return
    rule = escalating.escalation
    floored = any(
        n.rule == "different_handler" and n.where == f"stages.{escalating.id}.escalation"
        for n in case_floor(case).notes
    )
    who, citation = (
        ("the Complaint Handling Code", f" ({cite('different_handler')}; the policy does not say)")
        if floored
        else ("the policy", f" ({rule.source})" if rule.source else "")
    )
    for event in events:
        if event.stage == case.stage or event.stage not in {s.id for s in pack.stages}:
            continue
        answered = event.kind == EventKind.RESPONDED and event.actor_id == user.pk
        handled = (
            event.kind == EventKind.ASSIGNED and (event.data or {}).get("handler_id") == user.pk
        )
        if answered or handled:
            message = errors.SAME_RESPONDER.format(
                person=user,
                did="answered" if answered else "handled",
                earlier=pack.stage(event.stage).label,
                stage=pack.stage(case.stage).label,
                who=who,
                cite=citation,
            )
            raise NotPermittedError(
                message,
                rule="escalation.different_handler",
                source=rule.source,
                fields={"outcome": "Someone who did not handle the earlier stage must answer."},
            )


@transaction.atomic
def case_request_investigation(
    *,
    case: Case,
    actor: Actor,
    team: str,
    investigator: User | None = None,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Ask a team to investigate; the pack's investigator deadline and chase ladder start."""
    case = _lock(case, expected_version)
    _require_open(case)
    _stage(case)
    if not team.strip():
        raise CaseInputError("Name the team asked to investigate.", fields={"team": "Required."})
    moment = _moment(occurred_at, case)
    case.investigating_team = team.strip()
    fields = ["investigating_team"]
    data: dict[str, Any] = {"team": case.investigating_team}
    if investigator is not None:
        case.investigator = investigator
        data["investigator_id"] = investigator.pk
        fields.append("investigator")
    _append(case, EventKind.INVESTIGATION_REQUESTED, actor, moment, data)
    _save(case, *fields)
    return case


@transaction.atomic
def case_record_investigation(
    *,
    case: Case,
    actor: Actor,
    summary: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Record the investigating team's reply to the request at this stage."""
    case = _lock(case, expected_version)
    _require_open(case)
    _stage(case)
    moment = _moment(occurred_at, case)
    kinds = [e.kind for e in stage_events(case, case_events(case))]
    if EventKind.INVESTIGATION_REQUESTED not in kinds:
        raise CaseStateError(errors.NO_INVESTIGATION)
    _append(case, EventKind.INVESTIGATOR_REPLIED, actor, moment, {"summary": summary})
    _save(case)
    return case


@transaction.atomic
def case_chase(
    *,
    case: Case,
    actor: Actor,
    note: str = "",
    roles: Sequence[str] = (),
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Record a chase of whoever owes the next step."""
    case = _lock(case, expected_version)
    _require_open(case)
    moment = _moment(occurred_at, case)
    _append(case, EventKind.CHASED, actor, moment, {"note": note, "roles": list(roles)})
    _save(case)
    return case


@transaction.atomic
def case_extend(
    *,
    case: Case,
    actor: Actor,
    working_days: int,
    reason: str = "",
    explanation: str = "",
    customer_agreed: bool | None = None,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Extend the response deadline with a reason the pack allows, never past its cap.

    ``reason`` is one of the pack's reasons (or the handler's words where the pack allows
    any); ``explanation`` is the handler's own words for the customer's letter (Code 6.4),
    required where the pack lists no reasons. Where the pack needs the customer's agreement
    for the reason, ``customer_agreed`` records it; a refusal offers the pack's other route.
    """
    case = _lock(case, expected_version)
    _require_open(case)
    pack, stage = _stage(case)
    rule = stage.extension_for(case.route or None)
    reason, explanation = reason.strip(), explanation.strip()
    if rule is not None:
        _check_extension_words(rule, reason, explanation)
        if rule.needs_agreement(reason):
            _check_agreement(stage, rule, reason, customer_agreed)
    moment = _moment(occurred_at, case)
    events = list(case_events(case))
    here = stage_events(case, events)
    if any(e.kind == EventKind.RESPONDED for e in here):
        raise CaseStateError(
            "The response at this stage has been sent; there is nothing to extend."
        )
    already = sum(int(e.data.get("working_days", 0)) for e in here if e.kind == EventKind.EXTENDED)
    try:
        check_extension(
            pack,
            stage_id=stage.id,
            route=case.route or None,
            already=already,
            requested=working_days,
            reason=reason,
        )
    except RuleViolationError as error:
        field = "reason" if error.rule == "extension.reasons" else "working_days"
        where = f"stages.{stage.id}" + (f".routes.{case.route}" if case.route else "")
        floor = case_floor(case).notes_for(f"{where}.extension")
        if error.rule == "extension.max_days" and floor:
            error = RuleViolationError(
                f"{error}. {' '.join(floor)}".replace(".. ", ". "),
                rule=error.rule,
                source=error.source,
            )
        raise _rule_error(error, field) from None
    before = _response_due(case, events)
    data: dict[str, Any] = {"working_days": working_days, "reason": reason}
    if explanation:
        data["explanation"] = explanation
    if customer_agreed is not None:
        data["customer_agreed"] = customer_agreed
    planned = Event(
        case=case, kind=EventKind.EXTENDED, stage=case.stage, occurred_at=moment, data=data
    )
    after = _response_due(case, [*events, planned])
    data.update(
        new_due=after.isoformat() if after else None,
        previous_due=before.isoformat() if before else None,
        tell=list(rule.tell) if rule else [],
        source=rule.source if rule else "",
    )
    _append(case, EventKind.EXTENDED, actor, moment, data)
    _save(case)
    return case


def _check_extension_words(rule: Extension, reason: str, explanation: str) -> None:
    """A listed reason where the policy lists them; the handler's words where it does not."""
    if rule.reasons and not rule.other_reasons and not reason:
        message = "Choose why more time is needed: " + ", ".join(c.label for c in rule.reasons)
        raise CaseInputError(message, fields={"reason": message})
    if not reason and not explanation:
        message = (
            "Explain in your own words why more time is needed; the customer's letter "
            "carries it (Code 6.4)."
        )
        raise CaseInputError(message, fields={"explanation": message})


def _check_agreement(
    stage: Stage, rule: Extension, reason: str, customer_agreed: bool | None
) -> None:
    """An extension the policy makes the customer's choice needs their recorded agreement."""
    label = next((c.label for c in rule.reasons if c.id == reason), reason)
    source = f" ({rule.source})" if rule.source else ""
    if customer_agreed is None:
        message = (
            f"The policy needs the customer's agreement to more time when the reason is "
            f"{label.lower()}{source}: record whether they agreed."
        )
        raise CaseInputError(message, fields={"customer_agreed": message})
    if customer_agreed:
        return
    route = stage.route(rule.on_refusal_offer_route) if rule.on_refusal_offer_route else None
    offer = (
        f" The policy offers a {route.label} instead: choose that route to go on."
        if route is not None
        else ""
    )
    message = f"The customer did not agree to more time, so it cannot be extended{source}.{offer}"
    raise PolicyRuleError(
        message,
        rule="extension.customer_agreement",
        source=rule.source,
        fields={"customer_agreed": message},
    )


def _response_due(case: Case, events: Sequence[Event]) -> datetime.date | None:
    for deadline in case_deadlines(case, events=events):
        if deadline.stage == case.stage and deadline.step == "respond":
            return deadline.due
    return None


@transaction.atomic
def case_respond(
    *,
    case: Case,
    actor: Actor,
    outcome: str,
    text: str,
    issues: Sequence[IssueOutcome] = (),
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Send the response at this stage with an outcome (overall and per point) and reasons.

    Each answer may name the point of the complaint definition it answers; one that names none
    adds a point. A defined point without a decision stops the response (Code 6.7); a
    complaint of one point may be answered as a whole by ``outcome`` and ``text``.
    """
    case = _lock(case, expected_version)
    _require_open(case)
    _pack, stage = _stage(case)
    problems: dict[str, str] = {}
    if outcome not in Outcome.values:
        problems["outcome"] = "Choose upheld, partly_upheld or not_upheld."
    if not text.strip():
        problems["text"] = "Give the reasons for the decision."
    for index, issue in enumerate(issues):
        if issue.outcome not in Outcome.values:
            problems[f"issues[{index}].outcome"] = "Choose upheld, partly_upheld or not_upheld."
    if problems:
        raise CaseInputError("The response is incomplete.", fields=problems)
    moment = _moment(occurred_at, case)
    events = list(case_events(case))
    done = next((e for e in stage_events(case, events) if e.kind == EventKind.RESPONDED), None)
    if done is not None:
        raise CaseStateError(
            errors.ALREADY_RESPONDED.format(on=describe(local_date(done.occurred_at)))
        )
    if actor.user is not None:
        _check_different_responder(case, actor.user, events)
    defined = definition_in_force(case)
    points = {p.number: p for p in case.points.all()}
    _check_answers(issues, points, local_date(moment))
    checks = check_response(
        points=point_views(defined),
        answers=[_answer_view(issue) for issue in issues],
        outcome=outcome,
        text=text,
        level=stage.level,
        desired_outcome=case.desired_outcome,
    )
    if checks.blocking:
        raise CaseInputError(
            INCOMPLETE + " " + " ".join(f"{c.message} ({c.citation})" for c in checks.blocking),
            fields={
                f"definition.point_{c.point}": f"{c.message} ({c.citation})"
                for c in checks.blocking
            },
        )
    if len(defined) == 1 and not issues:
        only = defined[0]
        issues = [IssueOutcome(only.description, outcome, text, point=only.number)]
    numbered = []
    answered: list[int] = []
    first = case.issues.count() + 1
    next_point = max(points, default=0) + 1
    for number, issue in enumerate(issues, start=first):
        point = points.get(issue.point) if issue.point is not None else None
        if point is None:
            point = ComplaintPoint.objects.create(
                case=case,
                number=next_point,
                stage=case.stage,
                description=issue.description.strip(),
                added_at_response=True,
            )
            next_point += 1
        CaseIssue.objects.create(
            case=case,
            number=number,
            description=issue.description.strip() or point.description,
            stage=case.stage,
            outcome=issue.outcome,
            reasons=issue.reasons,
            point=point,
            finding=issue.finding,
            remedy=issue.remedy,
            actions=[_action_record(action, actor) for action in issue.actions],
        )
        numbered.append({"issue": number, "outcome": issue.outcome})
        answered.append(point.number)
    data: dict[str, Any] = {
        "outcome": outcome,
        "text": text,
        "issues": numbered,
        "final": stage.final,
    }
    if answered:
        data["points"] = answered  # the point each issue answers, in the order of "issues"
    if checks.advice:
        # What the Code asks that the response lacked when it was sent (advice, not a rule):
        # the chronology keeps it, and the quality review reads it.
        data["advice"] = [{"provision": c.provision, "message": c.message} for c in checks.advice]
    _append(case, EventKind.RESPONDED, actor, moment, data)
    if stage.escalation is not None:
        case.status = Status.AWAITING_ESCALATION
    _save(case, "status")
    return case


def _check_answers(
    issues: Sequence[IssueOutcome], points: dict[int, ComplaintPoint], day: datetime.date
) -> None:
    """Each answer names a point the case has, once; each action says what is to be done and,
    where it has a date, not one before the response."""
    problems: dict[str, str] = {}
    seen: set[int] = set()
    for index, issue in enumerate(issues):
        if issue.point is not None:
            if issue.point not in points:
                known = ", ".join(str(n) for n in sorted(points)) or "none yet"
                problems[f"issues[{index}].point"] = (
                    f"The complaint has no point {issue.point} (its points: {known})."
                )
            elif issue.point in seen:
                problems[f"issues[{index}].point"] = f"Point {issue.point} is answered twice."
            seen.add(issue.point)
        elif not issue.description.strip():
            problems[f"issues[{index}].description"] = "Say what the customer raised."
        for place, action in enumerate(issue.actions):
            where = f"issues[{index}].actions[{place}]"
            if not action.text.strip():
                problems[f"{where}.text"] = "Say what will be done."
            if action.due_on is not None and action.due_on < day:
                problems[f"{where}.due_on"] = (
                    f"Give a date from {describe(day)}, the day of the response."
                )
    if problems:
        raise CaseInputError(
            "The response is incomplete: " + " ".join(problems.values()), fields=problems
        )


def _answer_view(issue: IssueOutcome) -> AnswerView:
    return AnswerView(
        point=issue.point,
        description=issue.description,
        outcome=issue.outcome,
        reasons=issue.reasons,
        finding=issue.finding,
        remedy=issue.remedy,
        actions=tuple(issue.actions),
    )


def _action_record(action: ActionDue, actor: Actor) -> dict[str, Any]:
    owner = action.owner if action.owner is not None else actor.user
    return {
        "text": action.text.strip(),
        "owner": str(owner) if owner is not None else "",
        "owner_id": getattr(owner, "pk", None),
        "due_on": action.due_on.isoformat() if action.due_on else None,
    }


@transaction.atomic
def case_make_formal(
    *,
    case: Case,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Turn an informal case into a formal complaint at the pack's first formal stage."""
    case = _lock(case, expected_version)
    _require_open(case)
    pack, stage = _stage(case)
    if stage.formal and stage.level >= 1:
        raise CaseStateError(errors.NOT_INFORMAL)
    target = pack.stage(stage.escalation.to) if stage.escalation else pack.first_formal_stage()
    if target is None:
        raise CaseStateError("The policy has no formal stage to move to.")
    moment = _moment(occurred_at, case)
    _make_formal(case, target, actor, moment, reason)
    _save(case, "stage", "kind", "status")
    return case


def _make_formal(
    case: Case,
    target: Stage,
    actor: Actor,
    moment: datetime.datetime,
    reason: str,
    events: list[Event] | None = None,
) -> None:
    _append(
        case,
        EventKind.MADE_FORMAL,
        actor,
        moment,
        {"to_stage": target.id, "reason": reason},
        events=events,
    )
    case.stage = target.id
    case.status = Status.OPEN
    if case.kind == Kind.DISSATISFACTION:
        case.kind = Kind.COMPLAINT


@transaction.atomic
def case_mark_step_done(
    *,
    case: Case,
    actor: Actor,
    step: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Mark a milestone of the current stage as done (a panel meeting held, a report sent)."""
    case = _lock(case, expected_version)
    _require_open(case)
    _, stage = _stage(case)
    # Only a milestone a person marks (a meeting held, a contact made): an acknowledgement
    # or a response is recorded by its own action, and marking it would change nothing.
    steps = {
        s.id
        for s in stage.steps_for(case.route or None)
        if s.completion() in (Completion.RECORDED, Completion.CONTACTED)
    }
    if step not in steps:
        choose = f"Choose one of: {', '.join(sorted(steps))}." if steps else "None to mark."
        raise CaseInputError(
            f"{stage.label} has no milestone {step!r} to mark as done.",
            fields={"step": choose},
        )
    moment = _moment(occurred_at, case)
    _append(case, EventKind.STEP_DONE, actor, moment, {"step": step})
    _save(case)
    return case
