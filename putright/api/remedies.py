"""Putting things right over the API: remedies, actions and compensation awards."""

import datetime
import re
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from putright.accounts.access import NotVisibleError, can_see_case, require_action, roles_in
from putright.accounts.models import User
from putright.actions.catalogue import perform_nested
from putright.actions.remedies import NESTED_BY_NAME
from putright.actions.remedy_inputs import LossIn, LossWithdrawIn
from putright.cases.access import access_case
from putright.cases.errors import CaseError, CaseInputError
from putright.cases.models import Case
from putright.domain.compensation import pounds, suggest_band
from putright.policies.registry import get_pack
from putright.remedies.access import access_award_decision, awards_awaiting
from putright.remedies.guidance import case_figure, figure_record, loss_per
from putright.remedies.models import Award, Loss, RemedyAction
from putright.remedies.selectors import awaiting_award

from .reference import user_of
from .remedy_inputs import (
    ActionIn,
    AnswerIn,
    AwardIn,
    CompleteIn,
    DecideIn,
    OfferIn,
    PayIn,
    RemedyIn,
)
from .schemas import Text, errors

router = Router(tags=["remedies"])
COMPONENT = re.compile(r"^components\[(\d+)\]")


CASE_VERSION = "The case's version after this change: send it with your next change."


class RemedyOut(Schema):
    id: int
    kind: str
    description: str
    issue: int | None = None
    case_version: int | None = Field(None, description=CASE_VERSION)


class ActionOut(Schema):
    id: int
    description: str
    owner: str
    due_on: datetime.date
    completed_on: datetime.date | None = None
    evidence: str = ""
    case_version: int | None = Field(None, description=CASE_VERSION)


class RuleOut(Schema):
    pack: str = Field(description="The pack the rule is in: the landlord's policy or the guidance.")
    rule: str = Field(description='The rule, e.g. "compensation.bands".')
    source: str = Field(description="Where the policy or the guidance says it.")


class FigureLineOut(Schema):
    rule: str = Field(description="The guidance's fixed sum, e.g. heating_complete.")
    label: str
    per: str = Field(description='"day", "week" or "occasion".')
    count: int
    rate_pence: int
    amount_pence: int
    detail: str = Field(description='What was counted: "6 days: 1 March 2026 to 6 March 2026".')
    source: str
    text: str


class OmbudsmanFigureOut(Schema):
    """The ombudsman's figure for the losses recorded on the case, under its remedies guidance."""

    pack: str
    title: str
    source: str = Field(description="The guidance, by name and date.")
    rule: str = Field(description="The rule an award below the figure is refused under.")
    total_pence: int
    total: str
    lines: list[FigureLineOut]
    notes: list[str] = Field(description="What was left out or counted to today, and why.")


class SuggestionOut(Schema):
    band: str | None = Field(None, description="The landlord's band; null without bands.")
    label: str | None = None
    low_pence: int | None = None
    high_pence: int | None = Field(
        None, description='The top of the range; null where the policy states none ("over £100").'
    )
    range: str | None = Field(
        None, description='The range in words, as the policy states it: "£20 to £100".'
    )
    reasons: list[str] = Field(default_factory=list)
    facts: dict[str, int] = Field(
        default_factory=dict, description="The facts it was worked out from, when kept."
    )
    rule: RuleOut | None = Field(None, description="The landlord's rule behind the band.")
    ombudsman: OmbudsmanFigureOut | None = Field(
        None,
        description="The ombudsman's figure for the losses recorded, beside the landlord's "
        "band; null where no remedies guidance of the case's ombudsman is in force.",
    )


class LossOut(Schema):
    id: int
    kind: str
    per: str = Field(description='"day", "week" or "occasion".')
    started_on: datetime.date
    ended_on: datetime.date | None = None
    description: str = ""
    withdrawn: bool = Field(False, description="Withdrawn as recorded in error: not weighed.")
    withdrawn_reason: str = ""
    case_version: int | None = Field(None, description=CASE_VERSION)


class ComponentOut(Schema):
    kind: str
    amount_pence: int
    band: str
    description: str
    days_late: int | None = None


class AwardOut(Schema):
    id: int
    status: str
    stage: str
    total_pence: int
    total: str
    reasoning: str
    approval_by: str = ""
    full_and_final: bool
    method: str = ""
    arrears_offset_pence: int = 0
    paid_pence: int = 0
    components: list[ComponentOut]
    case_version: int | None = Field(None, description=CASE_VERSION)
    suggestion: SuggestionOut | None = Field(
        None, description="The calculator's range for the case when the award was proposed."
    )
    guidance: OmbudsmanFigureOut | None = Field(
        None, description="The ombudsman's figure for the losses recorded when it was proposed."
    )
    below_guidance_reason: str = Field(
        "", description="Why the proposer offered less than the ombudsman's figure."
    )


