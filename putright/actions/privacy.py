"""Personal data over time: the data protection officer's actions, declared once.

Recording a request is on a person (``POST /people/{person_id}/data-requests``); deciding an
erasure, exporting a subject access request and releasing it are on the request
(``POST /privacy/requests/{request_id}/{decide|export|release}``); a legal hold is on a case
(``POST /cases/{reference}/legal-hold`` and ``/legal-hold-lift``). Each staff page is at the
same path with a trailing slash and takes the same input. The services
(``putright/privacy/requests.py``) check the role (``ACTION_ROLES`` keys ``privacy-request``,
``privacy-decide``, ``privacy-export``, ``legal-hold``); ``perform_privacy`` checks it first
so that every interface refuses the same way, and a record in an organisation the person
does not work for is not found.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.http import HttpResponse
from ninja import Field

from putright.accounts.access import (
    ACTION_ROLES,
    AccessDeniedError,
    NotVisibleError,
    record_access,
    require_action,
    role_names,
    roles_in,
)
from putright.accounts.models import Role, User
from putright.cases.models import Case
from putright.cases.services import Actor
from putright.organisations.models import Organisation
from putright.people.models import Person
from putright.privacy import requests as services
from putright.privacy.models import DataRequest, LegalHold, RetentionRun
from putright.privacy.schedule import periods_for

from .catalogue import NestedAction, aware
from .inputs import In

NO_REQUEST = "There is no data protection request {request_id} that you can see."
NO_PERSON = "There is no person {person_id} that you can see."
#: Who reads the data protection requests and the retention schedule of an organisation.
OFFICERS = frozenset({Role.DATA_PROTECTION_OFFICER})


class DataRequestIn(In):
    """A person's request about their data, as the officer received it."""

    kind: Literal["erasure", "subject_access"] = Field(
        ..., description="erasure (to be forgotten) or subject_access (a copy of their data)"
    )
    received_at: datetime.datetime | None = Field(
        None, description="When it reached the landlord (never in the future); now if not given."
    )


class DataRequestDecideIn(In):
    """The officer's decision on an erasure request, with the reasons (required)."""

    decision: Literal["erase", "refuse"]
    reasons: str = Field("", max_length=5000, description="Why; required either way.")
    version: int | None = Field(None, description="The request's version you saw (409 if changed).")


class DataRequestStepIn(In):
    """Export, or release after reviewing the redactions."""

    version: int | None = Field(None, description="The request's version you saw (409 if changed).")


class PrivacyLegalHoldIn(In):
    reason: str = Field("", max_length=5000, description="Why the case is kept, or why no longer.")


Runner = Callable[[Any, Actor, Any], Any]


@dataclass(frozen=True)
class PrivacyAction:
    """An action on a person or on a data protection request."""

    name: str  # unique in the catalogue; the staff URL's name
    label: str
    path: str  # the API's path under /api/v1
    schema: type[In]
    run: Runner  # (the person or request, actor, input)
    done: Callable[[Any], str]
    permission: str  # a key of ACTION_ROLES
    button: str = ""
    warning: bool = False


def _decide(request: DataRequest, actor: Actor, p: DataRequestDecideIn) -> DataRequest:
    services.erasure_decide(
        request=request,
        erase=p.decision == "erase",
        reasons=p.reasons,
        actor=actor,
        expected_version=p.version,
    )
    return DataRequest.objects.get(pk=request.pk)


def _decided(request: DataRequest) -> str:
    if request.status == "erased":
        return "The person is anonymised: their cases still count, without their name or words."
    return "The request is refused; the reasons are recorded."


def _exported(request: DataRequest) -> str:
    count = len(request.redactions or [])
    if not count:
        return "Exported: nothing was redacted. Check the export before releasing it."
    return (
        f"Exported: review the {count} {'redaction' if count == 1 else 'redactions'} "
        "of other people's details before releasing it."
    )


