"""Every action on a case, declared once, in the order the case page offers them.

``POST /api/v1/cases/{reference}/{name}`` and the staff page ``/cases/{reference}/{name}/``
are both made from these declarations.
"""

from __future__ import annotations

from typing import Any

from putright.accounts.access import NotVisibleError, may_act
from putright.accounts.models import User
from putright.cases.access import access_case
from putright.cases.errors import CaseInputError
from putright.cases.models import Case, ClosureReason, Eligibility, EventKind, Status
from putright.cases.selectors import case_pack, stage_events, without_formal_response
from putright.cases.services import (
    ActionDue,
    Actor,
    IssueOutcome,
    PointIn,
    case_acknowledge,
    case_add_member,
    case_add_note,
    case_assign,
    case_attach,
    case_chase,
    case_choose_route,
    case_classify,
    case_close,
    case_decide_eligibility,
    case_escalate,
    case_extend,
    case_flag,
    case_link,
    case_make_formal,
    case_mark_step_done,
    case_record_contact,
    case_record_investigation,
    case_refuse_escalation,
    case_reopen,
    case_request_investigation,
    case_split,
    case_withdraw,
    may_answer,
)
from putright.domain.policy import Completion, Pack, Step
from putright.quality.responses import response_send

from . import inputs
from .catalogue import CaseAction, Offer, Situation, staff_member

# -- when each action is offered -----------------------------------------------------------

_STEPS_BEFORE_PROGRESS = frozenset(
    {EventKind.RECEIVED, EventKind.CLASSIFIED, EventKind.NOTE, EventKind.ASSIGNED}
)


def situation(case: Case, events: list[Any]) -> Situation:
    """The case as the actions see it."""
    pack = case_pack(case)
    known = {stage.id for stage in pack.stages}
    stage = pack.stage(case.stage) if case.stage in known else None
    here = frozenset(e.kind for e in stage_events(case, events)) if stage else frozenset()
    return Situation(case=case, pack=pack, stage=stage, events=events, here=here)


def _working(s: Situation) -> bool:
    """Open at a stage, answer not yet sent, not waiting for the customer to escalate."""
    return (
        s.open
        and s.stage is not None
        and EventKind.RESPONDED not in s.here
        and s.case.status != Status.AWAITING_ESCALATION
    )


def _escalation_open(s: Situation) -> bool:
    lapsed = s.case.is_closed and s.case.closure_reason == ClosureReason.WINDOW_LAPSED
    awaiting = s.open and s.case.status == Status.AWAITING_ESCALATION
    return s.stage is not None and s.stage.escalation is not None and (awaiting or lapsed)


def _investigating(s: Situation) -> bool:
    return (
        _working(s)
        and EventKind.INVESTIGATION_REQUESTED in s.here
        and EventKind.INVESTIGATOR_REPLIED not in s.here
    )


def _next(condition: bool) -> Offer:
    return Offer.NEXT if condition else Offer.NO


def _also(condition: bool) -> Offer:
    return Offer.ALSO if condition else Offer.NO


def _offer_acknowledge(s: Situation) -> Offer:
    return _next(s.open and s.stage is not None and EventKind.ACKNOWLEDGED not in s.here)


def _offer_choose_route(s: Situation) -> Offer:
    if not (s.open and s.stage is not None and s.stage.routes):
        return Offer.NO
    if not s.case.route:
        return Offer.NEXT
    # A route whose extension the customer may refuse offers a switch to another route.
    extension = s.stage.extension_for(s.case.route)
    return _also(bool(extension and extension.on_refusal_offer_route))


def _offer_request_investigation(s: Situation) -> Offer:
    return _next(_working(s) and EventKind.INVESTIGATION_REQUESTED not in s.here)


def milestones(case: Case, pack: Pack, events: list[Any] | None = None) -> list[Step]:
    """The steps of the case's stage that a person marks as done, not yet marked: milestones
    (a meeting held, a report sent) and steps a contact would complete. ``events``, the case's
    chronology, is read here unless the caller has it already."""
    if not case.stage or case.stage not in {s.id for s in pack.stages}:
        return []
    stage = pack.stage(case.stage)
    done = {
        str(e.data.get("step"))
        for e in stage_events(
            case, list(case.events.order_by("sequence")) if events is None else events
        )
        if e.kind == EventKind.STEP_DONE
    }
    return [
        s
        for s in stage.steps_for(case.route or None)
        if s.completion() in (Completion.RECORDED, Completion.CONTACTED) and s.id not in done
    ]


