"""Recording a case: a complaint, a dissatisfaction, a compliment ... with its first deadlines."""

import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Status

from putright.accounts.access import (
    NotVisibleError,
    require_organisation_role,
    roles_in,
)
from putright.cases import errors as case_errors
from putright.cases.errors import CaseInputError
from putright.cases.models import Case
from putright.cases.services import (
    Actor,
    case_receive,
)
from putright.domain.errors import CalendarError
from putright.organisations.models import Organisation
from putright.people.models import Person, Tenure
from putright.people.services import person_create

from ..reference import user_of, valid_email
from ..schemas import (
    CaseIn,
    CaseOut,
    errors,
)
from ._router import router
from .answers import _after_action


def _customer(organisation: Any, payload: CaseIn, actor: Actor) -> Person | None:
    """The case's customer: one of the organisation's, or created by the people service."""
    if payload.customer_id is not None:
        person = Person.objects.filter(pk=payload.customer_id, organisation=organisation).first()
        if person is None:
            raise CaseInputError(
                "That customer is not a customer of this organisation.",
                fields={"customer_id": "Not found."},
            )
        return person
    if payload.customer is None:
        return None
    customer = payload.customer
    try:
        return person_create(
            organisation=organisation,
            name=customer.name,
            email=customer.email or "",
            phone=customer.phone or "",
            address=customer.address or "",
            postcode=customer.postcode or "",
            preferred_contact=customer.preferred_contact or "",
            tenure=customer.tenure or Tenure.UNKNOWN,
            accessibility_needs=customer.accessibility_needs or "",
            actor=actor,
        )
    except CaseInputError as error:  # named as the request names them: customer.email ...
        fields = {f"customer.{field}": message for field, message in error.fields.items()}
        raise CaseInputError(error.message, fields=fields) from None


def _received_at(moment: datetime.datetime) -> datetime.datetime:
    """When the contact arrived: a real time, not in the future."""
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        future = moment > timezone.now() + datetime.timedelta(minutes=1)
        timezone.localtime(moment)
    except (OverflowError, ValueError):
        message = "That time is outside the calendar."
        raise CaseInputError(message, fields={"received_at": message}) from None
    if future:
        raise CaseInputError(case_errors.FUTURE, fields={"received_at": case_errors.FUTURE})
    return moment


def _receive(**values: Any) -> Case:
    """``case_receive``, with a date outside the working calendar reported against received_at."""
    try:
        return case_receive(**values)
    except CalendarError as error:
        raise CaseInputError(str(error), fields={"received_at": str(error)}) from None


@router.post(
    "/cases", response={201: CaseOut, **errors(403, 404, 409, 422)}, operation_id="cases_create"
)
def cases_create(request: HttpRequest, payload: CaseIn) -> HttpResponse | Status[dict[str, Any]]:
    """Record a contact: a complaint, a dissatisfaction, a compliment... with its first deadlines."""
    user = user_of(request)
    # By its slug, then the user's roles there (already read with the token): half the
    # cost of asking the database for it among the user's organisations.
    try:
        organisation: Organisation | None = Organisation.objects.get(slug=payload.organisation)
    except Organisation.DoesNotExist:
        organisation = None
    if organisation is None or not roles_in(user, organisation.pk):
        raise NotVisibleError(f"You do not work for {payload.organisation}.")
    require_organisation_role(user, organisation, "receive")
    received_at = _received_at(payload.received_at)
    if payload.customer is not None:
        valid_email(payload.customer.email, "customer.email")  # before taking the write lock
    with transaction.atomic():
        case = _receive(
            organisation=organisation,
            kind=payload.kind,
            channel=payload.channel,
            received_at=received_at,
            summary=payload.summary,
            details=payload.details,
            desired_outcome=payload.desired_outcome,
            customer=_customer(organisation, payload, Actor(user)),
            service_area=payload.service_area,
            category=payload.category,
            matter_occurred_on=payload.matter_occurred_on,
            flags=payload.flags,
            actor=Actor(user),
        )
    return _after_action(request, user, case.reference, status=201)
