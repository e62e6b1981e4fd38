"""The kinds of work a member of staff holds, each handed over through its own app's rules.

Registered in ``putright.accounts.handover`` (which cannot import these apps). Each move is
recorded on the record's own timeline: a case's chronology (an assignment, or a note for a
remedy action), or the timeline entry ``handed_over`` of a hazard, an Ombudsman order, an
improvement action or any other record with a clock; open clocks follow the new owner.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from putright.accounts.access import CASEWORKERS
from putright.accounts.actors import Actor
from putright.accounts.handover import Holding, HoldingKind, register
from putright.accounts.models import Role, User
from putright.accounts.services import AccountError
from putright.cases.errors import CaseError
from putright.cases.models import Case, EventKind, Status
from putright.cases.services import case_assign, case_record_event
from putright.hazards.models import Hazard
from putright.hazards.models import Status as HazardStatus
from putright.learning.models import ActionStatus, ImprovementAction
from putright.ombudsman.models import Order
from putright.remedies.access import awards_awaiting, may_decide_award
from putright.remedies.models import Award, RemedyAction
from putright.timeline import registry
from putright.timeline.models import Clock
from putright.timeline.services import record_event

HANDED_OVER = "handed_over"

#: Who may handle a case, own an action on it or a hazard or an order: a caseworker there.
CASE_OWNERS = frozenset(CASEWORKERS - {Role.API_CLIENT})
#: Who may investigate a case.
INVESTIGATORS = frozenset({Role.INVESTIGATING_OFFICER}) | (CASE_OWNERS - {Role.COMPLAINT_HANDLER})
#: Who may own an improvement action: anyone working for the organisation but the
#: resident panel, the board and API clients.
PLAN_OWNERS = frozenset(Role.values) - {Role.PANEL_MEMBER, Role.BOARD_MEMBER, Role.API_CLIENT}

OPEN_CASE = (Status.OPEN, Status.AWAITING_ESCALATION)


def _case_url(reference: str) -> str:
    from django.urls import reverse

    return reverse("staff:case", args=[reference])


def _assign(field: str) -> Any:
    def move(holding: Holding, to: User, actor: Actor) -> None:
        case = Case.objects.get(pk=holding.record_id)
        try:
            if field == "handler":
                case_assign(case=case, actor=actor, handler=to)
            else:
                case_assign(case=case, actor=actor, investigator=to)
        except CaseError as error:
            raise AccountError(f"{holding.label}: {error}", field=f"case-{field}") from None

    return move


def _cases(field: str, words: str) -> Any:
    def held(user: User) -> list[Holding]:
        cases = Case.objects.filter(**{field: user}, status__in=OPEN_CASE).order_by("reference")
        return [
            Holding(
                kind=f"case-{field}",
                record_id=case.pk,
                organisation_id=case.organisation_id,
                label=f"{case.reference} ({words})",
                url=_case_url(case.reference),
            )
            for case in cases
        ]

    return held


def _remedy_actions(user: User) -> list[Holding]:
    actions = (
        RemedyAction.objects.filter(owner=user, completed_on__isnull=True)
        .select_related("case")
        .order_by("due_on", "pk")
    )
    return [
        Holding(
            kind="remedy-action",
            record_id=action.pk,
            organisation_id=action.case.organisation_id,
            label=f"{action.case.reference}: {action.description[:60]} (due {action.due_on:%d %b %Y})",
            url=_case_url(action.case.reference),
        )
        for action in actions
    ]


def _move_remedy_action(holding: Holding, to: User, actor: Actor) -> None:
    action = (
        RemedyAction.objects.select_for_update().select_related("case").get(pk=holding.record_id)
    )
    before = action.owner
    action.owner = to
    action.save(update_fields=["owner"])
    case_record_event(
        case=action.case,
        actor=actor,
        kind=EventKind.NOTE,
        data={
            "text": f"Action handed from {before} to {to}: {action.description[:200]}",
            "handover": {"remedy_action": action.pk, "from": before.pk, "to": to.pk},
        },
    )


def _owned(model: type[Model], record_type: str, kind: str, **open_filter: Any) -> Any:
    def held(user: User) -> list[Holding]:
        found = model._default_manager.filter(owner=user, **open_filter).order_by("pk")
        label = registry.record_type(record_type).label
        url_of = registry.record_type(record_type).url_of
        holdings = []
        for record in found:
            organisation_id = getattr(record, "organisation_id", None)
            if organisation_id is None:
                organisation_id = _organisation_of(record)
            holdings.append(
                Holding(
                    kind=kind,
                    record_id=record.pk,
                    organisation_id=organisation_id,
                    label=f"{label} {record.pk}: {_describe(record)}",
                    url=url_of(record),
                )
            )
        return holdings

    return held


def _organisation_of(record: Any) -> int:
    for path in ("case", "determination"):
        related = getattr(record, path, None)
        if related is not None:
            return int(getattr(related, "organisation_id", None) or _organisation_of(related))
    raise ValueError(f"{record!r} belongs to no organisation")


def _describe(record: Any) -> str:
    text = str(getattr(record, "text", "") or getattr(record, "description", "") or record)
    return text[:60]


def _move_owned(model: type[Model], record_type: str) -> Any:
    def move(holding: Holding, to: User, actor: Actor) -> None:
        record: Any = model._default_manager.select_for_update().get(pk=holding.record_id)
        before = record.owner
        record.owner = to
        fields = ["owner"]
        if hasattr(record, "version"):
            record.version += 1
            fields.append("version")
        record.save(update_fields=fields)
        organisation = _organisation(holding)
        Clock.objects.filter(
            record_type=record_type, record_id=record.pk, completed_at__isnull=True
        ).update(owner=to)
        record_event(
            record_type=record_type,
            record_id=record.pk,
            organisation=organisation,
            kind=HANDED_OVER,
            actor=actor,
            data={"from": before.pk if before else None, "to": to.pk},
        )

    return move


def _organisation(holding: Holding) -> Any:
    from putright.organisations.models import Organisation

    return Organisation.objects.get(pk=holding.organisation_id)


#: Records whose ownership is moved with the record itself (their clocks follow).
_OWNED_TYPES = ("hazard", "ombudsman_order", "improvement_action")


def _clocks(user: User) -> list[Holding]:
    clocks = Clock.objects.filter(owner=user, completed_at__isnull=True).exclude(
        record_type__in=_OWNED_TYPES
    )
    return [
        Holding(
            kind="clock",
            record_id=clock.pk,
            organisation_id=clock.organisation_id,
            label=f"{clock.label} ({registry.record_type(clock.record_type).reference(clock.record_id)}, due {clock.due_on:%d %b %Y})"
            if clock.due_on
            else f"{clock.label} ({registry.record_type(clock.record_type).reference(clock.record_id)})",
        )
        for clock in clocks.order_by("due_at", "pk")
    ]


def _clock_receivable(holding: Holding, to: User) -> bool:
    clock = Clock.objects.get(pk=holding.record_id)
    return registry.may_see(to, clock.record_type, clock.record_id)


def _move_clock(holding: Holding, to: User, actor: Actor) -> None:
    clock = Clock.objects.select_for_update().get(pk=holding.record_id)
    before = clock.owner_id
    Clock.objects.filter(pk=clock.pk).update(owner=to)
    record_event(
        record_type=clock.record_type,
        record_id=clock.record_id,
        organisation=_organisation(holding),
        kind=HANDED_OVER,
        actor=actor,
        data={"clock": clock.step, "from": before, "to": to.pk},
    )


def _approvals(user: User) -> list[Holding]:
    return [
        Holding(
            kind="approval",
            record_id=award.pk,
            organisation_id=award.case.organisation_id,
            label=f"Compensation on {award.case.reference} waiting for approval",
        )
        for award in awards_awaiting(user)
    ]


def _approval_receivable(holding: Holding, to: User) -> bool:
    return may_decide_award(to, Award.objects.get(pk=holding.record_id))


def _no_move(holding: Holding, to: User, actor: Actor) -> None:
    """Awards are decided by role: nothing moves, the receiver must be able to decide."""


def register_all() -> None:
    """Make every kind of work known to ``putright.accounts.handover``."""
    register(
        HoldingKind(
            name="case-handler",
            label="Cases they handle",
            held_by=_cases("handler", "handler"),
            hand_over=_assign("handler"),
            needs=CASE_OWNERS,
        )
    )
    register(
        HoldingKind(
            name="case-investigator",
            label="Cases they investigate",
            held_by=_cases("investigator", "investigator"),
            hand_over=_assign("investigator"),
            needs=INVESTIGATORS,
        )
    )
    register(
        HoldingKind(
            name="remedy-action",
            label="Actions to put things right",
            held_by=_remedy_actions,
            hand_over=_move_remedy_action,
            needs=CASE_OWNERS,
        )
    )
    register(
        HoldingKind(
            name="hazard",
            label="Hazards they own",
            held_by=_owned(
                Hazard,
                "hazard",
                "hazard",
                status__in=[HazardStatus.SUSPECTED, HazardStatus.CONFIRMED, HazardStatus.MADE_SAFE],
            ),
            hand_over=_move_owned(Hazard, "hazard"),
            needs=CASE_OWNERS,
        )
    )
    register(
        HoldingKind(
            name="ombudsman-order",
            label="Ombudsman orders they own",
            held_by=_owned(
                Order,
                "ombudsman_order",
                "ombudsman-order",
                ombudsman_told_on__isnull=True,
            ),
            hand_over=_move_owned(Order, "ombudsman_order"),
            needs=CASE_OWNERS,
        )
    )
    register(
        HoldingKind(
            name="improvement-action",
            label="Improvement actions they own",
            held_by=_owned(
                ImprovementAction,
                "improvement_action",
                "improvement-action",
                status=ActionStatus.OPEN,
            ),
            hand_over=_move_owned(ImprovementAction, "improvement_action"),
            needs=PLAN_OWNERS,
        )
    )
    register(
        HoldingKind(
            name="clock",
            label="Other deadlines they owe",
            held_by=_clocks,
            hand_over=_move_clock,
            may_receive=_clock_receivable,
            needs_words="they cannot see the record the deadline is on",
        )
    )
    register(
        HoldingKind(
            name="approval",
            label="Approvals waiting for them",
            held_by=_approvals,
            hand_over=_no_move,
            may_receive=_approval_receivable,
            needs_words="they may not decide this award",
            moves=False,
        )
    )