PRIVACY_ACTIONS: tuple[PrivacyAction, ...] = (
    PrivacyAction(
        "privacy-request",
        "Record a data protection request",
        "/people/{person_id}/data-requests",
        DataRequestIn,
        lambda person, actor, p: services.request_record(
            person=person,
            kind=p.kind,
            actor=actor,
            received_at=aware(p.received_at, "received_at"),
        ),
        lambda r: (
            f"{r.get_kind_display()} request recorded."
            + (
                " It must be answered within one calendar month."
                if r.kind == "subject_access"
                else ""
            )
        ),
        permission="privacy-request",
        button="Record the request",
    ),
    PrivacyAction(
        "privacy-decide",
        "Decide the erasure request",
        "/privacy/requests/{request_id}/decide",
        DataRequestDecideIn,
        _decide,
        _decided,
        permission="privacy-decide",
        button="Record the decision",
        warning=True,
    ),
    PrivacyAction(
        "privacy-export",
        "Export the person's data",
        "/privacy/requests/{request_id}/export",
        DataRequestStepIn,
        lambda request, actor, p: services.subject_access_export(
            request=request, actor=actor, expected_version=p.version
        ),
        _exported,
        permission="privacy-export",
        button="Export the data",
    ),
    PrivacyAction(
        "privacy-release",
        "Release the export to the person",
        "/privacy/requests/{request_id}/release",
        DataRequestStepIn,
        lambda request, actor, p: services.subject_access_release(
            request=request, actor=actor, expected_version=p.version
        ),
        lambda r: "Released to the person: the month's clock is stopped.",
        permission="privacy-export",
        button="Release to the person",
    ),
)

PRIVACY_BY_NAME: dict[str, PrivacyAction] = {a.name: a for a in PRIVACY_ACTIONS}
#: The last part of a request action's path, and its action.
REQUEST_STEPS: dict[str, PrivacyAction] = {
    a.path.rsplit("/", 1)[-1]: a for a in PRIVACY_ACTIONS if "{request_id}" in a.path
}


LEGAL_HOLD_ACTIONS: tuple[NestedAction, ...] = (
    NestedAction(
        "legal-hold",
        "Place a legal hold",
        "/cases/{reference}/legal-hold",
        PrivacyLegalHoldIn,
        lambda case, _, actor, p, c: services.legal_hold_place(
            case=case, reason=p.reason, actor=actor
        ),
        lambda hold: "The case is on a legal hold: retention and erasure leave it as it is.",
        permission="legal-hold",
        button="Place the hold",
    ),
    NestedAction(
        "legal-hold-lift",
        "Lift the legal hold",
        "/cases/{reference}/legal-hold-lift",
        PrivacyLegalHoldIn,
        lambda case, _, actor, p, c: services.legal_hold_lift(
            case=case, reason=p.reason, actor=actor
        ),
        lambda hold: "The legal hold is lifted.",
        permission="legal-hold",
        button="Lift the hold",
        warning=True,
    ),
)
LEGAL_HOLD_BY_NAME: dict[str, NestedAction] = {a.name: a for a in LEGAL_HOLD_ACTIONS}


# -- who may do what -----------------------------------------------------------------------


def require_officer(user: User, organisation_id: int, action: str, not_found: str) -> None:
    """Not found (404) outside the user's organisations; refused (403) without the role."""
    roles = roles_in(user, organisation_id)
    if not roles:
        raise NotVisibleError(not_found)
    if not roles & ACTION_ROLES[action]:
        raise AccessDeniedError(
            f"Your role ({role_names(user, organisation_id)}) does not allow this: "
            f"{action.replace('-', ' ')}."
        )


def is_officer(user: User, organisation_id: int) -> bool:
    return bool(roles_in(user, organisation_id) & OFFICERS)


