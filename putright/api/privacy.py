"""Personal data over time (``putright/actions/privacy.py``): the data protection officer's
requests, the subject access export, legal holds on cases and the retention schedule.

``GET /privacy/requests`` lists an organisation's requests with their due dates;
``POST /people/{person_id}/data-requests`` records one; ``GET /privacy/requests/{id}`` reads
it (its deadline explained, its history, the redactions for review); ``POST
/privacy/requests/{id}/decide|export|release`` acts on it; ``GET /privacy/requests/{id}/export``
downloads the zip (recorded in the access log). Only the data protection officer of the
person's organisation: other roles there are refused (403); anyone else is told it does not
exist (404). A legal hold is placed and lifted by managers and the officer on a case they see.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from putright.accounts.access import (
    AccessDeniedError,
    NotVisibleError,
    organisations_with,
    roles_in,
)
from putright.actions.privacy import (
    LEGAL_HOLD_BY_NAME,
    OFFICERS,
    PRIVACY_BY_NAME,
    DataRequestDecideIn,
    DataRequestIn,
    DataRequestStepIn,
    PrivacyLegalHoldIn,
    export_response,
    hold_in_force,
    perform_legal_hold,
    perform_privacy,
    person_for,
    request_due,
    request_for,
    request_history,
    require_officer,
    retention_answer,
)
from putright.cases.access import access_case
from putright.organisations.models import Organisation
from putright.privacy.models import DataRequest

from .reference import user_of
from .schemas import errors

router = Router(tags=["privacy"])

NO_ORGANISATION = "There is no organisation {slug!r} that you can see."
NOT_AN_OFFICER = "Only a data protection officer reads data protection requests."


class DataRequestSummaryOut(Schema):
    id: int
    organisation: str
    person_id: int
    person: str
    kind: str
    status: str
    received_at: datetime.datetime
    due_on: datetime.date | None = Field(None, description="Subject access: one calendar month.")
    overdue: bool


class DataRequestListOut(Schema):
    requests: list[DataRequestSummaryOut]


class DataRequestEventOut(Schema):
    kind: str
    what: str
    occurred_at: datetime.datetime
    by: str
    details: str


class DataRequestRedactionOut(Schema):
    where: str
    redacted: str


class DataRequestOut(DataRequestSummaryOut):
    version: int
    due_explained: str = Field("", description="Why the request is due on that day.")
    decided_at: datetime.datetime | None = None
    decided_by: str | None = None
    reasons: str = ""
    exported_at: datetime.datetime | None = None
    released_at: datetime.datetime | None = None
    redactions: list[DataRequestRedactionOut]
    download: str | None = Field(None, description="The export's zip, once exported.")
    history: list[DataRequestEventOut]


class DataRequestDoneOut(Schema):
    message: str
    request: DataRequestOut


class PrivacyLegalHoldOut(Schema):
    case: str
    message: str
    on_hold: bool
    reason: str
    placed_at: datetime.datetime
    lifted_at: datetime.datetime | None = None
    lift_reason: str = ""


class PrivacyPeriodOut(Schema):
    record_type: str
    label: str
    months: int
    counted_from: str
    basis: str
    own: bool = Field(..., description="The organisation's own period, not the default.")


class PrivacyRunOut(Schema):
    started_at: datetime.datetime
    finished_at: datetime.datetime | None = None
    dry_run: bool
    counts: dict[str, Any]


class PrivacyRetentionOut(Schema):
    organisation: str
    periods: list[PrivacyPeriodOut]
    runs: list[PrivacyRunOut]


def summary_of(request: DataRequest, today: datetime.date | None = None) -> dict[str, Any]:
    from django.utils import timezone

    today = today or timezone.localdate()
    due = request_due(request)
    return {
        "id": request.pk,
        "organisation": request.organisation.slug,
        "person_id": request.person_id,
        "person": request.person.name,
        "kind": request.kind,
        "status": request.status,
        "received_at": request.received_at,
        "due_on": due.due_on if due else None,
        "overdue": bool(due and due.completed_at is None and due.due_on < today),
    }


def request_out(request: DataRequest) -> dict[str, Any]:
    due = request_due(request)
    exported = bool(request.export) and request.exported_at is not None
    return {
        **summary_of(request),
        "version": request.version,
        "due_explained": due.explanation if due else "",
        "decided_at": request.decided_at,
        "decided_by": str(request.decided_by) if request.decided_by else None,
        "reasons": request.reasons,
        "exported_at": request.exported_at,
        "released_at": request.released_at,
        "redactions": list(request.redactions or []),
        "download": f"/api/v1/privacy/requests/{request.pk}/export" if exported else None,
        "history": request_history(request),
    }


def _organisation(user: Any, slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not roles_in(user, organisation.pk):
        raise NotVisibleError(NO_ORGANISATION.format(slug=slug))
    return organisation


def _officer_organisations(user: Any, slug: str) -> list[int]:
    """The organisations whose requests the officer reads: the one named, or all theirs."""
    if slug:
        organisation = _organisation(user, slug)
        require_officer(user, organisation.pk, "privacy-export", "")
        return [organisation.pk]
    found = organisations_with(user, OFFICERS)
    if not found:
        raise AccessDeniedError(NOT_AN_OFFICER)
    return found


@router.get(
    "/privacy/requests",
    response={200: DataRequestListOut, **errors(403, 404)},
    operation_id="privacy_requests",
)
def requests_list(request: HttpRequest, organisation: str = "") -> Any:
    """The officer's list: every data protection request of the organisation (all of yours if
    none is named), the earliest due first, with the subject access month's due date."""
    user = user_of(request)
    found = (
        DataRequest.objects.filter(organisation_id__in=_officer_organisations(user, organisation))
        .select_related("person", "organisation")
        .order_by("-received_at", "-pk")
    )
    rows = [summary_of(r) for r in found]
    rows.sort(key=lambda r: (r["due_on"] is None, r["due_on"] or datetime.date.max))
    return {"requests": rows}