def _offer_extend(s: Situation) -> Offer:
    """Only where the policy allows an extension at this stage (and route): never a dead end."""
    extendable = s.stage is not None and s.stage.extension_for(s.case.route or None) is not None
    return _next(_working(s) and extendable)


def _offer_mark_step_done(s: Situation) -> Offer:
    return _also(_working(s) and bool(milestones(s.case, s.pack, s.events)))


def _offer_classify(s: Situation) -> Offer:
    progressed = any(e.kind not in _STEPS_BEFORE_PROGRESS for e in s.events)
    return _also(s.open and not progressed)


def _offer_respond(s: Situation) -> Offer:
    if not _working(s):
        return Offer.NO
    # Investigated without a formal response: the findings may be recorded, but closing is next.
    return Offer.ALSO if without_formal_response(s.case, s.pack) else Offer.NEXT


def _offer_close(s: Situation) -> Offer:
    if not s.open:
        return Offer.NO
    if _working(s) and without_formal_response(s.case, s.pack):
        return Offer.NEXT
    # Once the stage's answer is sent and nothing waits for the customer, closing is next.
    answered = EventKind.RESPONDED in s.here and s.case.status != Status.AWAITING_ESCALATION
    return Offer.NEXT if answered else Offer.ALSO


# -- what each runs ---------------------------------------------------------------------


def _linkable(actor: Actor, reference: str) -> Case:
    assert actor.user is not None
    try:
        return access_case(actor.user, reference, record=False)
    except NotVisibleError:
        raise CaseInputError(
            f"There is no case {reference} that you can see.", fields={"other": "Not found."}
        ) from None


