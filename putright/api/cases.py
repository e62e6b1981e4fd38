"""Cases: list, record, read, and every action of the lifecycle."""

import base64
import binascii
import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import field_validator

from putright.accounts.access import (
    NOT_FOUND,
    NotVisibleError,
    can_see_case,
    can_see_personal_data,
    record_access,
    require_organisation_role,
    roles_in,
)
from putright.accounts.models import User
from putright.actions.cases import BY_NAME, CASE_ACTIONS
from putright.actions.catalogue import CaseAction, perform
from putright.cases import errors as case_errors
from putright.cases.access import access_case
from putright.cases.errors import CaseInputError
from putright.cases.models import Case, CaseLink, Event
from putright.cases.queries import (
    FLAG_FIELDS,
    SEARCH_LENGTH,
    CaseFilters,
    DueWindow,
    Flag,
    case_list,
)
from putright.cases.selectors import case_deadlines, case_events
from putright.cases.services import (
    FLAGS,
    Actor,
    case_receive,
)
from putright.domain.errors import CalendarError
from putright.organisations.models import Organisation
from putright.people.models import Person, Tenure
from putright.people.services import person_create
from putright.policies.presenters import deadline_dict

from . import case_reads
from .reference import person_out, user_of, valid_email
from .rendering import JSON_CONTENT_TYPE, to_json
from .schemas import (
    AttachIn,
    CaseIn,
    CaseOut,
    CasePage,
    In,
    SplitIn,
    SplitOut,
    Text,
    errors,
    plain_model,
)

router = Router(tags=["cases"])


def _name(user: User | None) -> str | None:
    return str(user) if user else None


def case_summary(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "organisation": case.organisation.slug,
        "kind": case.kind,
        "channel": case.channel,
        "stage": case.stage,
        "route": case.route,
        "status": case.status,
        "received_at": case.received_at,
        "summary": case.summary,
        "service_area": case.service_area,
        "category": case.category,
        "handler": _name(case.handler),
        "next_due_on": case.next_due_on,
        "next_due_step": case.next_due_step,
        "conduct": case.conduct,
        "version": case.version,
    }


