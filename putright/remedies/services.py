"""Recording remedies and actions, and taking an award from proposal to payment.

Every change is one transaction that also appends its event to the case's chronology.
Like every case action, each locks the case, refuses a stale ``expected_version`` (409),
moves the case's version on, and takes an optional ``occurred_at`` (never in the future,
not before receipt, not before the step it follows) that dates the event and the award's
own steps (proposed, decided, offered, answered, paid; an action's completion day).
An award above the proposer's authority waits for approval by the role the pack names;
it cannot be offered until approved, paid before acceptance where the pack says so, or
paid twice; a refused approval can never be paid.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from putright.accounts.access import require_action, roles_in
from putright.accounts.models import User
from putright.cases.errors import CaseInputError, CaseStateError, PolicyRuleError
from putright.cases.models import Case, CaseIssue, Event, EventKind
from putright.cases.selectors import local_date
from putright.cases.services import Actor, case_record_event, lock_for_change
from putright.domain.calendar import describe
from putright.domain.compensation import (
    authority_for,
    band_low,
    band_range,
    may_approve,
    pounds,
    right_to_repair_payment,
)
from putright.domain.errors import RuleViolationError
from putright.policies.registry import get_pack

from .guidance import case_figure, figure_record, loss_kinds, loss_per
from .models import (
    Award,
    AwardComponent,
    AwardStatus,
    ComponentKind,
    Loss,
    PaymentMethod,
    Remedy,
    RemedyAction,
    RemedyKind,
)
from .selectors import suggestion_record

NOT_APPROVED = "This award has not been approved, so it cannot be offered."
APPROVAL_REFUSED = "Approval for this award was refused: it cannot be offered or paid."
ALREADY_PAID = "This award was already paid on {on}."
NOT_ACCEPTED = "The policy pays compensation only once the customer has accepted the offer."
NOT_OFFERED = "The award has not been offered to the customer yet."
SELF_APPROVAL = (
    "You proposed this award: another {role} must decide it, so that every award above "
    "its proposer's authority is seen by two people."
)
NO_ARREARS_OFFSET = "This policy does not offset compensation against arrears."
METHOD_NOT_ALLOWED = "The policy does not pay by {method}; it pays by {allowed}."
DUE_IN_THE_PAST = "The due date is in the past."
DUE_BEFORE_AGREED = "The due date is before the day the action was agreed."
BEFORE_STEP = "That is before the {what} was {step} ({on})."
BELOW_GUIDANCE = (
    "{offered} is below the Ombudsman's figure of {figure} for the losses recorded on this "
    "case ({lines}). Raise the award, or say why you are offering less."
)
BELOW_GUIDANCE_FIELD = "Say why you are offering less than the Ombudsman's figure of {figure}."
LOSS_IN_FUTURE = "That date is in the future. Record a loss once it has happened."
LOSS_ENDS_FIRST = "The loss cannot end before it started."
ONE_DAY_ONLY = "A missed appointment is one day: leave the end date blank."
#: Awards that no longer stand: refused approval, or refused by the customer.
NOT_STANDING = (AwardStatus.REJECTED, AwardStatus.REFUSED)


def _locked(
    case: Case, expected_version: int | None, occurred_at: datetime.datetime | None
) -> tuple[Case, datetime.datetime]:
    """The case locked (refused if its version moved on) and when the change happened."""
    return lock_for_change(case, expected_version=expected_version, occurred_at=occurred_at)


def _not_before(
    moment: datetime.datetime, earlier: datetime.datetime | None, step: str, what: str = "award"
) -> None:
    """A step cannot be dated before the step it follows."""
    if earlier is not None and moment < earlier:
        message = BEFORE_STEP.format(what=what, step=step, on=describe(local_date(earlier)))
        raise CaseInputError(message, fields={"occurred_at": message})


def _require_role(actor: Actor, case: Case, action: str) -> None:
    """A person's role must allow the action on the case, whichever interface they use."""
    if actor.user is not None:
        require_action(actor.user, case, action)


def _user(actor: Actor) -> User:
    if actor.user is None:
        raise CaseStateError("A person must make this decision.")
    return actor.user