@router.post(
    "/people/{person_id}/data-requests",
    response={201: DataRequestDoneOut, **errors(403, 404, 409)},
    operation_id="privacy_request_record",
)
def request_record(request: HttpRequest, person_id: int, payload: DataRequestIn) -> Any:
    """Record a person's request: ``erasure`` (decided by the officer with reasons) or
    ``subject_access`` (due within one calendar month of ``received_at``)."""
    user = user_of(request)
    action = PRIVACY_BY_NAME["privacy-request"]
    done = perform_privacy(action, user=user, target=person_for(user, person_id), payload=payload)
    return Status(201, {"message": action.done(done), "request": request_out(done)})


@router.get(
    "/privacy/requests/{request_id}",
    response={200: DataRequestOut, **errors(403, 404)},
    operation_id="privacy_request_read",
)
def request_read(request: HttpRequest, request_id: int) -> Any:
    """A request: the person, its deadline explained, its history, the redactions to review."""
    return request_out(request_for(user_of(request), request_id))


def _step(request: HttpRequest, request_id: int, name: str, payload: Any) -> Any:
    user = user_of(request)
    found = request_for(user, request_id)
    action = PRIVACY_BY_NAME[name]
    done = perform_privacy(action, user=user, target=found, payload=payload)
    return Status(201, {"message": action.done(done), "request": request_out(done)})


STEP = {201: DataRequestDoneOut, **errors(403, 404, 409)}


@router.post(
    "/privacy/requests/{request_id}/decide", response=STEP, operation_id="privacy_request_decide"
)
def request_decide(request: HttpRequest, request_id: int, payload: DataRequestDecideIn) -> Any:
    """Decide an erasure request: ``erase`` (the person is anonymised; their cases, dates,
    outcomes and figures stay) or ``refuse``; ``reasons`` are required either way."""
    return _step(request, request_id, "privacy-decide", payload)


@router.post(
    "/privacy/requests/{request_id}/export", response=STEP, operation_id="privacy_request_export"
)
def request_export(request: HttpRequest, request_id: int, payload: DataRequestStepIn) -> Any:
    """Build the subject access export (a zip: a readable PDF, the JSON, letters and files),
    third parties redacted and the redactions listed for review."""
    return _step(request, request_id, "privacy-export", payload)


@router.post(
    "/privacy/requests/{request_id}/release",
    response=STEP,
    operation_id="privacy_request_release",
)
def request_release(request: HttpRequest, request_id: int, payload: DataRequestStepIn) -> Any:
    """Release the export after reviewing its redactions: the month's clock stops."""
    return _step(request, request_id, "privacy-release", payload)


@router.get(
    "/privacy/requests/{request_id}/export",
    response={200: None, **errors(403, 404, 409)},
    operation_id="privacy_request_download",
)
def request_download(request: HttpRequest, request_id: int) -> HttpResponse:
    """The subject access export as a zip (``index.pdf``, ``data.json``, letters and files);
    for the officer only, and every download is recorded."""
    user = user_of(request)
    return export_response(user, request_for(user, request_id))


@router.get(
    "/privacy/retention",
    response={200: PrivacyRetentionOut, **errors(403, 404)},
    operation_id="privacy_retention",
)
def retention(request: HttpRequest, organisation: str) -> Any:
    """The retention schedule: each record type's period (the default, or the organisation's
    own where it set one) and what the last runs did, in counts."""
    user = user_of(request)
    found = _organisation(user, organisation)
    require_officer(user, found.pk, "privacy-export", NO_ORGANISATION.format(slug=organisation))
    return retention_answer(found)


def _hold(request: HttpRequest, reference: str, name: str, payload: PrivacyLegalHoldIn) -> Any:
    user = user_of(request)
    case = access_case(user, reference)
    action = LEGAL_HOLD_BY_NAME[name]
    hold = perform_legal_hold(action, user=user, case=case, payload=payload)
    return Status(
        201,
        {
            "case": case.reference,
            "message": action.done(hold),
            "on_hold": hold_in_force(case) is not None,
            "reason": hold.reason,
            "placed_at": hold.placed_at,
            "lifted_at": hold.lifted_at,
            "lift_reason": hold.lift_reason,
        },
    )


HOLD = {201: PrivacyLegalHoldOut, **errors(403, 404, 409)}


@router.post("/cases/{reference}/legal-hold", response=HOLD, operation_id="case_legal_hold")
def legal_hold(request: HttpRequest, reference: str, payload: PrivacyLegalHoldIn) -> Any:
    """Keep the case as it is (no retention, no erasure) until the hold is lifted; ``reason``
    says why (a claim, a court order, an inquiry)."""
    return _hold(request, reference, "legal-hold", payload)


@router.post(
    "/cases/{reference}/legal-hold-lift", response=HOLD, operation_id="case_legal_hold_lift"
)
def legal_hold_lift(request: HttpRequest, reference: str, payload: PrivacyLegalHoldIn) -> Any:
    """Lift the case's legal hold, with the ``reason`` it ends."""
    return _hold(request, reference, "legal-hold-lift", payload)
