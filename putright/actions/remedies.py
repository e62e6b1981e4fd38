"""The actions that put things right, declared once: remedies, their actions and awards.

Each is addressed under its case, as in the API: ``POST /api/v1{path}``, and the staff page
at the same path (``/{path}/``), both taking the same input and calling the same service.
"""

from __future__ import annotations

from typing import Any

from putright.accounts.models import User
from putright.cases.errors import CaseInputError
from putright.cases.models import Case
from putright.cases.services import Actor
from putright.domain.compensation import pounds
from putright.policies.registry import get_pack
from putright.remedies.models import Award, AwardStatus, Loss, RemedyAction
from putright.remedies.services import (
    ComponentIn,
    action_add,
    action_complete,
    award_answer,
    award_decide,
    award_offer,
    award_pay,
    award_propose,
    loss_record,
    loss_withdraw,
    remedy_record,
)

from . import remedy_inputs as inputs
from .catalogue import NestedAction, staff_member


def _owner(case: Case, username: str) -> User:
    from putright.accounts.access import can_see_case

    owner = staff_member(case.organisation_id, username, "owner")
    assert owner is not None  # the input requires a username
    if not can_see_case(owner, case):
        # The owner is alerted about the action and completes it: they must see the case.
        raise CaseInputError(
            f"{username} cannot see this case, so cannot own an action on it.",
            fields={"owner": "Cannot see the case."},
        )
    return owner


def _remedy_action(case: Case, actor: Actor, p: inputs.ActionIn, c: dict[str, Any]) -> Any:
    remedy = case.remedies.filter(pk=p.remedy).first() if p.remedy else None
    if p.remedy and remedy is None:
        raise CaseInputError("The case has no such remedy.", fields={"remedy": "Not found."})
    return action_add(
        case=case,
        actor=actor,
        description=p.description,
        owner=_owner(case, p.owner),
        due_on=p.due_on,
        remedy=remedy,
        **c,
    )


def _loss_recorded(loss: Loss) -> str:
    return "Loss recorded: the award calculator now weighs it."


def _loss_withdrawn(loss: Loss) -> str:
    return "Loss withdrawn: the award calculator no longer weighs it."


def _added(action: RemedyAction) -> str:
    return f"Action added for {action.owner}, due {action.due_on:%-d %B %Y}."


def _completed(action: RemedyAction) -> str:
    late = " (late)" if action.completed_on and action.completed_on > action.due_on else ""
    return f"Action completed{late}."


def _proposed(award: Award) -> str:
    if award.approval_by:
        title = get_pack(award.case.policy_pack).role_title(award.approval_by)
        return (
            f"{pounds(award.total_pence)} compensation proposed: it is above your authority, so "
            f"it waits for approval by the {title}."
        )
    return f"{pounds(award.total_pence)} compensation proposed and approved."


def _decided(award: Award) -> str:
    verb = "refused approval" if award.status == AwardStatus.REJECTED else "approved"
    return f"You {verb}: {pounds(award.total_pence)} compensation."


def _offered(award: Award) -> str:
    final = " in full and final settlement" if award.full_and_final else ""
    return f"{pounds(award.total_pence)} offered to the customer{final}."


def _answered(award: Award) -> str:
    if award.status == AwardStatus.ACCEPTED:
        return "The customer accepted the offer."
    rules = get_pack(award.case.policy_pack).compensation
    route = rules.refusal_opens_route if rules else None
    opens = f" They may ask for a {route.replace('_', ' ')}." if route else ""
    return f"The customer refused the offer.{opens}"


def _paid(award: Award) -> str:
    done = f"Payment of {pounds(award.paid_pence)} recorded."
    if award.arrears_offset_pence:
        done += f" Tell the customer {pounds(award.arrears_offset_pence)} went to their arrears."
    return done


