"""Every change to the landlord's casework with the Ombudsman: one transaction each.

A contact (an enquiry, a request for evidence, a determination) is recorded against a case,
or opens the complaint the Ombudsman asks for when there is none (Southern 4.10.1-4.10.3).
Each contact is an event in the case's chronology, and so is telling the people the pack
names (``[ombudsman_casework]``: who every contact goes through, who hears of each contact and
of each determination). A determination's orders are records with their own history and a
clock to their due date, owed by their owner (My work lists it; the clock sweep chases it);
an order for money becomes an award marked as ordered by the Ombudsman. Who may do what is
checked here, whichever interface calls.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from putright.accounts.access import can_see_case, require_action, roles_in
from putright.accounts.actors import Actor
from putright.accounts.models import Role, User
from putright.accounts.selectors import SYSTEM_ROLES, people_for_role
from putright.cases.errors import CaseInputError, CaseStateError, NotPermittedError
from putright.cases.models import Case, Channel, EventKind
from putright.cases.selectors import case_pack, local_date
from putright.cases.services import case_receive, case_record_event, lock_for_change
from putright.domain.calendar import describe
from putright.domain.policy import OmbudsmanCasework, Pack
from putright.organisations.models import Organisation
from putright.people.models import Person
from putright.timeline.models import Clock
from putright.timeline.services import clock_start, clock_stop, record_event

from .models import (
    AppealDecision,
    Contact,
    ContactKind,
    Determination,
    DeterminationFinding,
    Finding,
    Order,
    OrderKind,
)

logger = logging.getLogger(__name__)

RECORD_TYPE = "ombudsman_order"
CONTACT_RECORD_TYPE = "ombudsman_contact"
DETERMINATION_RECORD_TYPE = "ombudsman_determination"
#: The clock step of an order's due date.
DUE_STEP = "due"

# -- messages (tests assert them exactly) -------------------------------------------------
NOT_A_CONTACT_KIND = "Choose what the Ombudsman sent: an enquiry or a request for evidence."
ASKED = "Say what the Ombudsman asked."
DUE_BEFORE_RECEIPT = "The Ombudsman's due date cannot be before the day its contact arrived."
NO_FINDINGS = "Give the determination's findings, one for each complaint point."
NO_POINT = "Say which complaint point this finding is about."
NO_CATEGORY = "Give the point's category (damp and mould, repairs, complaint handling ...)."
BAD_FINDING = "Choose the Ombudsman's finding: {choices}."
DETERMINED_AFTER_RECEIPT = "The determination cannot be dated after the day it was received."
APPEAL_BY_BEFORE = "The date for an appeal cannot be before the determination."
NO_ORDER_TEXT = "Say what the Ombudsman ordered or recommended."
BAD_ORDER_KIND = "Choose order or recommendation."
ORDER_DUE = "Give the order's due date, or the days it allows and how they count."
ORDER_DUE_BOTH = "Give either the due date or the days it allows, not both."
ORDER_DUE_EARLY = "The due date must be after the day the determination was received."
BAD_COUNTS = "Days count as working days or calendar days."
NO_OWNER = "There is no member of staff {username!r} who can see this case to own the order."
AMOUNT_ON_RECOMMENDATION = "Only an order can require money; a recommendation cannot."
ALREADY_TRIAGED = "This determination was already triaged on {on}."
BAD_DECISION = "Choose whether to appeal or accept the determination."
NO_REASONS = "Give the reasons for the decision."
NO_NEW_INFORMATION = "Say what new information or discrepancy the appeal puts to the Ombudsman."
APPEAL_TOO_LATE = "An appeal had to reach the Ombudsman by {on}; that date has passed."
NOT_TRIAGER = "Only the {title} triages a determination ({holders})."
NO_EVIDENCE = "Describe the evidence that the order was done."
ALREADY_COMPLETED = "This order was already completed on {on}."
NOT_COMPLETED = "Record the order as done, with its evidence, before telling the Ombudsman."
ALREADY_TOLD = "The Ombudsman was already told on {on}."
AWARD_NOT_PAID = "The order is for {amount}: record its payment before completing it."
DATE_IN_FUTURE = "That date is in the future. Give the day it actually happened."
DATE_BEFORE = "That is before {what} ({on})."
NO_DELAY_REASON = "Say why the due date cannot be met and what date can be."
NOT_OWNER = "Only the order's owner or a caseworker may {what}."
NOT_EVIDENCE_REQUEST = "Only a request for evidence is answered with the evidence pack."
EVIDENCE_ALREADY_SENT = "The evidence was already sent on {on}."
NO_COVERING_LETTER = "Write the covering letter that goes with the evidence."
NO_SUMMARY = "Say in a few words what the complaint is about."


@dataclass(frozen=True)
class FindingIn:
    """One complaint point of a determination, with the Ombudsman's finding."""

    point: str
    category: str
    finding: str