class AwaitingOut(Schema):
    """An award waiting for your approval: no customer, no case text."""

    award: AwardOut
    reference: str
    organisation: str
    organisation_name: str
    stage: str
    stage_label: str
    service_area: str = ""
    approval_title: str
    rule: str = Field(..., description="The authority rule that asks for this approval.")
    proposed_by: str
    proposed_at: datetime.datetime
    case_version: int
    case_visible: bool = Field(..., description="Whether you may open the case itself.")


def _case(request: HttpRequest, reference: str) -> tuple[User, Case]:
    user = user_of(request)
    return user, access_case(user, reference)


def award_out(award: Award, *, case_version: int | None = None) -> dict[str, Any]:
    return {
        "case_version": case_version,
        "id": award.pk,
        "status": award.status,
        "stage": award.stage,
        "total_pence": award.total_pence,
        "total": pounds(award.total_pence),
        "reasoning": award.reasoning,
        "approval_by": award.approval_by,
        "full_and_final": award.full_and_final,
        "method": award.method,
        "arrears_offset_pence": award.arrears_offset_pence,
        "paid_pence": award.paid_pence,
        "suggestion": award.suggestion or None,
        "guidance": award.guidance or None,
        "below_guidance_reason": award.below_guidance_reason,
        "components": [
            {
                "kind": c.kind,
                "amount_pence": c.amount_pence,
                "band": c.band,
                "description": c.description,
                "days_late": c.days_late,
            }
            for c in award.components.all()
        ],
    }


def _owner(case: Case, username: str) -> User:
    owner = User.objects.filter(username=username, is_active=True).first()
    if owner is None or not roles_in(owner, case.organisation_id):
        raise CaseInputError(
            f"There is no member of staff {username!r} here.", fields={"owner": "Unknown user."}
        )
    if not can_see_case(owner, case):
        # The owner is alerted about the action and completes it: they must see the case.
        raise CaseInputError(
            f"{username} cannot see this case, so cannot own an action on it.",
            fields={"owner": "Cannot see the case."},
        )
    return owner


@router.post(
    "/cases/{reference}/remedies",
    response={201: RemedyOut, **errors(403, 404, 409, 422)},
    operation_id="remedies_create",
)
def remedies_create(
    request: HttpRequest, reference: Text, payload: RemedyIn
) -> Status[dict[str, Any]]:
    """Record a remedy (apology, explanation, action, changed decision ...), optionally for one issue."""
    user, case = _case(request, reference)
    remedy = perform_nested(
        NESTED_BY_NAME["remedy-record"], user=user, case=case, target=None, payload=payload
    )
    return Status(
        201,
        {
            "id": remedy.pk,
            "kind": remedy.kind,
            "description": remedy.description,
            "issue": payload.issue,
            "case_version": remedy.case.version,
        },
    )


@router.post(
    "/cases/{reference}/remedy-actions",
    response={201: ActionOut, **errors(403, 404, 409, 422)},
    operation_id="remedy_actions_create",
)
def remedy_actions_create(
    request: HttpRequest, reference: Text, payload: ActionIn
) -> Status[dict[str, Any]]:
    """Add an action to put things right, with its owner and due date."""
    user, case = _case(request, reference)
    action = perform_nested(
        NESTED_BY_NAME["remedy-action-add"], user=user, case=case, target=None, payload=payload
    )
    return Status(201, _action_out(action, case_version=action.case.version))


def _action_out(action: RemedyAction, *, case_version: int | None = None) -> dict[str, Any]:
    return {
        "case_version": case_version,
        "id": action.pk,
        "description": action.description,
        "owner": action.owner.username,
        "due_on": action.due_on,
        "completed_on": action.completed_on,
        "evidence": action.evidence,
    }


@router.post(
    "/cases/{reference}/remedy-actions/{action_id}/complete",
    response={200: ActionOut, **errors(403, 404, 409, 422)},
    operation_id="remedy_actions_complete",
)
def remedy_actions_complete(
    request: HttpRequest, reference: Text, action_id: int, payload: CompleteIn
) -> dict[str, Any]:
    """Mark an action done, with the evidence that shows it."""
    user, case = _case(request, reference)
    action = RemedyAction.objects.filter(case=case, pk=action_id).first()
    if action is None:
        raise NotVisibleError("The case has no such action.")
    done = perform_nested(
        NESTED_BY_NAME["remedy-action-complete"],
        user=user,
        case=case,
        target=action,
        payload=payload,
    )
    return _action_out(done, case_version=done.case.version)