REMEDY_ACTIONS: tuple[NestedAction, ...] = (
    NestedAction(
        "remedy-record",
        "Record a remedy",
        "/cases/{reference}/remedies",
        inputs.RemedyIn,
        lambda case, _, actor, p, c: remedy_record(
            case=case,
            actor=actor,
            kind=p.kind,
            description=p.description,
            issue_number=p.issue,
            **c,
        ),
        lambda remedy: "Remedy recorded.",
        permission="remedy",
    ),
    NestedAction(
        "remedy-action-add",
        "Add an action",
        "/cases/{reference}/remedy-actions",
        inputs.ActionIn,
        lambda case, _, actor, p, c: _remedy_action(case, actor, p, c),
        _added,
        permission="remedy",
    ),
    NestedAction(
        "remedy-action-complete",
        "Complete an action",
        "/cases/{reference}/remedy-actions/{action_id}/complete",
        inputs.CompleteIn,
        lambda case, action, actor, p, c: action_complete(
            action=action, actor=actor, evidence=p.evidence, **c
        ),
        _completed,
        permission="",  # its owner, or whoever may record remedies: the service decides
        button="Complete the action",
        target="remedy_action",
    ),
    NestedAction(
        "loss-record",
        "Record a loss",
        "/cases/{reference}/losses",
        inputs.LossIn,
        lambda case, _, actor, p, c: loss_record(
            case=case,
            actor=actor,
            kind=p.kind,
            started_on=p.started_on,
            ended_on=p.ended_on,
            description=p.description,
            **c,
        ),
        _loss_recorded,
        permission="remedy",
        button="Record the loss",
    ),
    NestedAction(
        "loss-withdraw",
        "Withdraw a loss",
        "/cases/{reference}/losses/{loss_id}/withdraw",
        inputs.LossWithdrawIn,
        lambda case, loss, actor, p, c: loss_withdraw(loss=loss, actor=actor, reason=p.reason, **c),
        _loss_withdrawn,
        permission="remedy",
        button="Withdraw the loss",
        warning=True,
        target="loss",
    ),
    NestedAction(
        "award-propose",
        "Propose compensation",
        "/cases/{reference}/awards",
        inputs.AwardIn,
        lambda case, _, actor, p, c: award_propose(
            case=case,
            actor=actor,
            components=[ComponentIn(**part.dict()) for part in p.components],
            reasoning=p.reasoning,
            occasions=p.occasions,
            months_affected=p.months_affected,
            below_guidance_reason=p.below_guidance_reason,
            **c,
        ),
        _proposed,
        permission="award-propose",
        button="Propose compensation",
    ),
    NestedAction(
        "award-decide",
        "Decide on compensation",
        "/cases/{reference}/awards/{award_id}/decide",
        inputs.DecideIn,
        lambda case, award, actor, p, c: award_decide(
            award=award, actor=actor, approve=p.approve, note=p.note, **c
        ),
        _decided,
        permission="",  # the role the pack names, never the proposer: access and service decide
        button="Record the decision",
        target="award",
    ),
    NestedAction(
        "award-offer",
        "Offer compensation",
        "/cases/{reference}/awards/{award_id}/offer",
        inputs.OfferIn,
        lambda case, award, actor, p, c: award_offer(award=award, actor=actor, **c),
        _offered,
        permission="award-offer",
        button="Record the offer",
        target="award",
    ),
    NestedAction(
        "award-answer",
        "Record the customer's answer",
        "/cases/{reference}/awards/{award_id}/answer",
        inputs.AnswerIn,
        lambda case, award, actor, p, c: award_answer(
            award=award, actor=actor, accepted=p.accepted, note=p.note, **c
        ),
        _answered,
        permission="award-offer",
        button="Record the answer",
        target="award",
    ),
    NestedAction(
        "award-pay",
        "Record payment",
        "/cases/{reference}/awards/{award_id}/pay",
        inputs.PayIn,
        lambda case, award, actor, p, c: award_pay(
            award=award,
            actor=actor,
            method=p.method,
            arrears_offset_pence=p.arrears_offset_pence,
            **c,
        ),
        _paid,
        permission="award-pay",
        button="Record payment",
        target="award",
    ),
)

NESTED_BY_NAME: dict[str, NestedAction] = {a.name: a for a in REMEDY_ACTIONS}