def person_for(user: User, person_id: int) -> Person:
    """The person, for someone who works for their organisation (404 otherwise)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not roles_in(user, person.organisation_id):
        raise NotVisibleError(NO_PERSON.format(person_id=person_id))
    return person


def request_for(user: User, request_id: int) -> DataRequest:
    """A request, for the officer of its organisation: 404 outside it, 403 for other roles."""
    found = (
        DataRequest.objects.select_related("person", "organisation").filter(pk=request_id).first()
    )
    not_found = NO_REQUEST.format(request_id=request_id)
    if found is None:
        raise NotVisibleError(not_found)
    require_officer(user, found.organisation_id, "privacy-export", not_found)
    return found


def hold_in_force(case: Case) -> LegalHold | None:
    return LegalHold.objects.filter(case=case, lifted_at__isnull=True).first()


def perform_privacy(action: PrivacyAction, *, user: User, target: Any, payload: In) -> Any:
    """Take a data protection action as ``user``: their role, then the service, decide."""
    organisation_id = target.organisation_id
    not_found = (
        NO_PERSON.format(person_id=target.pk)
        if isinstance(target, Person)
        else NO_REQUEST.format(request_id=target.pk)
    )
    require_officer(user, organisation_id, action.permission, not_found)
    return action.run(target, Actor(user), payload)


def perform_legal_hold(action: NestedAction, *, user: User, case: Case, payload: In) -> Any:
    """Place or lift a hold on a case the user can see: their role, then the service."""
    require_action(user, case, action.permission)
    return action.run(case, None, Actor(user), payload, {})


# -- reading, for every interface ----------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A subject access request's month: when it falls due, why, and whether it is met."""

    due_on: datetime.date
    explanation: str
    completed_at: datetime.datetime | None


def request_due(request: DataRequest) -> Due | None:
    from putright.timeline.selectors import clock_timing, record_clocks

    clocks = record_clocks(record_type=services.RECORD_TYPE, record_id=request.pk)
    if not clocks:
        return None
    clock = clocks[-1]
    return Due(clock.due_on, clock_timing(clock).explanation.text(), clock.completed_at)


EVENT_WORDS = {
    "received": "Request recorded",
    "erased": "Erased by anonymising",
    "refused": "Refused",
    "exported": "Exported for review",
    "released": "Released to the person",
    "clock_started": "Deadline started",
    "clock_stopped": "Deadline met",
}


def request_history(request: DataRequest) -> list[dict[str, Any]]:
    """The request's history, oldest first, in words: what, when, who, and the counts."""
    from putright.timeline.selectors import record_history

    rows = []
    for entry in record_history(record_type=services.RECORD_TYPE, record_id=request.pk):
        data = entry.data or {}
        details = ", ".join(
            f"{key}: {data[key]}"
            for key in ("cases", "rows", "files", "redactions")
            if key in data and not isinstance(data[key], dict | list)
        )
        rows.append(
            {
                "kind": entry.kind,
                "what": EVENT_WORDS.get(entry.kind, entry.kind.replace("_", " ").capitalize()),
                "occurred_at": entry.occurred_at,
                "by": str(entry.actor) if entry.actor else entry.actor_label,
                "details": details,
            }
        )
    return rows


def export_response(user: Any, found: DataRequest) -> HttpResponse:
    """The export's zip, recorded in the access log as a download (409 before the export)."""
    from putright.cases.errors import CaseStateError

    if not found.export or found.exported_at is None:
        raise CaseStateError("There is no export yet: export the data first.")
    with found.export.open("rb") as handle:
        content = handle.read()
    record_access(
        user,
        "subject access export downloaded",
        detail=f"data protection request {found.pk}, person {found.person_id}",
    )
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{found.pk}.zip"'
    return response


def retention_answer(organisation: Organisation) -> dict[str, Any]:
    runs = RetentionRun.objects.filter(organisation=organisation).order_by("-started_at")[:5]
    return {
        "organisation": organisation.slug,
        "periods": [vars(p) for p in periods_for(organisation.pk).values()],
        "runs": [
            {
                "started_at": r.started_at,
                "finished_at": r.finished_at,
                "dry_run": r.dry_run,
                "counts": r.counts or {},
            }
            for r in runs
        ],
    }