def case_detail(
    case: Case,
    user: User,
    *,
    events: list[Event] | None = None,
    issues: list[dict[str, Any]] | None = None,
    links: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The case with its deadlines, explanations and chronology (events read once).

    The API passes ``events``, ``issues`` and ``links`` as its one query read them
    (``case_reads``); without them they are read through the ORM, as the tests read a case
    afresh to compare.
    """
    if events is None:
        events = list(case_events(case).select_related("actor"))
    personal = can_see_personal_data(user, case)
    if issues is None:
        issues = [
            {
                "number": i.number,
                "description": i.description,
                "stage": i.stage,
                "outcome": i.outcome,
                "reasons": i.reasons,
            }
            for i in case.issues.all()
        ]
    if links is None:
        links = _links(case)
        hidden = _hidden_links(user, {link["reference"] for link in links})
        links = [link for link in links if link["reference"] not in hidden]
    customer = case.customer
    if customer is not None and customer.organisation_id == case.organisation_id:
        customer.organisation = case.organisation  # the same row: no query for its slug
    return {
        **case_summary(case),
        "deemed_received_on": case.deemed_received_on,
        "details": case.details,
        "desired_outcome": case.desired_outcome,
        "policy": case.policy_pack,
        "eligibility": case.eligibility,
        "eligibility_reason": case.eligibility_reason,
        "closure_reason": case.closure_reason,
        "closed_at": case.closed_at,
        "investigator": _name(case.investigator),
        "investigating_team": case.investigating_team,
        "flags": sorted(f for f in FLAGS if getattr(case, f)),
        "customer": person_out(customer, redacted=not personal) if customer else None,
        "deadlines": [deadline_dict(d) for d in case_deadlines(case, events=events)],
        "events": [
            {
                "sequence": e.sequence,
                "kind": e.kind,
                "stage": e.stage,
                "occurred_at": e.occurred_at,
                "recorded_at": e.recorded_at,
                "actor": _name(e.actor) or e.actor_label or None,
                "data": e.data if personal else _without_personal_data(e.data),
            }
            for e in events
        ],
        "issues": issues,
        "links": links,
    }


def _links(case: Case) -> list[dict[str, Any]]:
    """The case's links both ways, in one query: those it makes first, then those made to it."""
    rows = (
        CaseLink.objects.filter(Q(from_case=case) | Q(to_case=case))
        .order_by("pk")
        .values_list("kind", "from_case_id", "from_case__reference", "to_case__reference")
    )
    out, into = [], []
    for kind, from_id, from_reference, to_reference in rows:
        if from_id == case.pk:
            out.append({"kind": kind, "reference": to_reference, "direction": "to"})
        else:
            into.append({"kind": kind, "reference": from_reference, "direction": "from"})
    return out + into


def _hidden_links(user: User, references: set[str]) -> frozenset[str]:
    """Of the cases linked to one the user reads, those they may not see: a link never
    shows a case, not even its reference, that is otherwise hidden from them."""
    if not references:
        return frozenset()
    linked = Case.objects.filter(reference__in=sorted(references)).only(
        "id", "reference", "organisation_id", "conduct", "handler_id", "investigator_id"
    )
    return frozenset(other.reference for other in linked if not can_see_case(user, other))


#: What events keep that only those with a need to know may read: what was said in a
#: contact and which way, and the customer's rent arrears set against compensation.
PERSONAL_EVENT_DATA = frozenset(
    {"summary", "direction", "arrears_offset", "tell_customer_of_offset"}
)


def _without_personal_data(data: dict[str, Any]) -> dict[str, Any]:
    """Event data for someone without a need to know contact details."""
    return {k: v for k, v in (data or {}).items() if k not in PERSONAL_EVENT_DATA}


# -- list and record ---------------------------------------------------------------------


class CaseFilter(In):
    """The list's query parameters: the staff queue's filters (``case_list``), in the API's
    names (``q`` for the queue's text)."""

    organisation: str | None = None
    kind: str | None = None
    stage: str | None = None
    status: str | None = None
    handler: str | None = None
    service_area: str | None = None
    flags: list[Flag] = Field(
        default_factory=list,
        description="Cases with every flag given (repeat the parameter: flags=a&flags=b).",
    )
    due: DueWindow | None = Field(
        None,
        description="Overdue; due today; due from today to 7 days ahead (week) or 14 (fortnight).",
    )
    due_before: datetime.date | None = None
    overdue: bool | None = None
    q: str | None = Field(
        None,
        max_length=SEARCH_LENGTH,
        description=(
            "A reference, the customer's name, words of the summary, or the customer's postcode "
            "(with or without its space) where you may see contact details."
        ),
    )
    cursor: str | None = None
    limit: int = 50

    @field_validator("flags", mode="before")
    @classmethod
    def _known_flags(cls, value: object) -> object:
        """Named against ``flags``, not against one item of it."""
        if any(flag not in FLAG_FIELDS for flag in (value if isinstance(value, list) else [value])):
            raise ValueError(f"Each flag is one of {', '.join(FLAG_FIELDS)}.")
        return value

    def filters(self) -> CaseFilters:
        return CaseFilters(
            organisation=self.organisation or "",
            kind=self.kind or "",
            stage=self.stage or "",
            status=self.status or "",
            handler=self.handler or "",
            service_area=self.service_area or "",
            flags=tuple(self.flags),
            due=self.due or "",
            due_before=self.due_before,
            overdue=self.overdue,
            text=self.q or "",
        )


def _encode_cursor(case: Case) -> str:
    raw = f"{case.received_at.isoformat()}|{case.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        moment, _, pk = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        when = datetime.datetime.fromisoformat(moment)
        if timezone.is_naive(when):
            raise ValueError(cursor)
        # The database compares times in UTC: a time that has none (year 1 or 9999 at the
        # far side of the date line) is no cursor this API gave out.
        return when.astimezone(datetime.UTC), int(pk)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise CaseInputError(
            "The cursor is not one this API gave out.", fields={"cursor": "Invalid."}
        ) from None


@router.get("/cases", response={200: CasePage, **errors()}, operation_id="cases_list")
def cases_list(request: HttpRequest, filters: Query[CaseFilter]) -> dict[str, Any]:
    """Cases you may see, newest first, with a cursor for the next page: the staff queue's
    filters, the same cases for the same filters."""
    if not 1 <= filters.limit <= 200:
        raise CaseInputError("limit must be between 1 and 200.", fields={"limit": "1 to 200."})
    cases = case_list(user=user_of(request), filters=filters.filters())
    if filters.cursor:
        moment, pk = _decode_cursor(filters.cursor)
        cases = cases.filter(Q(received_at__lt=moment) | Q(received_at=moment, pk__lt=pk))
    page = list(
        cases.select_related("organisation", "handler").order_by("-received_at", "-pk")[
            : filters.limit + 1
        ]
    )
    more = len(page) > filters.limit
    page = page[: filters.limit]
    return {
        "results": [case_summary(c) for c in page],
        "next_cursor": _encode_cursor(page[-1]) if more and page else None,
    }


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


@router.get(
    "/cases/{reference}",
    response={200: CaseOut, 304: None, **errors(404)},
    operation_id="cases_get",
)
def cases_get(request: HttpRequest, reference: Text) -> HttpResponse:
    """One case with its deadlines (each explained) and its chronology.

    The answer has an ETag: send it back in If-None-Match to get 304 while the case, its
    deadlines (which move with the date) and what you may see of it are unchanged.
    """
    user = user_of(request)
    read = case_reads.read_case(reference)
    # As access_case decides and records, on the case as this one query read it.
    if read is None or not can_see_case(user, read.case):
        raise NotVisibleError(NOT_FOUND.format(reference=reference))
    if read.case.conduct:
        record_access(user, "read restricted case", read.case.reference)
    answer = _answer(request, user, read)
    etag = f'"{case_reads.entity_tag(answer)}"'
    if etag in _etags(request.headers.get("If-None-Match", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(answer, content_type=JSON_CONTENT_TYPE)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def _detail(user: User, read: case_reads.CaseRead) -> dict[str, Any]:
    """The case as read, as ``user`` is shown it: the one way the API answers with a case."""
    contents = read.contents()
    hidden = _hidden_links(user, read.linked_references())
    return case_detail(
        contents.case,
        user,
        events=contents.events,
        issues=contents.issues,
        links=[link for link in contents.links if link["reference"] not in hidden],
    )


def _answer(request: HttpRequest, user: User, read: case_reads.CaseRead) -> bytes:
    """The rendered answer for the case as read."""
    return _render(request, CaseOut, _detail(user, read))


def _after_action(
    request: HttpRequest, user: User, reference: str, *, status: int = 200
) -> HttpResponse:
    """The case after the user's own action, in one query.

    Not checked again: recording a conduct case, or handing a restricted case on to
    someone else, takes it out of the user's sight, but they are still told what they did.
    """
    answer = _answer(request, user, _as_it_stands(reference))
    return HttpResponse(answer, status=status, content_type=JSON_CONTENT_TYPE)


def _render(request: HttpRequest, schema: type[Schema], data: dict[str, Any]) -> bytes:
    """The answer exactly as Django Ninja would render ``data`` for ``schema``: validated
    against the same fields (``plain_model``, faster on dicts) and written by the API's
    renderer's serializer in one step."""
    return to_json(plain_model(schema).model_validate(data))


def _etags(header: str) -> set[str]:
    """The entity tags of an If-None-Match header (weak ones compare as strong for GET)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


# -- actions -----------------------------------------------------------------------------


def _as_it_stands(reference: str) -> case_reads.CaseRead:
    """The case after the user's own action, which was allowed when they took it."""
    read = case_reads.read_case(reference)
    assert read is not None  # cases are never deleted
    return read


def _register(action: CaseAction) -> None:
    """``POST /cases/{reference}/{name}``: see the case, take the action, answer with the case."""
    schema = action.schema

    def endpoint(
        request: HttpRequest,
        reference: Text,
        payload: schema,  # type: ignore[valid-type]
    ) -> HttpResponse | Status[dict[str, Any]]:
        user = user_of(request)
        case = access_case(user, reference)
        perform(action, user=user, case=case, payload=payload)
        return _after_action(request, user, case.reference)

    endpoint.__name__ = f"case_{action.name.replace('-', '_')}"
    endpoint.__doc__ = action.summary
    router.post(
        f"/cases/{{reference}}/{action.name}",
        response={200: CaseOut, **errors(403, 404, 409, 422)},
        operation_id=endpoint.__name__,
        summary=action.summary,
    )(endpoint)


for _action in CASE_ACTIONS:
    if _action.generic_api:
        _register(_action)


@router.post(
    "/cases/{reference}/split",
    response={200: SplitOut, **errors(403, 404, 409, 422)},
    operation_id="case_split",
    summary="Split a contact that raises several issues into linked cases",
)
def case_split_endpoint(request: HttpRequest, reference: Text, payload: SplitIn) -> dict[str, Any]:
    user = user_of(request)
    case = access_case(user, reference)
    created = perform(BY_NAME["split"], user=user, case=case, payload=payload)
    return {
        "case": _detail(user, _as_it_stands(reference)),
        "created": [c.reference for c in created],
    }


@router.post(
    "/cases/{reference}/attach",
    response={200: CaseOut, **errors(403, 404, 409, 422)},
    operation_id="case_attach",
    summary="Attach a document (PDF, image, Office document or text; at most 10 MB)",
)
def case_attach_endpoint(
    request: HttpRequest,
    reference: Text,
    file: File[UploadedFile],
    version: Form[int | None] = None,
    occurred_at: Form[datetime.datetime | None] = None,
) -> HttpResponse | Status[dict[str, Any]]:
    user = user_of(request)
    case = access_case(user, reference)
    if version is not None and version < 1:
        raise CaseInputError("version is a positive number.", fields={"version": "At least 1."})
    payload = AttachIn(file=file, version=version, occurred_at=occurred_at)
    perform(BY_NAME["attach"], user=user, case=case, payload=payload)
    return _after_action(request, user, reference)