@router.get(
    "/cases/{reference}/awards",
    response={200: list[AwardOut], **errors(404)},
    operation_id="awards_list",
)
def awards_list(request: HttpRequest, reference: Text) -> list[dict[str, Any]]:
    """The case's compensation awards and where each stands."""
    case = access_case(user_of(request), reference)
    return [
        award_out(a, case_version=case.version) for a in case.awards.prefetch_related("components")
    ]


@router.get(
    "/cases/{reference}/awards/suggestion",
    response={200: SuggestionOut, **errors(404)},
    operation_id="awards_suggest",
)
def awards_suggest(
    request: HttpRequest,
    reference: Text,
    occasions: int = 1,
    months_affected: int = 0,
    missed_deadlines: int = 0,
) -> dict[str, Any] | None:
    """The landlord's band and the ombudsman's figure, each with the rule behind it.

    The band is a range for time, trouble and distress from the policy's bands and the facts
    given (null fields without bands); the ombudsman's figure is its remedies guidance's
    fixed sums for the losses recorded on the case (``POST .../losses``), worked out today.
    """
    case = access_case(user_of(request), reference)
    limits = {"occasions": 1000, "months_affected": 1200, "missed_deadlines": 1000}
    given = {
        "occasions": occasions,
        "months_affected": months_affected,
        "missed_deadlines": missed_deadlines,
    }
    wrong = {
        name: f"0 to {limits[name]}."
        for name, value in given.items()
        if not 0 <= value <= limits[name]
    }
    if wrong:
        raise CaseInputError("The facts are out of range.", fields=wrong)
    pack = get_pack(case.policy_pack)
    found = suggest_band(
        pack,
        occasions=occasions,
        months_affected=months_affected,
        vulnerable=case.vulnerability,
        missed_deadlines=missed_deadlines,
    )
    figure = figure_record(case_figure(case, timezone.localdate())) or None
    if found is None:
        return {"ombudsman": figure}
    return {
        "band": found.band.id,
        "label": found.band.label,
        "low_pence": found.low_pence,
        "high_pence": found.high_pence,
        "range": found.range,
        "reasons": list(found.reasons),
        "rule": {"pack": pack.id, "rule": "compensation.bands", "source": found.band.source},
        "ombudsman": figure,
    }


def _loss_out(loss: Loss, *, case_version: int | None = None) -> dict[str, Any]:
    return {
        "case_version": case_version,
        "id": loss.pk,
        "kind": loss.kind,
        "per": loss_per(loss.kind),
        "started_on": loss.started_on,
        "ended_on": loss.ended_on,
        "description": loss.description,
        "withdrawn": loss.withdrawn_at is not None,
        "withdrawn_reason": loss.withdrawn_reason,
    }


@router.get(
    "/cases/{reference}/losses",
    response={200: list[LossOut], **errors(404)},
    operation_id="losses_list",
)
def losses_list(request: HttpRequest, reference: Text) -> list[dict[str, Any]]:
    """The losses recorded on the case (the withdrawn ones too, marked), which the ombudsman's
    figure is worked out from."""
    case = access_case(user_of(request), reference)
    found = case.losses.order_by("started_on", "pk")
    return [_loss_out(loss, case_version=case.version) for loss in found]


@router.post(
    "/cases/{reference}/losses",
    response={201: LossOut, **errors(403, 404, 409, 422)},
    operation_id="losses_create",
)
def losses_create(request: HttpRequest, reference: Text, payload: LossIn) -> Status[dict[str, Any]]:
    """Record a loss: days without heating or power, or a missed appointment, with its dates."""
    user, case = _case(request, reference)
    loss = perform_nested(
        NESTED_BY_NAME["loss-record"], user=user, case=case, target=None, payload=payload
    )
    return Status(201, _loss_out(loss, case_version=loss.case.version))


@router.post(
    "/cases/{reference}/losses/{loss_id}/withdraw",
    response={200: LossOut, **errors(403, 404, 409, 422)},
    operation_id="losses_withdraw",
)
def losses_withdraw(
    request: HttpRequest, reference: Text, loss_id: int, payload: LossWithdrawIn
) -> dict[str, Any]:
    """Withdraw a loss recorded in error, saying why; the ombudsman's figure leaves it out."""
    user, case = _case(request, reference)
    action = NESTED_BY_NAME["loss-withdraw"]
    require_action(user, case, action.permission)  # before revealing whether it exists
    loss = case.losses.filter(pk=loss_id).first()
    if loss is None:
        raise NotVisibleError("The case has no such loss.")
    done = perform_nested(action, user=user, case=case, target=loss, payload=payload)
    return _loss_out(done, case_version=done.case.version)