CASE_ACTIONS: tuple[CaseAction, ...] = (
    CaseAction(
        "acknowledge",
        "Acknowledge",
        "Acknowledge the case at its current stage",
        inputs.AcknowledgeIn,
        lambda case, actor, p, c: case_acknowledge(
            case=case,
            actor=actor,
            method=p.method,
            definition=[PointIn(d.description, d.outcome_sought) for d in p.definition],
            **c,
        ),
        "Acknowledged.",
        offered=_offer_acknowledge,
    ),
    CaseAction(
        "choose-route",
        "Choose the route",
        "Choose the route of the current stage among those the policy allows for this case",
        inputs.ChooseRouteIn,
        lambda case, actor, p, c: case_choose_route(
            case=case, actor=actor, route=p.route, about=p.about, **c
        ),
        "Route chosen.",
        offered=_offer_choose_route,
    ),
    CaseAction(
        "escalate",
        "Escalate",
        "Escalate at the customer's request to a route the policy allows",
        inputs.EscalateIn,
        lambda case, actor, p, c: case_escalate(
            case=case,
            actor=actor,
            route=p.route or "",
            reasons=p.reasons or "",
            about=p.about,
            accept_late=p.accept_late,
            late_reason=p.late_reason,
            **c,
        ),
        "Escalated.",
        offered=lambda s: _next(_escalation_open(s)),
    ),
    CaseAction(
        "refuse-escalation",
        "Refuse escalation",
        "Refuse to escalate on one of the policy's grounds (the case closes)",
        inputs.RefuseEscalationIn,
        lambda case, actor, p, c: case_refuse_escalation(
            case=case, actor=actor, ground=p.ground, explanation=p.explanation, **c
        ),
        "Escalation refused; the case is closed.",
        offered=lambda s: _next(_escalation_open(s)),
        warning=True,
    ),
    CaseAction(
        "decide-eligibility",
        "Decide eligibility",
        "Accept the case, or refuse it under one of the policy's exclusions (it closes)",
        inputs.DecideEligibilityIn,
        lambda case, actor, p, c: case_decide_eligibility(
            case=case,
            actor=actor,
            accepted=p.accepted,
            reason=p.reason,
            exclusion=p.exclusion,
            exception=p.exception,
            **c,
        ),
        "Eligibility decided.",
        offered=lambda s: _also(s.open and s.case.eligibility == Eligibility.PENDING),
    ),
    CaseAction(
        "request-investigation",
        "Request investigation",
        "Ask a team to investigate; the investigator deadline and chase ladder start",
        inputs.RequestInvestigationIn,
        lambda case, actor, p, c: case_request_investigation(
            case=case,
            actor=actor,
            team=p.team,
            investigator=staff_member(case.organisation_id, p.investigator, "investigator"),
            **c,
        ),
        "Investigation requested.",
        offered=_offer_request_investigation,
    ),
    CaseAction(
        "record-investigation",
        "Record investigation reply",
        "Record the investigating team's reply",
        inputs.RecordInvestigationIn,
        lambda case, actor, p, c: case_record_investigation(
            case=case, actor=actor, summary=p.summary, **c
        ),
        "Investigation reply recorded.",
        offered=lambda s: _next(_investigating(s)),
    ),
    CaseAction(
        "chase",
        "Record a chase",
        "Record a chase",
        inputs.ChaseIn,
        lambda case, actor, p, c: case_chase(case=case, actor=actor, note=p.note, **c),
        "Chase recorded.",
        offered=lambda s: _also(_investigating(s)),
    ),
    CaseAction(
        "respond",
        "Respond",
        "Send the response at this stage: the decision on each point of the complaint with "
        "what was found, the reasons, the remedy and the actions still to do (each tracked)",
        inputs.RespondIn,
        lambda case, actor, p, c: response_send(
            case=case,
            actor=actor,
            outcome=p.outcome,
            text=p.text,
            issues=[_answer(case, index, i) for index, i in enumerate(p.issues)],
            **c,
        ),
        "Response recorded.",
        offered=_offer_respond,
        allowed=lambda s, user: may_answer(s.case, user, s.events),
    ),
    CaseAction(
        "extend",
        "Extend",
        "Extend the response deadline with a reason the policy allows, within its cap",
        inputs.ExtendIn,
        lambda case, actor, p, c: case_extend(
            case=case,
            actor=actor,
            working_days=p.working_days,
            reason=p.reason,
            explanation=p.explanation,
            customer_agreed=p.customer_agreed,
            **c,
        ),
        "Deadline extended. Tell the customer the new date.",
        offered=_offer_extend,
    ),
    CaseAction(
        "mark-step-done",
        "Mark a step done",
        "Mark a milestone of the current stage as done (a panel meeting held, a report sent)",
        inputs.MarkStepDoneIn,
        lambda case, actor, p, c: case_mark_step_done(case=case, actor=actor, step=p.step, **c),
        "Step marked as done.",
        offered=_offer_mark_step_done,
    ),
    CaseAction(
        "make-formal",
        "Make a formal complaint",
        "Turn an informal case into a formal complaint",
        inputs.MakeFormalIn,
        lambda case, actor, p, c: case_make_formal(case=case, actor=actor, reason=p.reason, **c),
        "Now a formal complaint.",
        offered=lambda s: _also(s.open and s.stage is not None and not s.stage.formal),
    ),
    CaseAction(
        "classify",
        "Change the kind of case",
        "Change what kind of case this is, before its stage has moved on",
        inputs.ClassifyIn,
        lambda case, actor, p, c: case_classify(case=case, actor=actor, kind=p.kind, **c),
        "Kind of case changed.",
        offered=_offer_classify,
    ),
    CaseAction(
        "assign",
        "Assign",
        "Give the case a handler or an investigator",
        inputs.AssignIn,
        lambda case, actor, p, c: case_assign(
            case=case,
            actor=actor,
            handler=staff_member(case.organisation_id, p.handler, "handler"),
            investigator=staff_member(case.organisation_id, p.investigator, "investigator"),
            **c,
        ),
        "Assigned.",
        offered=lambda s: _also(s.open),
    ),
    CaseAction(
        "add-member",
        "Name someone on the case",
        "Name someone on the case (e.g. a panel member) so that they may see it",
        inputs.AddMemberIn,
        lambda case, actor, p, c: case_add_member(
            case=case,
            actor=actor,
            user=_named(case, p.username),
            role=p.role,
            **c,
        ),
        "Named on the case.",
        offered=lambda s: _also(s.open),
    ),
    CaseAction(
        "contact",
        "Record contact",
        "Record contact with the customer",
        inputs.ContactIn,
        lambda case, actor, p, c: case_record_contact(
            case=case, actor=actor, summary=p.summary, direction=p.direction, **c
        ),
        "Contact recorded.",
        offered=lambda s: _also(s.open),
    ),
    CaseAction(
        "note",
        "Add a note",
        "Add a note to the chronology",
        inputs.NoteIn,
        lambda case, actor, p, c: case_add_note(case=case, actor=actor, text=p.text, **c),
        "Note added.",
    ),
    CaseAction(
        "flag",
        "Raise or clear a flag",
        "Raise or clear the case's flag of vulnerability or of safeguarding, with the reason",
        inputs.FlagIn,
        lambda case, actor, p, c: case_flag(
            case=case, actor=actor, flag=p.flag, raised=p.raised, reason=p.reason, **c
        ),
        "Flag changed.",
    ),
    CaseAction(
        "attach",
        "Attach a file",
        "Attach a document (PDF, image, Office document or text; at most 10 MB)",
        inputs.AttachIn,
        lambda case, actor, p, c: case_attach(case=case, actor=actor, upload=p.file, **c),
        "File attached.",
        generic_api=False,  # a multipart upload
    ),
    CaseAction(
        "link",
        "Link to another case",
        "Link the case to another (a repeat may become a complaint)",
        inputs.LinkIn,
        lambda case, actor, p, c: case_link(
            case=case, actor=actor, other=_linkable(actor, p.other), kind=p.kind, **c
        ),
        "Cases linked.",
    ),
    CaseAction(
        "split",
        "Split into separate cases",
        "Split a contact that raises several issues into linked cases",
        inputs.SplitIn,
        lambda case, actor, p, c: case_split(case=case, actor=actor, summaries=p.summaries, **c),
        "Split: the new cases are linked to this one.",
        offered=lambda s: _also(s.open),
        generic_api=False,  # answers with the new cases' references too
    ),
    CaseAction(
        "close",
        "Close",
        "Close the case",
        inputs.CloseIn,
        lambda case, actor, p, c: case_close(
            case=case, actor=actor, reason=p.reason, note=p.note, **c
        ),
        "Case closed.",
        offered=_offer_close,
        warning=True,
    ),
    CaseAction(
        "reopen",
        "Reopen",
        "Reopen a closed case",
        inputs.ReopenIn,
        lambda case, actor, p, c: case_reopen(case=case, actor=actor, reason=p.reason, **c),
        "Case reopened.",
        offered=lambda s: _next(not s.open),
    ),
    CaseAction(
        "withdraw",
        "Withdraw",
        "The customer withdraws the case",
        inputs.WithdrawIn,
        lambda case, actor, p, c: case_withdraw(case=case, actor=actor, note=p.note, **c),
        "Case withdrawn and closed.",
        offered=lambda s: _also(s.open),
        warning=True,
    ),
)


