"""The Ombudsman casework (``putright/actions/ombudsman.py``) and the determinations log.

``POST /cases/{reference}/ombudsman`` records an enquiry, a request for evidence or a
determination on a case; ``POST /ombudsman/enquiries`` an enquiry about a complaint not yet
logged, which opens it. The records are reached through their case: one on a case the caller
may not see is not found (404), whether or not it exists; the role rules answer 403.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from putright.accounts.access import (
    NotVisibleError,
    record_access,
    require_organisation_role,
    roles_in,
)
from putright.actions.catalogue import aware
from putright.actions.inputs import In
from putright.actions.ombudsman import (
    OMBUDSMAN_BY_NAME,
    CompleteIn,
    EnquiryIn,
    EvidenceIn,
    OmbudsmanIn,
    RaiseIn,
    TellIn,
    TriageIn,
    case_of,
    perform_ombudsman,
)
from putright.cases.access import access_case
from putright.cases.errors import CaseInputError
from putright.cases.services import Actor
from putright.ombudsman import services
from putright.ombudsman.models import Determination
from putright.ombudsman.selectors import (
    contact_for,
    determination_answer,
    determination_for,
    determination_log,
    order_for,
)
from putright.organisations.models import Organisation
from putright.people.models import Person
from putright.people.services import person_create

from .reference import user_of
from .schemas import errors

router = Router(tags=["ombudsman"])

NO_RECORD = "There is no {what} {record_id} that you can see."


class DeterminationFindingOut(Schema):
    number: int
    point: str
    category: str
    finding: str


class OrderOut(Schema):
    id: int
    number: int
    kind: str
    text: str
    owner: str | None = None
    due_on: datetime.date
    amount_pence: int | None = None
    award_id: int | None = None
    status: str = Field(..., description="open, overdue, completed or told")
    completed_on: datetime.date | None = None
    evidence: str = ""
    ombudsman_told_on: datetime.date | None = None
    delay_raised: bool = False
    improvement_action_id: int | None = Field(
        None, description="The improvement action on the learning plan it became, if any."
    )


class DeterminationOut(Schema):
    id: int
    case: str
    organisation: str
    ombudsman_reference: str
    determined_on: datetime.date
    received_on: datetime.date
    appeal_by: datetime.date | None = None
    appeal_decision: str = ""
    findings: list[DeterminationFindingOut]
    orders: list[OrderOut]


class DeterminationsOut(Schema):
    results: list[DeterminationOut]


class RecordedOut(Schema):
    id: int
    case: str
    message: str


class LogFilter(In):
    organisation: str | None = Field(None, max_length=50, description="slug")


OK = {201: RecordedOut, **errors(403, 404, 409, 422)}


def _take(request: HttpRequest, name: str, target: Any, payload: Any) -> Any:
    user = user_of(request)
    action = OMBUDSMAN_BY_NAME[name]
    case = access_case(user, case_of(target).reference)
    done = perform_ombudsman(action, user=user, case=case, target=target, payload=payload)
    return Status(201, {"id": done.pk, "case": case.reference, "message": action.done(done)})


@router.post("/cases/{reference}/ombudsman", response=OK, operation_id="ombudsman_record")
def record(request: HttpRequest, reference: str, payload: OmbudsmanIn) -> Any:
    """Record what the Ombudsman sent about the case: an ``enquiry`` or ``evidence_request``
    (``asked``, ``due_on``), or a ``determination`` (``determined_on``, ``findings`` each with
    ``point``, ``category`` and ``finding``, ``orders`` each with ``kind``, ``text``, ``owner``,
    ``due_on`` or ``within_days``, ``amount_pence``; ``appeal_by``). Those the policy names are
    told; a money order becomes an award ordered by the Ombudsman."""
    user = user_of(request)
    case = access_case(user, reference)
    action = OMBUDSMAN_BY_NAME["ombudsman-record"]
    done = perform_ombudsman(action, user=user, case=case, target=None, payload=payload)
    return Status(201, {"id": done.pk, "case": case.reference, "message": action.done(done)})


def _customer(organisation: Organisation, payload: EnquiryIn, actor: Actor) -> Person | None:
    if payload.customer_id is not None:
        person = Person.objects.filter(pk=payload.customer_id, organisation=organisation).first()
        if person is None:
            message = "That customer is not a customer of this organisation."
            raise CaseInputError(message, fields={"customer_id": message})
        return person
    if payload.customer is None:
        return None
    given = payload.customer
    try:
        return person_create(
            organisation=organisation,
            name=given.name,
            email=given.email,
            phone=given.phone,
            address=given.address,
            postcode=given.postcode,
            actor=actor,
        )
    except CaseInputError as error:
        fields = {f"customer.{field}": message for field, message in error.fields.items()}
        raise CaseInputError(error.message, fields=fields) from None


@router.post(
    "/ombudsman/enquiries",
    response={201: RecordedOut, **errors(403, 404, 409, 422)},
    operation_id="ombudsman_enquiry",
)
def enquiry(request: HttpRequest, payload: EnquiryIn) -> Any:
    """An enquiry about a complaint the landlord has not logged (``organisation``, ``customer``
    or ``customer_id``, ``summary``, ``asked``, ``due_on``): it opens the complaint, with the
    Ombudsman as its source, and records the enquiry on it."""
    from django.db import transaction

    user = user_of(request)
    organisation = Organisation.objects.filter(slug=payload.organisation).first()
    if organisation is None or not roles_in(user, organisation.pk):
        raise NotVisibleError(f"You do not work for {payload.organisation}.")
    require_organisation_role(user, organisation, "ombudsman-enquiry")
    received_at = aware(payload.received_at, "received_at") or timezone.now()
    if received_at > timezone.now() + datetime.timedelta(minutes=1):
        message = "That time is in the future. Give when it actually arrived."
        raise CaseInputError(message, fields={"received_at": message})
    actor = Actor(user)
    with transaction.atomic():
        contact = services.enquiry_open(
            organisation=organisation,
            actor=actor,
            customer=_customer(organisation, payload, actor),
            summary=payload.summary,
            asked=payload.asked,
            received_at=received_at,
            due_on=payload.due_on,
            ombudsman_reference=payload.ombudsman_reference,
        )
    return Status(
        201,
        {
            "id": contact.pk,
            "case": contact.case.reference,
            "message": f"Complaint {contact.case.reference} opened from the Ombudsman's enquiry.",
        },
    )


@router.get(
    "/ombudsman/determinations",
    response={200: DeterminationsOut, **errors(404)},
    operation_id="ombudsman_determinations",
)
def determinations(request: HttpRequest, filters: Query[LogFilter]) -> Any:
    """The determinations log: every determination on a case you may see, with its findings
    and its orders (``status`` open, overdue, completed or told), those with an overdue order
    first."""
    user = user_of(request)
    organisation = None
    if filters.organisation:
        organisation = Organisation.objects.filter(slug=filters.organisation).first()
        if organisation is None or not roles_in(user, organisation.pk):
            raise NotVisibleError(f"You do not work for {filters.organisation}.")
    today = timezone.localdate()
    rows = determination_log(user=user, organisation=organisation, today=today)
    for reference in sorted(
        {r.determination.case.reference for r in rows if r.determination.case.conduct}
    ):
        record_access(user, "read restricted case", reference)
    return {"results": [determination_answer(row.determination, today) for row in rows]}


class OmbudsmanReportQuery(In):
    organisation: str = Field(..., min_length=1, max_length=50, description="slug")
    start: datetime.date = Field(description="First day of the period.")
    end: datetime.date = Field(description="Last day of the period (included).")


@router.get(
    "/ombudsman/report",
    response={200: dict[str, Any], **errors(403, 404)},
    operation_id="ombudsman_report",
)
def report(request: HttpRequest, query: Query[OmbudsmanReportQuery]) -> Any:
    """The Ombudsman report for the period (as ``putright report ombudsman --format json``):
    contacts, cases with the Ombudsman now, determinations and findings, orders done by their
    due date, overdue and told, and the sector's findings beside the landlord's. For report
    readers; the overdue orders' cases are named only to those who may see cases."""
    from putright.accounts.access import CASE_READERS
    from putright.ombudsman.reports import ombudsman_report
    from putright.reports.access import report_organisation

    user = user_of(request)
    organisation = report_organisation(user, query.organisation)
    if query.end < query.start:
        message = "The end is before the start."
        raise CaseInputError(message, fields={"end": message})
    answer = ombudsman_report(
        organisation=organisation, start=query.start, end=query.end, today=timezone.localdate()
    ).as_dict()
    if not roles_in(user, organisation.pk) & CASE_READERS:
        answer["overdue"] = len(answer["overdue"])
    return answer