@dataclass(frozen=True)
class OrderIn:
    """One order or recommendation: by a date, or within days of the determination."""

    kind: str
    text: str
    owner: str = ""  # username; the person recording it if blank
    due_on: datetime.date | None = None
    within_days: int | None = None
    counts: str = "calendar"  # how within_days count: "working" or "calendar"
    amount_pence: int | None = None
    improvement: bool = False  # a change of policy or training: also on the learning plan


# -- shared steps ----------------------------------------------------------------------


def _user(actor: Actor) -> User | None:
    return actor.user


def _require(actor: Actor, case: Case, action: str) -> None:
    if actor.user is not None:
        require_action(actor.user, case, action)


def _day(value: datetime.date, field: str, *, not_before: datetime.date | None, what: str) -> None:
    if value > timezone.localdate():
        raise CaseInputError(DATE_IN_FUTURE, fields={field: DATE_IN_FUTURE})
    if not_before is not None and value < not_before:
        message = DATE_BEFORE.format(what=what, on=describe(not_before))
        raise CaseInputError(message, fields={field: message})


def _holders(organisation: Organisation, pack: Pack, role_id: str) -> list[User]:
    try:
        return people_for_role(organisation=organisation, pack=pack, role_id=role_id)
    except ValueError:
        return []


def _holdable(pack: Pack, role_id: str) -> bool:
    role = next((r for r in pack.roles if r.id == role_id), None)
    return role is not None and bool(role.team or role.acts_as or role.id in SYSTEM_ROLES)


def told_record(case: Case, pack: Pack, role_ids: Iterable[str]) -> dict[str, Any]:
    """Who the pack says to tell, as recorded in the event: each role with the people holding
    it (by id), and the roles nobody in PutRight holds (to be told outside it)."""
    told: list[dict[str, Any]] = []
    nobody: list[str] = []
    for role_id in dict.fromkeys(role_ids):
        holders = [u for u in _holders(case.organisation, pack, role_id) if u.email]
        title = pack.role_title(role_id)
        if holders:
            told.append({"role": role_id, "title": title, "user_ids": [u.pk for u in holders]})
        else:
            nobody.append(title)
    return {"told": told, "nobody_holds": nobody}


def told_words(record: dict[str, Any]) -> str:
    """The told record in a sentence for the chronology."""
    parts = []
    if record["told"]:
        parts.append("Told: " + ", ".join(item["title"] for item in record["told"]) + ".")
    if record["nobody_holds"]:
        parts.append(
            "Nobody in PutRight holds "
            + ", ".join(record["nobody_holds"])
            + ": tell them outside PutRight."
        )
    return " ".join(parts)


def _tell_on_commit(case: Case, what: str, record: dict[str, Any]) -> None:
    user_ids = sorted({pk for item in record["told"] for pk in item["user_ids"]})
    if not user_ids:
        return

    def enqueue() -> None:
        from .tasks import tell_of_contact

        tell_of_contact.enqueue(case.pk, what, user_ids)

    transaction.on_commit(enqueue, robust=True)


def _tell(case: Case, pack: Pack, kind: str) -> dict[str, Any]:
    """Those the pack names for this kind of contact: who it goes through, who hears of it."""
    rules = pack.ombudsman_casework or OmbudsmanCasework()
    roles: list[str] = []
    if rules.contacts_through:
        roles.append(rules.contacts_through)
    roles += list(rules.tell_on_contact)
    if kind == ContactKind.DETERMINATION:
        roles += list(rules.tell_on_determination)
    return told_record(case, pack, roles)


def _case_note(
    case: Case, actor: Actor, text: str, data: dict[str, Any], moment: datetime.datetime
) -> Case:
    """The fact in the case's chronology (a note carrying what the Ombudsman casework did)."""
    return case_record_event(
        case=case,
        actor=actor,
        kind=EventKind.NOTE,
        data={"text": text, **data},
        occurred_at=moment,
    )


# -- contacts --------------------------------------------------------------------------


def _contact(
    *,
    case: Case,
    actor: Actor,
    kind: str,
    asked: str,
    due_on: datetime.date | None,
    ombudsman_reference: str,
    moment: datetime.datetime,
) -> tuple[Contact, dict[str, Any]]:
    pack = case_pack(case)
    contact = Contact.objects.create(
        organisation=case.organisation,
        case=case,
        kind=kind,
        ombudsman_reference=ombudsman_reference.strip(),
        received_at=moment,
        asked=asked.strip(),
        due_on=due_on,
        recorded_by=_user(actor),
        recorded_at=timezone.now(),
    )
    told = _tell(case, pack, kind)
    return contact, told