@router.post(
    "/cases/{reference}/awards",
    response={201: AwardOut, **errors(403, 404, 409, 422)},
    operation_id="awards_create",
)
def awards_create(
    request: HttpRequest, reference: Text, payload: AwardIn
) -> Status[dict[str, Any]]:
    """Propose an award; above your authority it waits for the approval the policy names."""
    user, case = _case(request, reference)
    try:
        award = perform_nested(
            NESTED_BY_NAME["award-propose"], user=user, case=case, target=None, payload=payload
        )
    except CaseError as error:
        # The services name a part "components[0]"; the API names fields "components.0".
        error.fields = {COMPONENT.sub(r"components.\1", k): v for k, v in error.fields.items()}
        raise
    return Status(201, award_out(award, case_version=award.case.version))


def _on_award(
    request: HttpRequest, reference: str, award_id: int, name: str, payload: Any
) -> Award:
    """Take the declared action ``name`` on one of the case's awards."""
    user, case = _case(request, reference)
    action = NESTED_BY_NAME[name]
    if action.permission:
        require_action(user, case, action.permission)  # before revealing whether it exists
    award = case.awards.filter(pk=award_id).first()
    if award is None:
        raise NotVisibleError("The case has no such award.")
    done: Award = perform_nested(action, user=user, case=case, target=award, payload=payload)
    return done


@router.post(
    "/cases/{reference}/awards/{award_id}/decide",
    response={200: AwardOut, **errors(403, 404, 409, 422)},
    operation_id="awards_decide",
)
def awards_decide(
    request: HttpRequest, reference: Text, award_id: int, payload: DecideIn
) -> dict[str, Any]:
    """Approve or refuse an award waiting for your approval.

    A board member whose role the policy asks to approve reaches the award without the case:
    the answer is the award, never the case.
    """
    user = user_of(request)
    award = access_award_decision(user, award_id, reference=reference)
    award = perform_nested(
        NESTED_BY_NAME["award-decide"], user=user, case=award.case, target=award, payload=payload
    )
    return award_out(award, case_version=award.case.version)


@router.post(
    "/cases/{reference}/awards/{award_id}/offer",
    response={200: AwardOut, **errors(403, 404, 409, 422)},
    operation_id="awards_offer",
)
def awards_offer(
    request: HttpRequest, reference: Text, award_id: int, payload: OfferIn | None = None
) -> dict[str, Any]:
    """Offer an approved award to the customer (the body is optional)."""
    award = _on_award(request, reference, award_id, "award-offer", payload or OfferIn(version=None))
    return award_out(award, case_version=award.case.version)


@router.post(
    "/cases/{reference}/awards/{award_id}/answer",
    response={200: AwardOut, **errors(403, 404, 409, 422)},
    operation_id="awards_answer",
)
def awards_answer(
    request: HttpRequest, reference: Text, award_id: int, payload: AnswerIn
) -> dict[str, Any]:
    """Record the customer's acceptance or refusal of the offer."""
    award = _on_award(request, reference, award_id, "award-answer", payload)
    return award_out(award, case_version=award.case.version)


@router.post(
    "/cases/{reference}/awards/{award_id}/pay",
    response={200: AwardOut, **errors(403, 404, 409, 422)},
    operation_id="awards_pay",
)
def awards_pay(
    request: HttpRequest, reference: Text, award_id: int, payload: PayIn
) -> dict[str, Any]:
    """Record payment, once, by a method the policy allows, offsetting arrears where it says so."""
    award = _on_award(request, reference, award_id, "award-pay", payload)
    return award_out(award, case_version=award.case.version)


@router.get(
    "/awards/awaiting-approval",
    response={200: list[AwaitingOut], **errors()},
    operation_id="awards_awaiting_approval",
)
def awards_awaiting_approval(request: HttpRequest) -> list[dict[str, Any]]:
    """Awards waiting for a decision you may take, oldest first (none of the customer's details)."""
    user = user_of(request)
    found = []
    for award in awards_awaiting(user):
        seen = awaiting_award(award)
        found.append(
            {
                "award": award_out(award, case_version=seen.case_version),
                "reference": seen.reference,
                "organisation": seen.organisation,
                "organisation_name": seen.organisation_name,
                "stage": seen.stage,
                "stage_label": seen.stage_label,
                "service_area": seen.service_area,
                "approval_title": seen.approval_title,
                "rule": seen.rule,
                "proposed_by": str(award.proposed_by),
                "proposed_at": award.proposed_at,
                "case_version": seen.case_version,
                "case_visible": can_see_case(user, award.case),
            }
        )
    return found