def _determination(request: HttpRequest, determination_id: int) -> Determination:
    found = determination_for(user_of(request), determination_id)
    if found is None:
        raise NotVisibleError(NO_RECORD.format(what="determination", record_id=determination_id))
    return found


@router.get(
    "/ombudsman/determinations/{determination_id}",
    response={200: DeterminationOut, **errors(404)},
    operation_id="ombudsman_determination",
)
def determination(request: HttpRequest, determination_id: int) -> Any:
    """One determination with its findings and orders."""
    found = _determination(request, determination_id)
    if found.case.conduct:
        record_access(user_of(request), "read restricted case", found.case.reference)
    return determination_answer(found, timezone.localdate())


@router.post(
    "/ombudsman/determinations/{determination_id}/triage",
    response=OK,
    operation_id="ombudsman_triage",
)
def triage(request: HttpRequest, determination_id: int, payload: TriageIn) -> Any:
    """Decide whether to appeal (``decision`` appeal or no_appeal, ``reasons``, and to appeal
    the ``new_information``) before the date the Ombudsman gave."""
    return _take(request, "ombudsman-triage", _determination(request, determination_id), payload)


@router.post(
    "/ombudsman/contacts/{contact_id}/evidence", response=OK, operation_id="ombudsman_evidence"
)
def evidence(request: HttpRequest, contact_id: int, payload: EvidenceIn) -> Any:
    """Record the evidence pack (the case bundle, its index and the ``covering_letter``) as
    sent in answer to the Ombudsman's request."""
    contact = contact_for(user_of(request), contact_id)
    if contact is None:
        raise NotVisibleError(NO_RECORD.format(what="Ombudsman contact", record_id=contact_id))
    return _take(request, "ombudsman-evidence", contact, payload)


