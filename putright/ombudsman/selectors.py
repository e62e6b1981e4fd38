"""Reading the Ombudsman casework: the determinations log (overdue first), a case's contacts
and determinations, and an order with its history and clock. Visibility is applied inside:
a user reads the casework of the cases they may see, and no more."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from putright.accounts.models import User
from putright.cases.access import cases_visible_to
from putright.cases.models import Case
from putright.organisations.models import Organisation

from .models import Contact, ContactKind, Determination, Order, OrderStatus


def determinations_visible_to(user: User) -> QuerySet[Determination]:
    """The determinations on cases the user may see."""
    return Determination.objects.filter(case__in=cases_visible_to(user))


@dataclass
class LogRow:
    """One determination as the log shows it: its orders' states and whether any is overdue."""

    determination: Determination
    orders: list[Order]
    statuses: dict[int, str] = field(default_factory=dict)

    @property
    def overdue(self) -> int:
        return sum(1 for s in self.statuses.values() if s == OrderStatus.OVERDUE)

    @property
    def open(self) -> int:
        return sum(
            1 for s in self.statuses.values() if s in (OrderStatus.OPEN, OrderStatus.OVERDUE)
        )

    @property
    def earliest_due(self) -> datetime.date | None:
        due = [
            o.due_on
            for o in self.orders
            if self.statuses[o.pk] in (OrderStatus.OPEN, OrderStatus.OVERDUE)
        ]
        return min(due) if due else None


def determination_log(
    *,
    user: User,
    organisation: Organisation | None = None,
    today: datetime.date | None = None,
) -> list[LogRow]:
    """Every determination the user may see with its findings and orders: those with an
    overdue order first, then those with open orders by their earliest due date, then the
    rest, latest received first."""
    today = today or timezone.localdate()
    determinations = (
        determinations_visible_to(user)
        .select_related("case", "organisation", "triaged_by")
        .prefetch_related(
            "findings",
            Prefetch(
                "orders",
                queryset=Order.objects.select_related("owner", "award").order_by("number"),
            ),
        )
        .order_by("-received_on", "-pk")
    )
    if organisation is not None:
        determinations = determinations.filter(organisation=organisation)
    rows = []
    for determination in determinations:
        orders = list(determination.orders.all())
        rows.append(
            LogRow(
                determination=determination,
                orders=orders,
                statuses={o.pk: o.status(today) for o in orders},
            )
        )
    far = datetime.date.max

    def order_key(row: LogRow) -> tuple[int, datetime.date]:
        if row.overdue:
            return (0, row.earliest_due or far)
        if row.open:
            return (1, row.earliest_due or far)
        return (2, far)

    rows.sort(key=order_key)  # stable: the latest received first within each group
    return rows


@dataclass(frozen=True)
class CaseCasework:
    """A case's Ombudsman casework, for its page."""

    contacts: list[Contact]
    determinations: list[Determination]
    with_ombudsman: bool
    since: datetime.datetime | None
    overdue_evidence: list[Contact]

    @property
    def any(self) -> bool:
        return bool(self.contacts)


def case_casework(case: Case, *, today: datetime.date | None = None) -> CaseCasework:
    """The contacts and determinations on a case; it is with the Ombudsman from its first
    contact until a determination is received."""
    today = today or timezone.localdate()
    contacts = list(case.ombudsman_contacts.select_related("recorded_by").order_by("received_at"))
    determinations = list(
        case.ombudsman_determinations.prefetch_related("findings", "orders").order_by(
            "received_on", "pk"
        )
    )
    last_determination = max(
        (c.received_at for c in contacts if c.kind == ContactKind.DETERMINATION), default=None
    )
    after = [
        c
        for c in contacts
        if c.kind != ContactKind.DETERMINATION
        and (last_determination is None or c.received_at > last_determination)
    ]
    return CaseCasework(
        contacts=contacts,
        determinations=determinations,
        with_ombudsman=bool(after),
        since=after[0].received_at if after else None,
        overdue_evidence=[c for c in contacts if c.evidence_overdue(today)],
    )


def order_for(user: User, order_id: int) -> Order | None:
    """The order, if the user may see its case (None otherwise, whether or not it exists)."""
    return (
        Order.objects.select_related(
            "determination", "determination__case", "determination__contact", "owner", "award"
        )
        .filter(pk=order_id, determination__case__in=cases_visible_to(user))
        .first()
    )


def determination_for(user: User, determination_id: int) -> Determination | None:
    """The determination, if the user may see its case."""
    return (
        determinations_visible_to(user)
        .select_related("case", "contact", "triaged_by", "organisation")
        .filter(pk=determination_id)
        .first()
    )


def contact_for(user: User, contact_id: int) -> Contact | None:
    """The contact, if the user may see its case."""
    return (
        Contact.objects.select_related("case")
        .filter(pk=contact_id, case__in=cases_visible_to(user))
        .first()
    )


def order_answer(order: Order, today: datetime.date) -> dict[str, Any]:
    """An order as the API and the log show it."""
    return {
        "id": order.pk,
        "number": order.number,
        "kind": order.kind,
        "text": order.text,
        "owner": order.owner.username if order.owner else None,
        "due_on": order.due_on,
        "amount_pence": order.amount_pence,
        "award_id": order.award_id,
        "status": str(order.status(today)),
        "completed_on": order.completed_on,
        "evidence": order.evidence,
        "ombudsman_told_on": order.ombudsman_told_on,
        "delay_raised": order.delay_raised_at is not None,
        "improvement_action_id": order.improvement_action_id,
    }


def determination_answer(determination: Determination, today: datetime.date) -> dict[str, Any]:
    """A determination as the API shows it."""
    return {
        "id": determination.pk,
        "case": determination.case.reference,
        "organisation": determination.organisation.slug,
        "ombudsman_reference": determination.ombudsman_reference,
        "determined_on": determination.determined_on,
        "received_on": determination.received_on,
        "appeal_by": determination.appeal_by,
        "appeal_decision": determination.appeal_decision,
        "findings": [
            {
                "number": f.number,
                "point": f.point,
                "category": f.category,
                "finding": f.finding,
            }
            for f in determination.findings.all()
        ],
        "orders": [
            order_answer(o, today)
            for o in sorted(determination.orders.all(), key=lambda o: o.number)
        ],
    }