@transaction.atomic
def contact_record(
    *,
    case: Case,
    actor: Actor,
    kind: str,
    asked: str,
    due_on: datetime.date | None = None,
    ombudsman_reference: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Contact:
    """Record an enquiry or a request for evidence from the Ombudsman against a case; a case
    closed after its last stage is now with the Ombudsman. Those the pack names are told."""
    _require(actor, case, "ombudsman-record")
    if kind not in (ContactKind.ENQUIRY, ContactKind.EVIDENCE_REQUEST):
        raise CaseInputError(NOT_A_CONTACT_KIND, fields={"kind": NOT_A_CONTACT_KIND})
    if not asked.strip():
        raise CaseInputError(ASKED, fields={"asked": ASKED})
    case, moment = lock_for_change(case, expected_version=expected_version, occurred_at=occurred_at)
    if due_on is not None and due_on < local_date(moment):
        raise CaseInputError(DUE_BEFORE_RECEIPT, fields={"due_on": DUE_BEFORE_RECEIPT})
    contact, told = _contact(
        case=case,
        actor=actor,
        kind=kind,
        asked=asked,
        due_on=due_on,
        ombudsman_reference=ombudsman_reference,
        moment=moment,
    )
    due = f" Due by {describe(due_on)}." if due_on else ""
    text = (
        f"Ombudsman {contact.get_kind_display().lower()}: {contact.asked.rstrip('.')}.{due} "
        + told_words(told)
    )
    _case_note(
        case,
        actor,
        text.strip(),
        {
            "ombudsman": kind,
            "ombudsman_contact_id": contact.pk,
            "new_due": due_on.isoformat() if due_on else None,
            **told,
        },
        moment,
    )
    if kind == ContactKind.EVIDENCE_REQUEST and due_on is not None:
        days = _days_to(case.organisation, local_date(moment), due_on)
        if days >= 1:
            clock_start(
                record_type=CONTACT_RECORD_TYPE,
                record_id=contact.pk,
                organisation=case.organisation,
                step=DUE_STEP,
                label="Send the Ombudsman the evidence it asked for",
                unit="calendar_days",
                amount=days,
                started_at=moment,
                owner=case.handler if case.handler_id else actor.user,
                source="the Ombudsman's request",
                counted_from=f"the request, to the Ombudsman's date {describe(due_on)}",
                actor=actor,
            )
    _tell_on_commit(case, kind, told)
    return contact


@transaction.atomic
def enquiry_open(
    *,
    organisation: Organisation,
    actor: Actor,
    customer: Person | None,
    summary: str,
    asked: str,
    received_at: datetime.datetime,
    due_on: datetime.date | None = None,
    ombudsman_reference: str = "",
) -> Contact:
    """The Ombudsman asks about a complaint the landlord has not logged (4.10.3): the complaint
    is opened with the Ombudsman as its source, and the enquiry recorded on it."""
    if not summary.strip():
        raise CaseInputError(NO_SUMMARY, fields={"summary": NO_SUMMARY})
    if not asked.strip():
        raise CaseInputError(ASKED, fields={"asked": ASKED})
    case = case_receive(
        organisation=organisation,
        kind="complaint",
        channel=Channel.OMBUDSMAN,
        received_at=received_at,
        summary=summary.strip(),
        details=asked.strip(),
        customer=customer,
        actor=actor,
    )
    return contact_record(
        case=case,
        actor=actor,
        kind=ContactKind.ENQUIRY,
        asked=asked,
        due_on=due_on,
        ombudsman_reference=ombudsman_reference,
        occurred_at=received_at,
    )


def evidence_index(case: Case) -> list[dict[str, Any]]:
    """What the evidence pack (the case bundle) holds, section by section."""
    from putright.letters.models import Correspondence

    return [
        {"section": "Chronology of events", "count": case.events.count()},
        {
            "section": "Letters and e-mails",
            "count": Correspondence.objects.filter(case=case).count(),
        },
        {"section": "Files", "count": case.attachments.count()},
        {"section": "Remedies", "count": case.remedies.count()},
        {"section": "Compensation awards", "count": case.awards.count()},
    ]


@transaction.atomic
def evidence_send(
    *,
    contact: Contact,
    actor: Actor,
    covering_letter: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Contact:
    """Send the Ombudsman the evidence it asked for: the case bundle with its index and a
    covering letter, recorded once, on time or late against the Ombudsman's date."""
    _require(actor, contact.case, "ombudsman-evidence")
    if contact.kind != ContactKind.EVIDENCE_REQUEST:
        raise CaseStateError(NOT_EVIDENCE_REQUEST)
    if not covering_letter.strip():
        raise CaseInputError(NO_COVERING_LETTER, fields={"covering_letter": NO_COVERING_LETTER})
    case, moment = lock_for_change(
        contact.case, expected_version=expected_version, occurred_at=occurred_at
    )
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.evidence_sent_at is not None:
        on = describe(local_date(contact.evidence_sent_at))
        raise CaseStateError(EVIDENCE_ALREADY_SENT.format(on=on))
    if moment < contact.received_at:
        message = DATE_BEFORE.format(
            what="the request arrived", on=describe(local_date(contact.received_at))
        )
        raise CaseInputError(message, fields={"occurred_at": message})
    if Clock.objects.filter(
        record_type=CONTACT_RECORD_TYPE, record_id=contact.pk, completed_at__isnull=True
    ).exists():
        clock_stop(
            record_type=CONTACT_RECORD_TYPE,
            record_id=contact.pk,
            organisation=case.organisation,
            step=DUE_STEP,
            actor=actor,
            completed_at=moment,
        )
    contact.evidence_index = evidence_index(case)
    contact.covering_letter = covering_letter.strip()
    contact.evidence_sent_at = moment
    contact.save(update_fields=["evidence_index", "covering_letter", "evidence_sent_at"])
    late = contact.due_on is not None and local_date(moment) > contact.due_on
    sections = "; ".join(f"{item['section']} ({item['count']})" for item in contact.evidence_index)
    _case_note(
        case,
        actor,
        f"Evidence sent to the Ombudsman{' late' if late else ''}: {sections}. "
        f"Covering letter: {contact.covering_letter}",
        {"ombudsman": "evidence_sent", "ombudsman_contact_id": contact.pk, "late": late},
        moment,
    )
    contact.case = case
    return contact


# -- determinations --------------------------------------------------------------------


def _findings(findings: Sequence[FindingIn]) -> list[DeterminationFinding]:
    if not findings:
        raise CaseInputError(NO_FINDINGS, fields={"findings": NO_FINDINGS})
    made = []
    for index, item in enumerate(findings):
        where = f"findings[{index}]"
        if not item.point.strip():
            raise CaseInputError(NO_POINT, fields={f"{where}.point": NO_POINT})
        if not item.category.strip():
            raise CaseInputError(NO_CATEGORY, fields={f"{where}.category": NO_CATEGORY})
        if item.finding not in Finding.values:
            message = BAD_FINDING.format(choices=", ".join(Finding.values))
            raise CaseInputError(message, fields={f"{where}.finding": message})
        made.append(
            DeterminationFinding(
                number=index + 1,
                point=item.point.strip(),
                category=item.category.strip(),
                finding=item.finding,
            )
        )
    return made


def _owner(case: Case, username: str, actor: Actor, field: str) -> User | None:
    if not username.strip():
        return actor.user
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None or not can_see_case(user, case):
        message = NO_OWNER.format(username=username.strip())
        raise CaseInputError(message, fields={field: message})
    return user


def _check_orders(orders: Sequence[OrderIn]) -> None:
    for index, item in enumerate(orders):
        where = f"orders[{index}]"
        if item.kind not in OrderKind.values:
            raise CaseInputError(BAD_ORDER_KIND, fields={f"{where}.kind": BAD_ORDER_KIND})
        if not item.text.strip():
            raise CaseInputError(NO_ORDER_TEXT, fields={f"{where}.text": NO_ORDER_TEXT})
        if item.due_on is None and item.within_days is None:
            raise CaseInputError(ORDER_DUE, fields={f"{where}.due_on": ORDER_DUE})
        if item.due_on is not None and item.within_days is not None:
            raise CaseInputError(ORDER_DUE_BOTH, fields={f"{where}.due_on": ORDER_DUE_BOTH})
        if item.within_days is not None and item.counts not in ("working", "calendar"):
            raise CaseInputError(BAD_COUNTS, fields={f"{where}.counts": BAD_COUNTS})
        if item.amount_pence and item.kind != OrderKind.ORDER:
            raise CaseInputError(
                AMOUNT_ON_RECOMMENDATION, fields={f"{where}.amount_pence": AMOUNT_ON_RECOMMENDATION}
            )


def _days_to(organisation: Organisation, since: datetime.date, due_on: datetime.date) -> int:
    """Calendar days from ``since`` to the Ombudsman's date, or to the working day before it
    when it is not a working day (the date binds; a calendar-day clock would move it later)."""
    from putright.organisations.services import organisation_calendar

    calendar = organisation_calendar(organisation)
    last = due_on
    while not calendar.is_working_day(last) and last > since:
        last -= datetime.timedelta(days=1)
    return (last - since).days


def _noon(day: datetime.date) -> datetime.datetime:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    return min(moment, timezone.now())


def _start_order_clock(
    order: Order, item: OrderIn, determination: Determination, actor: Actor, where: str
) -> Clock:
    """The order's clock: to the Ombudsman's date, or N days from the determination's date."""
    if item.within_days is not None:
        unit = "working_days" if item.counts == "working" else "calendar_days"
        amount = item.within_days
        started = _noon(determination.determined_on)
        counted_from = f"the determination of {describe(determination.determined_on)}"
    else:
        assert item.due_on is not None
        amount = _days_to(order.organisation, determination.received_on, item.due_on)
        if amount < 1:
            raise CaseInputError(ORDER_DUE_EARLY, fields={f"{where}.due_on": ORDER_DUE_EARLY})
        unit = "calendar_days"
        started = determination.contact.received_at
        counted_from = (
            f"receipt of the determination, to the Ombudsman's date {describe(item.due_on)}"
        )
    label = f"{order.get_kind_display()} {order.number}: {order.text[:120]}"
    return clock_start(
        record_type=RECORD_TYPE,
        record_id=order.pk,
        organisation=order.organisation,
        step=DUE_STEP,
        label=label,
        unit=unit,
        amount=amount,
        started_at=started,
        owner=order.owner,
        source="the Ombudsman's determination",
        counted_from=counted_from,
        actor=actor,
    )


@transaction.atomic
def determination_record(
    *,
    case: Case,
    actor: Actor,
    determined_on: datetime.date,
    findings: Sequence[FindingIn],
    orders: Sequence[OrderIn] = (),
    appeal_by: datetime.date | None = None,
    ombudsman_reference: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Determination:
    """Record the Ombudsman's determination: each point's finding and category, its orders and
    recommendations with owners and due dates (each a record with a clock), money orders as
    ordered awards; those the pack names are told."""
    _require(actor, case, "ombudsman-record")
    made_findings = _findings(findings)
    _check_orders(orders)
    case, moment = lock_for_change(case, expected_version=expected_version, occurred_at=occurred_at)
    received_on = local_date(moment)
    if determined_on > received_on:
        raise CaseInputError(
            DETERMINED_AFTER_RECEIPT, fields={"determined_on": DETERMINED_AFTER_RECEIPT}
        )
    if appeal_by is not None and appeal_by < determined_on:
        raise CaseInputError(APPEAL_BY_BEFORE, fields={"appeal_by": APPEAL_BY_BEFORE})
    owners = [
        _owner(case, item.owner, actor, f"orders[{index}].owner")
        for index, item in enumerate(orders)
    ]
    contact, told = _contact(
        case=case,
        actor=actor,
        kind=ContactKind.DETERMINATION,
        asked="",
        due_on=None,
        ombudsman_reference=ombudsman_reference,
        moment=moment,
    )
    determination = Determination.objects.create(
        organisation=case.organisation,
        case=case,
        contact=contact,
        ombudsman_reference=contact.ombudsman_reference,
        determined_on=determined_on,
        received_on=received_on,
        appeal_by=appeal_by,
        recorded_by=_user(actor),
        recorded_at=timezone.now(),
    )
    for finding in made_findings:
        finding.determination = determination
    DeterminationFinding.objects.bulk_create(made_findings)
    made_orders: list[Order] = []
    for index, (item, owner) in enumerate(zip(orders, owners, strict=True)):
        order = Order.objects.create(
            organisation=case.organisation,
            determination=determination,
            number=index + 1,
            kind=item.kind,
            text=item.text.strip(),
            owner=owner,
            due_on=item.due_on or determined_on,  # set from its clock below
            amount_pence=item.amount_pence or None,
        )
        record_event(
            record_type=RECORD_TYPE,
            record_id=order.pk,
            organisation=order.organisation,
            kind="recorded",
            actor=actor,
            occurred_at=moment,
            data={"owner_id": owner.pk if owner else None, "text": order.text},
        )
        clock = _start_order_clock(order, item, determination, actor, f"orders[{index}]")
        order.due_on = item.due_on or clock.due_on  # the Ombudsman's date, or counted
        order.save(update_fields=["due_on"])
        made_orders.append(order)
    findings_words = "; ".join(f"{f.point}: {f.get_finding_display()}" for f in made_findings)
    orders_words = "; ".join(
        f"{o.get_kind_display()} {o.number} due {describe(o.due_on)}" for o in made_orders
    )
    text = f"Ombudsman determination of {describe(determined_on)}. Findings: {findings_words}."
    if orders_words:
        text += f" {orders_words}."
    if appeal_by:
        text += f" Any appeal must reach the Ombudsman by {describe(appeal_by)}."
    text += " " + told_words(told)
    case = _case_note(
        case,
        actor,
        text.strip(),
        {
            "ombudsman": ContactKind.DETERMINATION.value,
            "ombudsman_determination_id": determination.pk,
            **told,
        },
        moment,
    )
    from putright.remedies.services import award_order

    for order in made_orders:
        if order.amount_pence:
            award = award_order(
                case=case,
                actor=actor,
                amount_pence=order.amount_pence,
                reasoning=f"{order.get_kind_display()} {order.number}: {order.text}",
                occurred_at=moment,
            )
            order.award = award
            order.save(update_fields=["award"])
    if appeal_by is not None:
        _start_triage_clock(case, determination, actor, moment)
    for order, item in zip(made_orders, orders, strict=True):
        if item.improvement:
            order.improvement_action = _improvement(case, order, determination, actor)
            order.save(update_fields=["improvement_action"])
    _tell_on_commit(case, ContactKind.DETERMINATION, told)
    determination.case = case
    return determination


def _improvement(case: Case, order: Order, determination: Determination, actor: Actor) -> Any:
    """An order to change a policy or train staff, on the learning plan as an improvement
    action from the Ombudsman, owned by the order's owner and due when it is."""
    from putright.learning.models import Source
    from putright.learning.services import improvement_raise

    reference = determination.ombudsman_reference or "no reference"
    return improvement_raise(
        organisation=case.organisation,
        actor=actor,
        source=Source.OMBUDSMAN,
        text=order.text,
        owner=order.owner.username if order.owner else "",
        due_on=order.due_on,
        service_area=case.service_area,
        source_reference=f"{case.reference}: Ombudsman {reference}, "
        f"{order.get_kind_display().lower()} {order.number}"[:100],
    )


def triager_for(case: Case, actor: Actor) -> User | None:
    """Who triages a determination on the case: a holder of the pack's ``triage_by`` who can
    see it, else one of the organisation's complaints managers, else whoever recorded it."""
    pack = case_pack(case)
    rules = pack.ombudsman_casework
    candidates: list[User] = []
    if rules is not None and rules.triage_by:
        candidates += _holders(case.organisation, pack, rules.triage_by)
    candidates += list(
        User.objects.filter(
            is_active=True,
            memberships__organisation=case.organisation,
            memberships__role=Role.COMPLAINTS_MANAGER,
        ).order_by("pk")
    )
    for user in candidates:
        if can_see_case(user, case):
            return user
    return actor.user


def _start_triage_clock(
    case: Case, determination: Determination, actor: Actor, moment: datetime.datetime
) -> None:
    assert determination.appeal_by is not None
    days = _days_to(case.organisation, determination.received_on, determination.appeal_by)
    if days < 1:
        return  # the date is today or passed: nothing left to count
    clock_start(
        record_type=DETERMINATION_RECORD_TYPE,
        record_id=determination.pk,
        organisation=case.organisation,
        step=DUE_STEP,
        label="Decide whether to appeal the Ombudsman's determination",
        unit="calendar_days",
        amount=days,
        started_at=moment,
        owner=triager_for(case, actor),
        source="the Ombudsman's determination",
        counted_from=f"receipt, to the date an appeal must reach the Ombudsman, "
        f"{describe(determination.appeal_by)}",
        actor=actor,
    )


def _triager_check(actor: Actor, determination: Determination, pack: Pack) -> None:
    rules = pack.ombudsman_casework
    if actor.user is None or rules is None or not rules.triage_by:
        return
    if not _holdable(pack, rules.triage_by):
        return  # nobody can hold the role in PutRight: the managers triage
    holders = _holders(determination.organisation, pack, rules.triage_by)
    if actor.user.pk not in {h.pk for h in holders}:
        raise NotPermittedError(
            NOT_TRIAGER.format(
                title=pack.role_title(rules.triage_by),
                holders=", ".join(str(h) for h in holders) or "nobody holds it",
            ),
            rule="ombudsman_casework.triage_by",
            source=rules.source,
        )


@transaction.atomic
def determination_triage(
    *,
    determination: Determination,
    actor: Actor,
    decision: str,
    reasons: str,
    new_information: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Determination:
    """Decide whether to appeal the determination, with reasons (and, to appeal, the new
    information), by the date the Ombudsman gave; only the role the pack names triages."""
    _require(actor, determination.case, "ombudsman-triage")
    pack = case_pack(determination.case)
    _triager_check(actor, determination, pack)
    if decision not in AppealDecision.values:
        raise CaseInputError(BAD_DECISION, fields={"decision": BAD_DECISION})
    if not reasons.strip():
        raise CaseInputError(NO_REASONS, fields={"reasons": NO_REASONS})
    if decision == AppealDecision.APPEAL and not new_information.strip():
        raise CaseInputError(NO_NEW_INFORMATION, fields={"new_information": NO_NEW_INFORMATION})
    case, moment = lock_for_change(
        determination.case, expected_version=expected_version, occurred_at=occurred_at
    )
    determination = Determination.objects.select_for_update().get(pk=determination.pk)
    if determination.triaged_at is not None:
        on = describe(local_date(determination.triaged_at))
        raise CaseStateError(ALREADY_TRIAGED.format(on=on))
    today = local_date(moment)
    if (
        decision == AppealDecision.APPEAL
        and determination.appeal_by is not None
        and today > determination.appeal_by
    ):
        message = APPEAL_TOO_LATE.format(on=describe(determination.appeal_by))
        raise CaseStateError(message)
    if Clock.objects.filter(
        record_type=DETERMINATION_RECORD_TYPE,
        record_id=determination.pk,
        completed_at__isnull=True,
    ).exists():
        clock_stop(
            record_type=DETERMINATION_RECORD_TYPE,
            record_id=determination.pk,
            organisation=case.organisation,
            step=DUE_STEP,
            actor=actor,
            completed_at=moment,
        )
    determination.appeal_decision = decision
    determination.appeal_reasons = reasons.strip()
    determination.new_information = new_information.strip()
    determination.triaged_by = actor.user
    determination.triaged_at = moment
    determination.save(
        update_fields=[
            "appeal_decision",
            "appeal_reasons",
            "new_information",
            "triaged_by",
            "triaged_at",
        ]
    )
    words = dict(AppealDecision.choices)[decision]
    _case_note(
        case,
        actor,
        f"Ombudsman determination triaged: {words}. {determination.appeal_reasons}",
        {"ombudsman": "triaged", "ombudsman_determination_id": determination.pk},
        moment,
    )
    determination.case = case
    return determination


# -- orders ----------------------------------------------------------------------------


def _require_owner_or(actor: Actor, order: Order, action: str, what: str) -> None:
    """The order's owner may act on it whatever their role; others need the action's role."""
    user = actor.user
    if user is None or order.owner_id == user.pk:
        return
    case = order.determination.case
    from putright.accounts.access import ACTION_ROLES, AccessDeniedError

    if not roles_in(user, case.organisation_id) & ACTION_ROLES[action]:
        raise AccessDeniedError(NOT_OWNER.format(what=what))


def _lock_order(order: Order, occurred_at: datetime.datetime | None) -> tuple[Order, Case, Any]:
    case, moment = lock_for_change(
        order.determination.case, expected_version=None, occurred_at=occurred_at
    )
    locked = Order.objects.select_for_update().select_related("determination").get(pk=order.pk)
    return locked, case, moment


@transaction.atomic
def order_complete(
    *,
    order: Order,
    actor: Actor,
    evidence: str,
    completed_on: datetime.date | None = None,
) -> Order:
    """The order is done, with the evidence it was; an order for money once its award is paid.
    Its clock stops, on time or late."""
    _require_owner_or(actor, order, "ombudsman-order-complete", "complete it")
    if not evidence.strip():
        raise CaseInputError(NO_EVIDENCE, fields={"evidence": NO_EVIDENCE})
    order, case, moment = _lock_order(order, None)
    if order.completed_on is not None:
        raise CaseStateError(ALREADY_COMPLETED.format(on=describe(order.completed_on)))
    day = completed_on or local_date(moment)
    _day(
        day,
        "completed_on",
        not_before=order.determination.received_on,
        what="the determination was received",
    )
    if order.award_id is not None:
        from putright.remedies.models import AwardStatus

        assert order.award is not None
        if order.award.status != AwardStatus.PAID:
            message = AWARD_NOT_PAID.format(amount=f"£{order.award.total_pence / 100:,.2f}")
            raise CaseStateError(message)
    order.completed_on = day
    order.evidence = evidence.strip()
    order.save(update_fields=["completed_on", "evidence"])
    stopped_at = min(
        timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))), timezone.now()
    )
    if Clock.objects.filter(
        record_type=RECORD_TYPE, record_id=order.pk, step=DUE_STEP, completed_at__isnull=True
    ).exists():
        clock_stop(
            record_type=RECORD_TYPE,
            record_id=order.pk,
            organisation=order.organisation,
            step=DUE_STEP,
            actor=actor,
            completed_at=max(stopped_at, order.determination.contact.received_at),
        )
    late = day > order.due_on
    record_event(
        record_type=RECORD_TYPE,
        record_id=order.pk,
        organisation=order.organisation,
        kind="completed",
        actor=actor,
        data={"completed_on": day.isoformat(), "late": late, "evidence": order.evidence},
    )
    _case_note(
        case,
        actor,
        f"Ombudsman {order.get_kind_display().lower()} {order.number} done on {describe(day)}"
        f"{' (late)' if late else ''}: {order.evidence}",
        {"ombudsman": "order_completed", "ombudsman_order_id": order.pk},
        moment,
    )
    return order


@transaction.atomic
def order_tell_ombudsman(
    *, order: Order, actor: Actor, told_on: datetime.date | None = None
) -> Order:
    """Record the day the Ombudsman was told the order was done (4.10.7), once."""
    _require(actor, order.determination.case, "ombudsman-order-tell")
    order, case, moment = _lock_order(order, None)
    if order.completed_on is None:
        raise CaseStateError(NOT_COMPLETED)
    if order.ombudsman_told_on is not None:
        raise CaseStateError(ALREADY_TOLD.format(on=describe(order.ombudsman_told_on)))
    day = told_on or local_date(moment)
    _day(day, "told_on", not_before=order.completed_on, what="the order was done")
    order.ombudsman_told_on = day
    order.save(update_fields=["ombudsman_told_on"])
    record_event(
        record_type=RECORD_TYPE,
        record_id=order.pk,
        organisation=order.organisation,
        kind="ombudsman_told",
        actor=actor,
        data={"told_on": day.isoformat()},
    )
    _case_note(
        case,
        actor,
        f"The Ombudsman was told on {describe(day)} that "
        f"{order.get_kind_display().lower()} {order.number} was done.",
        {"ombudsman": "order_told", "ombudsman_order_id": order.pk},
        moment,
    )
    return order


def delay_receivers(order: Order) -> tuple[list[User], str]:
    """Whom a due date that cannot be met is raised with: the role the pack names, else the
    organisation's complaints managers (the policy says nobody)."""
    case = order.determination.case
    pack = case_pack(case)
    rules = pack.ombudsman_casework
    if rules is not None and rules.delays_raised_with:
        holders = _holders(case.organisation, pack, rules.delays_raised_with)
        if holders:
            return holders, pack.role_title(rules.delays_raised_with)
    users = list(
        User.objects.filter(
            is_active=True,
            memberships__organisation=case.organisation,
            memberships__role=Role.COMPLAINTS_MANAGER,
        ).distinct()
    )
    return users, "complaints manager"


@transaction.atomic
def order_raise_delay(*, order: Order, actor: Actor, reason: str) -> Order:
    """The owner cannot meet the due date: raised with the complaints manager (4.10.7) by
    e-mail, and recorded in the order's history and the case's chronology."""
    _require_owner_or(actor, order, "ombudsman-order-raise", "raise its due date")
    if not reason.strip():
        raise CaseInputError(NO_DELAY_REASON, fields={"reason": NO_DELAY_REASON})
    order, case, moment = _lock_order(order, None)
    if order.completed_on is not None:
        raise CaseStateError(ALREADY_COMPLETED.format(on=describe(order.completed_on)))
    receivers, title = delay_receivers(order)
    order.delay_raised_at = moment
    order.delay_reason = reason.strip()
    order.save(update_fields=["delay_raised_at", "delay_reason"])
    record_event(
        record_type=RECORD_TYPE,
        record_id=order.pk,
        organisation=order.organisation,
        kind="delay_raised",
        actor=actor,
        data={"reason": order.delay_reason, "raised_with": [u.pk for u in receivers]},
    )
    _case_note(
        case,
        actor,
        f"The due date of Ombudsman {order.get_kind_display().lower()} {order.number} "
        f"({describe(order.due_on)}) cannot be met; raised with the {title}: {order.delay_reason}",
        {"ombudsman": "order_delay", "ombudsman_order_id": order.pk},
        moment,
    )
    user_ids = [u.pk for u in receivers if u.email]
    if user_ids:

        def enqueue() -> None:
            from .tasks import tell_of_delay

            tell_of_delay.enqueue(order.pk, user_ids)

        transaction.on_commit(enqueue, robust=True)
    return order


# -- reminders before the due date ------------------------------------------------------

#: How many working days before its due date an order's owner is reminded of it (the clock
#: sweep chases it once the date has passed).
REMIND_WORKING_DAYS = 5


def orders_remind(*, today: datetime.date | None = None) -> int:
    """Remind each owner once of an open order falling due within the next working days;
    returns how many were reminded. Each in a transaction of its own."""
    from putright.domain.deadlines import count_days
    from putright.domain.policy import Counting
    from putright.organisations.services import organisation_calendar

    today = today or timezone.localdate()
    candidates = Order.objects.filter(
        completed_on__isnull=True,
        reminded_on__isnull=True,
        owner__isnull=False,
        due_on__gte=today,
        due_on__lte=today + datetime.timedelta(days=REMIND_WORKING_DAYS * 3),
    ).select_related("organisation")
    reminded = 0
    for order in candidates:
        calendar = organisation_calendar(order.organisation)
        horizon, _counted, _skipped = count_days(
            calendar, today, REMIND_WORKING_DAYS, Counting.WORKING
        )
        if order.due_on <= horizon:
            try:
                reminded += _remind(order.pk, today)
            except Exception:
                logger.exception("reminding the owner of Ombudsman order %s failed", order.pk)
    return reminded


@transaction.atomic(durable=True)
def _remind(order_id: int, today: datetime.date) -> int:
    order = Order.objects.select_for_update().select_related("organisation").get(pk=order_id)
    if order.reminded_on is not None or order.completed_on is not None or order.owner_id is None:
        return 0
    order.reminded_on = today
    order.save(update_fields=["reminded_on"])
    record_event(
        record_type=RECORD_TYPE,
        record_id=order.pk,
        organisation=order.organisation,
        kind="reminded",
        actor=Actor.system("Ombudsman order reminders"),
        data={"due_on": order.due_on.isoformat(), "owner_id": order.owner_id},
    )

    def enqueue() -> None:
        from .tasks import tell_owner_due_soon

        tell_owner_due_soon.enqueue(order.pk)

    transaction.on_commit(enqueue, robust=True)
    return 1


__all__ = [
    "RECORD_TYPE",
    "FindingIn",
    "OrderIn",
    "contact_record",
    "determination_record",
    "determination_triage",
    "enquiry_open",
    "evidence_send",
    "order_complete",
    "order_raise_delay",
    "order_tell_ombudsman",
    "orders_remind",
]