def _order(request: HttpRequest, order_id: int) -> Any:
    found = order_for(user_of(request), order_id)
    if found is None:
        raise NotVisibleError(NO_RECORD.format(what="order", record_id=order_id))
    return found


@router.post(
    "/ombudsman/orders/{order_id}/complete", response=OK, operation_id="ombudsman_order_complete"
)
def complete(request: HttpRequest, order_id: int, payload: CompleteIn) -> Any:
    """The order is done, with its ``evidence`` (a money order once its award is paid)."""
    return _take(request, "ombudsman-order-complete", _order(request, order_id), payload)


@router.post("/ombudsman/orders/{order_id}/tell", response=OK, operation_id="ombudsman_order_tell")
def tell(request: HttpRequest, order_id: int, payload: TellIn) -> Any:
    """Record the day the Ombudsman was told that the order was done."""
    return _take(request, "ombudsman-order-tell", _order(request, order_id), payload)


@router.post(
    "/ombudsman/orders/{order_id}/raise", response=OK, operation_id="ombudsman_order_raise"
)
def raise_delay(request: HttpRequest, order_id: int, payload: RaiseIn) -> Any:
    """The due date cannot be met: raised with the complaints manager, with the ``reason``."""
    return _take(request, "ombudsman-order-raise", _order(request, order_id), payload)


__all__ = ["router"]