@transaction.atomic
def remedy_record(
    *,
    case: Case,
    actor: Actor,
    kind: str,
    description: str,
    issue_number: int | None = None,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Remedy:
    """Record a remedy, optionally against one issue of the response."""
    _require_role(actor, case, "remedy")
    case, moment = _locked(case, expected_version, occurred_at)
    if kind not in RemedyKind.values:
        raise CaseInputError(
            "Choose a kind of remedy.", fields={"kind": f"One of: {', '.join(RemedyKind.values)}."}
        )
    if not description.strip():
        raise CaseInputError("Describe the remedy.", fields={"description": "Required."})
    issue = None
    if issue_number is not None:
        issue = CaseIssue.objects.filter(case=case, number=issue_number).first()
        if issue is None:
            raise CaseInputError(
                f"The case has no issue {issue_number}.", fields={"issue": "Not found."}
            )
    remedy = Remedy.objects.create(
        case=case,
        issue=issue,
        kind=kind,
        description=description,
        created_by=actor.user,
        created_at=moment,
    )
    remedy.case = case_record_event(
        case=case,
        actor=actor,
        kind=EventKind.REMEDY_RECORDED,
        data={"remedy_id": remedy.pk, "remedy": kind, "issue": issue_number, "text": description},
        occurred_at=moment,
    )
    return remedy


@transaction.atomic
def action_add(
    *,
    case: Case,
    actor: Actor,
    description: str,
    owner: User,
    due_on: datetime.date,
    remedy: Remedy | None = None,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> RemedyAction:
    """Add an action to the case's action plan, with its owner and due date.

    The due date may not be before the day the action was agreed (today, or ``occurred_at``).
    """
    _require_role(actor, case, "remedy")
    case, moment = _locked(case, expected_version, occurred_at)
    if not description.strip():
        raise CaseInputError("Describe the action.", fields={"description": "Required."})
    agreed_on = local_date(moment)
    if due_on < agreed_on:
        if occurred_at is None:
            raise CaseInputError(DUE_IN_THE_PAST, fields={"due_on": "Give a date from today."})
        raise CaseInputError(DUE_BEFORE_AGREED, fields={"due_on": "Give a date from that day."})
    action = RemedyAction.objects.create(
        case=case, remedy=remedy, description=description, owner=owner, due_on=due_on
    )
    action.case = case_record_event(
        case=case,
        actor=actor,
        kind=EventKind.ACTION_ADDED,
        data={
            "action_id": action.pk,
            "owner_id": owner.pk,
            "due_on": due_on.isoformat(),
            "text": description,
        },
        occurred_at=moment,
    )
    return action


@transaction.atomic
def action_complete(
    *,
    action: RemedyAction,
    actor: Actor,
    evidence: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> RemedyAction:
    """Mark an action done, with the evidence that shows it; done on the day it happened.

    Its owner may, whatever their role; anyone else needs the role that records remedies.
    """
    if actor.user is not None and action.owner_id != actor.user.pk:
        _require_role(actor, action.case, "remedy")
    case, moment = _locked(action.case, expected_version, occurred_at)
    action = RemedyAction.objects.select_for_update().get(pk=action.pk)
    if action.completed_on is not None:
        raise CaseStateError(f"This action was completed on {describe(action.completed_on)}.")
    if not evidence.strip():
        raise CaseInputError(
            "Say what shows the action was done.", fields={"evidence": "Required."}
        )
    added = (
        Event.objects.filter(case=case, kind=EventKind.ACTION_ADDED, data__action_id=action.pk)
        .values_list("occurred_at", flat=True)
        .first()
    )
    _not_before(moment, added, "added", what="action")
    action.completed_on = local_date(moment)
    action.evidence = evidence
    action.save(update_fields=["completed_on", "evidence"])
    action.case = case_record_event(
        case=case,
        actor=actor,
        kind=EventKind.ACTION_COMPLETED,
        data={
            "action_id": action.pk,
            "evidence": evidence,
            "late": action.completed_on > action.due_on,
        },
        occurred_at=moment,
    )
    return action


@transaction.atomic
def loss_record(
    *,
    case: Case,
    actor: Actor,
    kind: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    description: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Loss:
    """Record a loss on the case: days without heating or power, or a missed appointment.

    The kinds are those the ombudsman's remedies guidance sets a sum for; a period ends on
    or after it starts (blank while it goes on), an occasion is one day; neither is in the
    future. The award calculator weighs every loss recorded.
    """
    _require_role(actor, case, "remedy")
    case, moment = _locked(case, expected_version, occurred_at)
    kinds = dict(loss_kinds())
    if kind not in kinds:
        raise CaseInputError(
            "Choose the kind of loss.", fields={"kind": f"One of: {', '.join(kinds)}."}
        )
    today = local_date(moment)
    if started_on > today:
        raise CaseInputError(LOSS_IN_FUTURE, fields={"started_on": LOSS_IN_FUTURE})
    if loss_per(kind) == "occasion" and ended_on is not None and ended_on != started_on:
        raise CaseInputError(ONE_DAY_ONLY, fields={"ended_on": ONE_DAY_ONLY})
    if loss_per(kind) == "occasion":
        ended_on = None
    if ended_on is not None and ended_on < started_on:
        raise CaseInputError(LOSS_ENDS_FIRST, fields={"ended_on": LOSS_ENDS_FIRST})
    if ended_on is not None and ended_on > today:
        raise CaseInputError(LOSS_IN_FUTURE, fields={"ended_on": LOSS_IN_FUTURE})
    loss = Loss.objects.create(
        case=case,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        description=description.strip(),
        recorded_by=actor.user,
        recorded_at=moment,
    )
    if loss_per(kind) == "occasion":
        when = f"on {describe(started_on)}"
    elif ended_on is None:
        when = f"since {describe(started_on)}, still going on"
    else:
        days = (ended_on - started_on).days + 1
        when = (
            f"{describe(started_on)} to {describe(ended_on)} ({days} day{'s' if days != 1 else ''})"
        )
    text = f"Loss recorded: {kinds[kind].lower()}, {when}."
    if loss.description:
        text += f" {loss.description}" + ("" if loss.description[-1] in ".!?" else ".")
    loss.case = case_record_event(
        case=case,
        actor=actor,
        kind=EventKind.NOTE,
        data={
            "loss_id": loss.pk,
            "loss": kind,
            "started_on": started_on.isoformat(),
            "ended_on": ended_on.isoformat() if ended_on else None,
            "text": text,
        },
        occurred_at=moment,
    )
    return loss


@transaction.atomic
def loss_withdraw(
    *,
    loss: Loss,
    actor: Actor,
    reason: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Loss:
    """Withdraw a loss recorded in error, saying why; the calculator leaves it out from then on.

    Awards already proposed keep the figure they were proposed against.
    """
    _require_role(actor, loss.case, "remedy")
    case, moment = _locked(loss.case, expected_version, occurred_at)
    loss = Loss.objects.select_for_update().get(pk=loss.pk)
    if loss.withdrawn_at is not None:
        raise CaseStateError(
            f"This loss was withdrawn on {describe(local_date(loss.withdrawn_at))}."
        )
    if not reason.strip():
        raise CaseInputError(
            "Say why the loss is withdrawn.", fields={"reason": "Say why the loss is withdrawn."}
        )
    _not_before(moment, loss.recorded_at, "recorded", what="loss")
    loss.withdrawn_at = moment
    loss.withdrawn_by = actor.user
    loss.withdrawn_reason = reason.strip()
    loss.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    label = dict(loss_kinds()).get(loss.kind, loss.kind.replace("_", " "))
    loss.case = case_record_event(
        case=case,
        actor=actor,
        kind=EventKind.NOTE,
        data={
            "loss_id": loss.pk,
            "loss": loss.kind,
            "withdrawn": True,
            "text": f"Loss withdrawn: {label.lower()} from {describe(loss.started_on)}. "
            f"Reason: {loss.withdrawn_reason}",
        },
        occurred_at=moment,
    )
    return loss


def actions_sweep(*, today: datetime.date | None = None) -> int:
    """Alert the owner and the handler once about each overdue action; returns how many."""
    today = today or timezone.localdate()
    alerted = 0
    overdue = RemedyAction.objects.filter(
        completed_on__isnull=True, due_on__lt=today, overdue_alerted_on__isnull=True
    ).values_list("pk", flat=True)
    for action_id in list(overdue):
        with transaction.atomic():
            action = (
                RemedyAction.objects.select_for_update().select_related("case").get(pk=action_id)
            )
            if action.overdue_alerted_on is not None or action.completed_on is not None:
                continue
            pack = get_pack(action.case.policy_pack)
            follow_up = list(pack.compensation.on_action_slip) if pack.compensation else []
            action.overdue_alerted_on = today
            action.save(update_fields=["overdue_alerted_on"])
            recipients = [action.owner_id, action.case.handler_id]
            case_record_event(
                case=action.case,
                actor=Actor.system(),
                kind=EventKind.ACTION_OVERDUE,
                data={
                    "action_id": action.pk,
                    "due_on": action.due_on.isoformat(),
                    "notify_user_ids": [r for r in recipients if r],
                    "follow_up": follow_up,
                    "description": f"Action overdue since {describe(action.due_on)}: {action.description[:200]}"
                    + ("; contact the customer and review compensation" if follow_up else ""),
                },
            )
            alerted += 1
    return alerted


@dataclass(frozen=True)
class ComponentIn:
    kind: str
    amount_pence: int = 0
    band: str = ""
    description: str = ""
    evidence: str = ""
    days_late: int | None = None


def _authority_stage(case: Case) -> str:
    pack = get_pack(case.policy_pack)
    if not case.stage:
        return "first_contact"
    stage = pack.stage(case.stage)
    return stage.id if stage.formal and stage.level >= 1 else "first_contact"


@transaction.atomic
def award_propose(
    *,
    case: Case,
    actor: Actor,
    components: Sequence[ComponentIn],
    reasoning: str,
    occasions: int = 1,
    months_affected: int = 0,
    below_guidance_reason: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Award:
    """Propose an award; above the proposer's authority it waits for the approval the pack names.

    The calculator's range for the case and the facts given is kept with the award, for the
    approver to weigh the figure against, and so is the ombudsman's figure for the losses
    recorded (its remedies guidance in force that day). Where the awards standing on the
    case, this one included, come to less than that figure, the proposal is refused naming
    the guidance's rule unless the proposer says why (``below_guidance_reason``, recorded).
    """
    user = _user(actor)
    _require_role(actor, case, "award-propose")
    case, moment = _locked(case, expected_version, occurred_at)
    pack = get_pack(case.policy_pack)
    rules = pack.compensation
    if not components:
        raise CaseInputError(
            "Add at least one part to the award.", fields={"components": "Required."}
        )
    if not reasoning.strip():
        raise CaseInputError(
            "Explain the amount: the letter states the rationale.",
            fields={"reasoning": "Required."},
        )
    bands = {b.id: b for b in (rules.bands if rules else ())}
    parts: list[AwardComponent] = []
    for index, part in enumerate(components):
        where = f"components[{index}]"
        if part.kind not in ComponentKind.values:
            raise CaseInputError(
                "Unknown kind of compensation.", fields={f"{where}.kind": "Not recognised."}
            )
        amount = part.amount_pence
        if part.kind == ComponentKind.STATUTORY:
            if rules is None or rules.right_to_repair is None:
                raise PolicyRuleError(
                    "This policy has no Right to Repair payments.",
                    rule="compensation.right_to_repair",
                )
            if part.days_late is None:
                raise CaseInputError(
                    "Give the days the repair was late.", fields={f"{where}.days_late": "Required."}
                )
            try:
                amount = right_to_repair_payment(rules.right_to_repair, part.days_late)
            except RuleViolationError as error:
                raise CaseInputError(
                    str(error), fields={f"{where}.days_late": str(error)}
                ) from None
        if amount <= 0 and part.kind != ComponentKind.NON_CASH:
            raise CaseInputError(
                "Each part needs an amount.", fields={f"{where}.amount_pence": "More than zero."}
            )
        if part.kind == ComponentKind.FINANCIAL_LOSS and not part.evidence.strip():
            raise CaseInputError(
                "A financial loss needs its evidence.",
                fields={f"{where}.evidence": "Required for a financial loss."},
            )
        if part.kind == ComponentKind.TIME_TROUBLE_DISTRESS and bands:
            band = bands.get(part.band)
            if band is None:
                raise CaseInputError(
                    "Choose the impact band.",
                    fields={f"{where}.band": f"One of: {', '.join(bands)}."},
                )
            if amount < band_low(band) or (band.max_pence is not None and amount > band.max_pence):
                raise PolicyRuleError(
                    f"{pounds(amount)} is outside the {band.label} band ({band_range(band)}).",
                    rule="compensation.bands",
                    source=band.source,
                    fields={f"{where}.amount_pence": "Outside the band."},
                )
        parts.append(
            AwardComponent(
                kind=part.kind,
                amount_pence=amount,
                band=part.band,
                description=part.description,
                evidence=part.evidence,
                days_late=part.days_late,
            )
        )
    total = sum(p.amount_pence for p in parts)
    figure = case_figure(case, local_date(moment))
    standing = sum(
        case.awards.exclude(status__in=NOT_STANDING).values_list("total_pence", flat=True)
    )
    below = figure is not None and standing + total < figure.total_pence
    reason = below_guidance_reason.strip() if below else ""
    if below and figure is not None and not reason:
        offered = pounds(total)
        if standing:
            offered = f"{pounds(total)} (with {pounds(standing)} already awarded, {pounds(standing + total)})"
        lines = "; ".join(line.text for line in figure.lines)
        raise PolicyRuleError(
            BELOW_GUIDANCE.format(offered=offered, figure=figure.total, lines=lines),
            rule=figure.rule,
            source=figure.source,
            fields={"below_guidance_reason": BELOW_GUIDANCE_FIELD.format(figure=figure.total)},
        )
    stage = _authority_stage(case)
    decision = authority_for(
        pack, stage=stage, amount_pence=total, system_roles=roles_in(user, case.organisation_id)
    )
    if not decision.allowed and decision.approval_by is None:
        raise PolicyRuleError(
            f"{pounds(total)} is more than the policy lets anyone award at this stage.",
            rule="compensation.authority",
            source=rules.source if rules else "",
        )
    now = moment
    award = Award.objects.create(
        case=case,
        stage=stage,
        status=AwardStatus.APPROVED if decision.allowed else AwardStatus.PENDING_APPROVAL,
        total_pence=total,
        reasoning=reasoning,
        approval_by="" if decision.allowed else (decision.approval_by or ""),
        full_and_final=bool(rules and rules.full_and_final),
        suggestion=suggestion_record(
            pack, case, occasions=occasions, months_affected=months_affected
        ),
        guidance=figure_record(figure)
        | ({"standing_pence": standing, "below": below} if figure is not None else {}),
        below_guidance_reason=reason,
        proposed_by=user,
        proposed_at=now,
        decided_by=user if decision.allowed else None,
        decided_at=now if decision.allowed else None,
    )
    for component in parts:
        component.award = award
    AwardComponent.objects.bulk_create(parts)
    award.case = case_record_event(
        case=case,
        actor=actor,
        kind=EventKind.AWARD_PROPOSED,
        data={
            "award_id": award.pk,
            "total_pence": total,
            "total": pounds(total),
            "needs_approval_by": award.approval_by,
            "limit_pence": decision.limit_pence,
            "text": reasoning,
            **(
                {
                    "guidance": figure.rule,
                    "guidance_total_pence": figure.total_pence,
                    "below_guidance": below,
                    "below_guidance_reason": reason,
                    **(
                        {
                            "explanation": f"Below the Ombudsman's figure of {figure.total} "
                            f"for the losses recorded ({figure.rule}): {reason}"
                        }
                        if below
                        else {}
                    ),
                }
                if figure is not None
                else {}
            ),
        },
        occurred_at=moment,
    )
    return award


@transaction.atomic
def award_order(
    *,
    case: Case,
    actor: Actor,
    amount_pence: int,
    reasoning: str,
    occurred_at: datetime.datetime | None = None,
) -> Award:
    """An award the Ombudsman ordered: approved as ordered (no authority limit applies, the
    customer's acceptance is not needed), to be paid once like any other."""
    user = _user(actor)
    _require_role(actor, case, "award-pay")
    if amount_pence <= 0:
        raise CaseInputError(
            "An order for money needs an amount.", fields={"amount_pence": "More than zero."}
        )
    case, moment = _locked(case, None, occurred_at)
    award = Award.objects.create(
        case=case,
        stage=_authority_stage(case),
        status=AwardStatus.APPROVED,
        total_pence=amount_pence,
        reasoning=reasoning,
        proposed_by=user,
        proposed_at=moment,
        decided_by=user,
        decided_at=moment,
        ordered_by_ombudsman=True,
    )
    award.case = case_record_event(
        case=case,
        actor=actor,
        kind=EventKind.AWARD_APPROVED,
        data={
            "award_id": award.pk,
            "total_pence": amount_pence,
            "total": pounds(amount_pence),
            "ordered_by_ombudsman": True,
            "text": f"Ordered by the Ombudsman: {reasoning}",
        },
        occurred_at=moment,
    )
    return award


def _lock_award(
    award: Award, expected_version: int | None, occurred_at: datetime.datetime | None
) -> tuple[Award, datetime.datetime]:
    """The award and its case locked (the case first, as every case action does), and when."""
    case, moment = _locked(award.case, expected_version, occurred_at)
    locked = Award.objects.select_for_update().get(pk=award.pk)
    locked.case = case
    return locked, moment


@transaction.atomic
def award_decide(
    *,
    award: Award,
    actor: Actor,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Award:
    """Approve or refuse an award waiting for approval; only the role the pack names may."""
    user = _user(actor)
    award, moment = _lock_award(award, expected_version, occurred_at)
    if award.status != AwardStatus.PENDING_APPROVAL:
        raise CaseStateError(
            f"This award is not waiting for approval ({award.get_status_display().lower()})."
        )
    pack = get_pack(award.case.policy_pack)
    if not may_approve(
        pack, approval_by=award.approval_by, system_roles=roles_in(user, award.case.organisation_id)
    ):
        raise PolicyRuleError(
            f"Only the {pack.role_title(award.approval_by)} may approve this award.",
            rule="compensation.authority.approval_by",
            source=pack.compensation.source if pack.compensation else "",
        )
    if award.proposed_by_id == user.pk:
        raise PolicyRuleError(
            SELF_APPROVAL.format(role=pack.role_title(award.approval_by)),
            rule="compensation.authority.approval_by",
            source=pack.compensation.source if pack.compensation else "",
        )
    _not_before(moment, award.proposed_at, "proposed")
    award.status = AwardStatus.APPROVED if approve else AwardStatus.REJECTED
    award.decided_by = user
    award.decided_at = moment
    award.save(update_fields=["status", "decided_by", "decided_at"])
    award.case = case_record_event(
        case=award.case,
        actor=actor,
        kind=EventKind.AWARD_APPROVED if approve else EventKind.AWARD_REJECTED,
        data={"award_id": award.pk, "total": pounds(award.total_pence), "text": note},
        occurred_at=moment,
    )
    return award


@transaction.atomic
def award_offer(
    *,
    award: Award,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Award:
    """Offer an approved award to the customer (someone who may see the customer's details)."""
    _require_role(actor, award.case, "award-offer")
    award, moment = _lock_award(award, expected_version, occurred_at)
    if award.status == AwardStatus.REJECTED:
        raise CaseStateError(APPROVAL_REFUSED)
    if award.status != AwardStatus.APPROVED:
        raise CaseStateError(NOT_APPROVED)
    _not_before(moment, award.decided_at, "approved")
    award.status = AwardStatus.OFFERED
    award.offered_at = moment
    award.save(update_fields=["status", "offered_at"])
    award.case = case_record_event(
        case=award.case,
        actor=actor,
        kind=EventKind.AWARD_OFFERED,
        data={
            "award_id": award.pk,
            "total": pounds(award.total_pence),
            "full_and_final": award.full_and_final,
        },
        occurred_at=moment,
    )
    return award


@transaction.atomic
def award_answer(
    *,
    award: Award,
    actor: Actor,
    accepted: bool,
    note: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Award:
    """Record the customer's acceptance or refusal, on the day they gave it.

    A refusal may open the pack's review route.
    """
    _require_role(actor, award.case, "award-offer")
    award, moment = _lock_award(award, expected_version, occurred_at)
    if award.status != AwardStatus.OFFERED:
        raise CaseStateError(NOT_OFFERED)
    _not_before(moment, award.offered_at, "offered")
    award.status = AwardStatus.ACCEPTED if accepted else AwardStatus.REFUSED
    award.answered_at = moment
    award.save(update_fields=["status", "answered_at"])
    pack = get_pack(award.case.policy_pack)
    opens = pack.compensation.refusal_opens_route if pack.compensation and not accepted else None
    award.case = case_record_event(
        case=award.case,
        actor=actor,
        kind=EventKind.AWARD_ACCEPTED if accepted else EventKind.AWARD_REFUSED,
        data={"award_id": award.pk, "text": note, "opens_route": opens},
        occurred_at=moment,
    )
    return award


@transaction.atomic
def award_pay(
    *,
    award: Award,
    actor: Actor,
    method: str,
    arrears_offset_pence: int = 0,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Award:
    """Pay an award once, by a method the pack allows, offsetting arrears only where it says so."""
    _require_role(actor, award.case, "award-pay")
    award, moment = _lock_award(award, expected_version, occurred_at)
    pack = get_pack(award.case.policy_pack)
    rules = pack.compensation
    if award.status == AwardStatus.PAID:
        on = (
            describe(timezone.localtime(award.paid_at).date())
            if award.paid_at
            else "an earlier date"
        )
        raise CaseStateError(ALREADY_PAID.format(on=on))
    if award.status == AwardStatus.REJECTED:
        raise CaseStateError(APPROVAL_REFUSED)
    if award.status == AwardStatus.PENDING_APPROVAL:
        raise CaseStateError("This award has not been approved, so it cannot be paid.")
    if award.status == AwardStatus.REFUSED:
        raise CaseStateError("The customer refused this offer: it cannot be paid.")
    if award.status == AwardStatus.APPROVED and not award.ordered_by_ombudsman:
        raise CaseStateError(
            f"{NOT_OFFERED} Offer it first: the customer hears of an award before it is paid."
        )
    # The Ombudsman's order binds the landlord: nobody's acceptance is waited for.
    waits = bool(rules and rules.payment_after_acceptance) and not award.ordered_by_ombudsman
    if waits and award.status != AwardStatus.ACCEPTED:
        source = f" ({rules.source})" if rules and rules.source else ""
        raise PolicyRuleError(
            f"{NOT_ACCEPTED[:-1]}{source}: record the customer's answer first.",
            rule="compensation.payment_after_acceptance",
            source=rules.source if rules else "",
        )
    allowed = list(rules.methods) if rules else [m.value for m in PaymentMethod]
    if method not in allowed:
        message = METHOD_NOT_ALLOWED.format(
            method=method.replace("_", " "), allowed=", ".join(m.replace("_", " ") for m in allowed)
        )
        raise PolicyRuleError(message, rule="compensation.methods", fields={"method": message})
    if arrears_offset_pence:
        if not (rules and rules.arrears_offset):
            raise PolicyRuleError(NO_ARREARS_OFFSET, rule="compensation.arrears_offset")
        if arrears_offset_pence < 0 or arrears_offset_pence > award.total_pence:
            raise CaseInputError(
                "The offset must be between zero and the award.",
                fields={"arrears_offset_pence": "Out of range."},
            )
    _not_before(moment, award.answered_at or award.offered_at or award.decided_at, "agreed")
    award.status = AwardStatus.PAID
    award.method = method
    award.arrears_offset_pence = arrears_offset_pence
    award.paid_pence = award.total_pence - arrears_offset_pence
    award.paid_at = moment
    award.save(update_fields=["status", "method", "arrears_offset_pence", "paid_pence", "paid_at"])
    award.case = case_record_event(
        case=award.case,
        actor=actor,
        kind=EventKind.AWARD_PAID,
        data={
            "award_id": award.pk,
            "method": method,
            "paid": pounds(award.paid_pence),
            "arrears_offset": pounds(arrears_offset_pence),
            "tell_customer_of_offset": bool(arrears_offset_pence),
            # Whether the customer had accepted, or the policy pays without waiting for it.
            "acceptance": "accepted" if award.answered_at else "not_needed",
        },
        occurred_at=moment,
    )
    return award
