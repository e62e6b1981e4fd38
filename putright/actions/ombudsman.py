"""The Ombudsman casework actions, declared once.

Each is addressed as in the API (``POST /api/v1{path}``) with its staff page at the same path
with a trailing slash, both taking the same input and calling the same service in
``putright/ombudsman/services.py``. Recording a contact is on the case
(``/cases/{reference}/ombudsman``: an enquiry, a request for evidence or a determination, by
``kind``); the rest are on the Ombudsman's records, each reached through its case (a record
on a case the person may not see is not found). ``perform_ombudsman`` checks the permission
(``ACTION_ROLES``; an order's owner may complete it and raise its due date whatever their
role, which the service decides) and runs it.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field

from putright.accounts.access import require_action
from putright.accounts.models import User
from putright.cases.errors import CaseInputError
from putright.cases.models import Case
from putright.cases.services import Actor
from putright.ombudsman import services
from putright.ombudsman.models import Contact, Determination, Order

from .catalogue import NestedAction, aware
from .inputs import In


class FindingPart(In):
    point: str = Field(..., min_length=1, max_length=2000)
    category: str = Field(..., min_length=1, max_length=100)
    finding: Literal[
        "no_maladministration",
        "service_failure",
        "maladministration",
        "severe_maladministration",
        "reasonable_redress",
        "outside_jurisdiction",
    ]


class OrderPart(In):
    kind: Literal["order", "recommendation"]
    text: str = Field(..., min_length=1, max_length=2000)
    owner: str = Field("", max_length=150, description="username; the recorder if blank")
    due_on: datetime.date | None = Field(None, description="The Ombudsman's date.")
    within_days: int | None = Field(
        None, ge=1, le=400, description="Or: within this many days of the determination."
    )
    counts: Literal["working", "calendar"] = "calendar"
    amount_pence: int | None = Field(
        None, ge=1, le=10_000_000, description="Money ordered: becomes an ordered award."
    )
    improvement: bool = Field(
        False, description="A change of policy or training: also an improvement action."
    )


class OmbudsmanIn(In):
    """An Ombudsman contact on a case: an enquiry, a request for evidence or a determination."""

    kind: Literal["enquiry", "evidence_request", "determination"]
    occurred_at: datetime.datetime | None = Field(
        None, description="When it arrived (never in the future); now if not given."
    )
    version: int | None = Field(None, description="The case's version you saw (409 if changed).")
    ombudsman_reference: str = Field("", max_length=60)
    asked: str = Field("", max_length=5000, description="An enquiry or request: what it asks.")
    due_on: datetime.date | None = Field(None, description="An enquiry or request: its due date.")
    determined_on: datetime.date | None = Field(None, description="A determination: its date.")
    appeal_by: datetime.date | None = Field(
        None, description="A determination: the date by which an appeal must reach it."
    )
    findings: list[FindingPart] = Field(default_factory=list, max_length=40)
    orders: list[OrderPart] = Field(default_factory=list, max_length=40)


class CustomerPart(In):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=500)
    postcode: str = Field("", max_length=12)


class EnquiryIn(In):
    """An enquiry about a complaint the landlord has not logged: it opens the complaint."""

    organisation: str = Field(..., min_length=1, max_length=50, description="slug")
    customer: CustomerPart | None = None
    customer_id: int | None = Field(None, ge=1)
    summary: str = Field(..., min_length=1, max_length=300)
    asked: str = Field(..., min_length=1, max_length=5000)
    received_at: datetime.datetime | None = Field(None, description="Now if not given.")
    due_on: datetime.date | None = None
    ombudsman_reference: str = Field("", max_length=60)


class TriageIn(In):
    decision: Literal["appeal", "no_appeal"]
    reasons: str = Field(..., min_length=1, max_length=5000)
    new_information: str = Field("", max_length=5000)
    occurred_at: datetime.datetime | None = None


class EvidenceIn(In):
    covering_letter: str = Field(..., min_length=1, max_length=10000)
    occurred_at: datetime.datetime | None = Field(None, description="When it was sent.")


class CompleteIn(In):
    evidence: str = Field(..., min_length=1, max_length=5000)
    completed_on: datetime.date | None = Field(None, description="Today if not given.")


class TellIn(In):
    told_on: datetime.date | None = Field(None, description="Today if not given.")


class RaiseIn(In):
    reason: str = Field(..., min_length=1, max_length=5000)


def _record(case: Case, actor: Actor, p: OmbudsmanIn, common: dict[str, Any]) -> Any:
    if p.kind == "determination":
        if p.determined_on is None:
            message = "Give the date of the determination."
            raise CaseInputError(message, fields={"determined_on": message})
        return services.determination_record(
            case=case,
            actor=actor,
            determined_on=p.determined_on,
            findings=[services.FindingIn(f.point, f.category, f.finding) for f in p.findings],
            orders=[
                services.OrderIn(
                    kind=o.kind,
                    text=o.text,
                    owner=o.owner,
                    due_on=o.due_on,
                    within_days=o.within_days,
                    counts=o.counts,
                    amount_pence=o.amount_pence,
                    improvement=o.improvement,
                )
                for o in p.orders
            ],
            appeal_by=p.appeal_by,
            ombudsman_reference=p.ombudsman_reference,
            **common,
        )
    return services.contact_record(
        case=case,
        actor=actor,
        kind=p.kind,
        asked=p.asked,
        due_on=p.due_on,
        ombudsman_reference=p.ombudsman_reference,
        **common,
    )


def _recorded(done: Any) -> str:
    if isinstance(done, Determination):
        orders = done.orders.count()
        return f"Determination recorded with {done.findings.count()} findings and {orders} orders."
    assert isinstance(done, Contact)
    due = f" Due by {done.due_on:%-d %B %Y}." if done.due_on else ""
    return f"{done.get_kind_display()} recorded.{due}"


OMBUDSMAN_ACTIONS: tuple[NestedAction, ...] = (
    NestedAction(
        "ombudsman-record",
        "Record an Ombudsman contact",
        "/cases/{reference}/ombudsman",
        OmbudsmanIn,
        lambda case, _, actor, p, c: _record(case, actor, p, c),
        _recorded,
        permission="ombudsman-record",
    ),
    NestedAction(
        "ombudsman-evidence",
        "Send the evidence",
        "/ombudsman/contacts/{contact_id}/evidence",
        EvidenceIn,
        lambda _, contact, actor, p, c: services.evidence_send(
            contact=contact,
            actor=actor,
            covering_letter=p.covering_letter,
            occurred_at=c["occurred_at"],
        ),
        lambda contact: "The evidence pack is recorded as sent to the Ombudsman.",
        permission="ombudsman-evidence",
        target="contact",
    ),
    NestedAction(
        "ombudsman-triage",
        "Triage the determination",
        "/ombudsman/determinations/{determination_id}/triage",
        TriageIn,
        lambda _, determination, actor, p, c: services.determination_triage(
            determination=determination,
            actor=actor,
            decision=p.decision,
            reasons=p.reasons,
            new_information=p.new_information,
            occurred_at=c["occurred_at"],
        ),
        lambda d: f"Triage recorded: {d.get_appeal_decision_display().lower()}.",
        permission="ombudsman-triage",
        target="determination",
    ),
    NestedAction(
        "ombudsman-order-complete",
        "Complete the order",
        "/ombudsman/orders/{order_id}/complete",
        CompleteIn,
        lambda _, order, actor, p, c: services.order_complete(
            order=order, actor=actor, evidence=p.evidence, completed_on=p.completed_on
        ),
        lambda order: f"Recorded as done on {order.completed_on:%-d %B %Y}.",
        permission="",  # the owner, or whoever has ombudsman-order-complete: the service
        target="order",
    ),
    NestedAction(
        "ombudsman-order-tell",
        "Record that the Ombudsman was told",
        "/ombudsman/orders/{order_id}/tell",
        TellIn,
        lambda _, order, actor, p, c: services.order_tell_ombudsman(
            order=order, actor=actor, told_on=p.told_on
        ),
        lambda order: f"Recorded: the Ombudsman was told on {order.ombudsman_told_on:%-d %B %Y}.",
        permission="ombudsman-order-tell",
        target="order",
    ),
    NestedAction(
        "ombudsman-order-raise",
        "Raise a due date that cannot be met",
        "/ombudsman/orders/{order_id}/raise",
        RaiseIn,
        lambda _, order, actor, p, c: services.order_raise_delay(
            order=order, actor=actor, reason=p.reason
        ),
        lambda order: "Raised with the complaints manager.",
        permission="",  # the owner, or whoever has ombudsman-order-raise: the service
        target="order",
    ),
)

OMBUDSMAN_BY_NAME: dict[str, NestedAction] = {a.name: a for a in OMBUDSMAN_ACTIONS}

#: Recording an enquiry with no case (``POST /ombudsman/enquiries``): organisation-level,
#: like receiving a case; its permission is ``ombudsman-enquiry``.
ENQUIRY_PATH = "/ombudsman/enquiries"


def case_of(target: Any) -> Case:
    """The case an Ombudsman record is on."""
    if isinstance(target, Order):
        return target.determination.case
    if isinstance(target, Determination | Contact):
        return target.case
    raise TypeError(target)


def perform_ombudsman(
    action: NestedAction, *, user: User, case: Case, target: Any, payload: In
) -> Any:
    """Take an Ombudsman action as ``user``: their role, then the service, decide."""
    if action.permission:
        require_action(user, case, action.permission)
    occurred_at = aware(getattr(payload, "occurred_at", None))
    common = {"expected_version": getattr(payload, "version", None), "occurred_at": occurred_at}
    return action.run(case, target, Actor(user), payload, common)