def _answer(case: Case, index: int, issue: inputs.IssueIn) -> IssueOutcome:
    """One answer of a response as the service takes it: each action's owner found."""
    return IssueOutcome(
        issue.description,
        issue.outcome,
        issue.reasons,
        point=issue.point,
        finding=issue.finding,
        remedy=issue.remedy,
        actions=tuple(
            ActionDue(
                a.text,
                staff_member(case.organisation_id, a.owner, f"issues[{index}].actions[{n}].owner"),
                a.due_on,
            )
            for n, a in enumerate(issue.actions)
        ),
    )


def _named(case: Case, username: str) -> Any:
    user = staff_member(case.organisation_id, username, "username")
    assert user is not None  # the input requires a username
    return user


BY_NAME: dict[str, CaseAction] = {action.name: action for action in CASE_ACTIONS}


def offered_actions(
    case: Case, events: list[Any], user: User
) -> tuple[list[CaseAction], list[CaseAction]]:
    """The next steps and the other actions the case offers the user now."""
    now = situation(case, events)
    next_steps: list[CaseAction] = []
    others: list[CaseAction] = []
    for action in CASE_ACTIONS:
        offer = action.offered(now)
        if offer is Offer.NO or not may_act(user, case, action.needs):
            continue
        if action.allowed is not None and not action.allowed(now, user):
            continue
        (next_steps if offer is Offer.NEXT else others).append(action)
    return next_steps, others
