"""A case as the API answers with it: its summary, its detail for this reader, its ETag."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import Schema

from putright.accounts.access import (
    can_see_case,
    can_see_personal_data,
)
from putright.accounts.models import User
from putright.cases.models import Case, CaseLink, Event
from putright.cases.selectors import case_deadlines, case_events
from putright.cases.services import (
    FLAGS,
)
from putright.hazards.models import Hazard
from putright.hazards.selectors import hazards_of, hazards_out
from putright.policies.presenters import deadline_dict
from putright.timeline.models import Clock

from .. import case_reads
from ..reference import person_out
from ..rendering import JSON_CONTENT_TYPE, to_json
from ..schemas import (
    CaseOut,
    plain_model,
)


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
    hazards: list[Hazard] | None = None,
    hazard_clocks: list[Clock] | None = None,
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
                "point": i.point.number if i.point else None,
                "finding": i.finding,
                "remedy": i.remedy,
                "actions": i.actions,
            }
            for i in case.issues.select_related("point")
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
        "definition": _definition(events),
        "issues": [{**i, "actions": _actions(i.get("actions"))} for i in issues],
        "links": links,
        # Awaab's Law: its hazards beside the complaint, each with its own clocks.
        "hazards": hazards_out(hazards, clocks_read=hazard_clocks)
        if hazards is not None
        else hazards_of(case),
    }


def _definition(events: list[Event]) -> list[dict[str, Any]]:
    """The complaint definition as set out at each acknowledgement (Code 5.6)."""
    return [
        {**point, "stage": e.stage}
        for e in events
        if e.kind == "acknowledged"
        for point in (e.data or {}).get("definition", [])
    ]


def _actions(actions: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """An issue's outstanding actions as the answer gives them."""
    return [
        {
            "text": a.get("text", ""),
            "owner": a.get("owner") or None,
            "due_on": a.get("due_on"),
            "remedy_action": a.get("remedy_action_id"),
        }
        for a in actions or []
    ]


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
        hazards=contents.hazards,
        hazard_clocks=contents.hazard_clocks,
    )


def _answer(request: HttpRequest, user: User, read: case_reads.CaseRead) -> bytes:
    """The rendered answer for the case as read."""
    return render(request, CaseOut, _detail(user, read))


def _after_action(
    request: HttpRequest, user: User, reference: str, *, status: int = 200
) -> HttpResponse:
    """The case after the user's own action, in one query.

    Not checked again: recording a conduct case, or handing a restricted case on to
    someone else, takes it out of the user's sight, but they are still told what they did.
    """
    answer = _answer(request, user, _as_it_stands(reference))
    return HttpResponse(answer, status=status, content_type=JSON_CONTENT_TYPE)


def render(request: HttpRequest, schema: type[Schema], data: dict[str, Any]) -> bytes:
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
