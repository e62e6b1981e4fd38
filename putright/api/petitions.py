"""Petitions (``putright/actions/petitions.py``): the signatories of a petition case, what was
checked at receipt, and the letters sent to all of them.

``GET /cases/{reference}/petition`` reads the petition; each action is
``POST /cases/{reference}/petition/...``. A case the caller may not see is not found (404);
the role rules answer 403. Contact details are only for those who may see them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from putright.accounts.access import NotVisibleError, can_see_personal_data
from putright.actions.petitions import (
    PETITION_BY_NAME,
    PetitionAcknowledgeIn,
    PetitionClearIn,
    PetitionDecideIn,
    PetitionLeadContactedIn,
    PetitionRecordIn,
    PetitionRespondIn,
    PetitionSignatoryAddIn,
    PetitionSignatoryChangeIn,
    PetitionSignatoryRemoveIn,
    PetitionUnhappyIn,
    PetitionUpdateIn,
    perform_petition,
    signatory_of,
)
from putright.cases.access import access_case
from putright.petitions.selectors import petition_answer

from .reference import user_of
from .schemas import errors

router = Router(tags=["petitions"])


class PetitionSignatoryOut(Schema):
    id: int
    number: int
    lead: bool
    name: str
    address: str | None = None
    postcode: str | None = None
    signature_seen: bool
    missing: list[str]
    person_id: int
    unhappy: bool
    representative: bool
    representative_agreed_at: datetime.datetime | None = None


class PetitionLetterOut(Schema):
    signatory: int
    channel: str
    status: str
    call: bool


class PetitionBatchOut(Schema):
    kind: str
    event: int
    sent_at: datetime.datetime
    letters: list[PetitionLetterOut]


class PetitionOut(Schema):
    case: str
    stage: str
    people_represented: int
    against_staff: str | None = None
    issues_clear: bool
    lead_contacted_at: datetime.datetime | None = None
    incomplete: int
    escalation_decision: str
    signatories: list[PetitionSignatoryOut]
    batches: list[PetitionBatchOut]


class PetitionDoneOut(Schema):
    case: str
    version: int
    message: str
    petition: PetitionOut


OK = {201: PetitionDoneOut, **errors(403, 404, 409, 422)}


def _take(
    request: HttpRequest, reference: str, name: str, payload: Any, target_id: int | None = None
) -> Any:
    user = user_of(request)
    case = access_case(user, reference)
    target = None
    if target_id is not None:
        target = signatory_of(case, target_id)
        if target is None:
            raise NotVisibleError(f"There is no signatory {target_id} on {reference}.")
    action = PETITION_BY_NAME[name]
    done = perform_petition(action, user=user, case=case, target=target, payload=payload)
    case.refresh_from_db()
    answer = petition_answer(case, personal=can_see_personal_data(user, case))
    return Status(
        201,
        {
            "case": case.reference,
            "version": case.version,
            "message": action.done(done),
            "petition": answer,
        },
    )


@router.get(
    "/cases/{reference}/petition",
    response={200: PetitionOut, **errors(404, 409)},
    operation_id="petition_read",
)
def read(request: HttpRequest, reference: str) -> Any:
    """The petition: its signatories (each with what is missing), who is unhappy, the
    representative, and every batch of letters with how each went."""
    user = user_of(request)
    case = access_case(user, reference)
    return petition_answer(case, personal=can_see_personal_data(user, case))


@router.post("/cases/{reference}/petition", response=OK, operation_id="petition_record")
def record(request: HttpRequest, reference: str, payload: PetitionRecordIn) -> Any:
    """Record the signatories of the petition logged as this case (the lead petitioner is the
    case's customer); ``against_staff`` sends it to their line manager, restricted."""
    return _take(request, reference, "petition-record", payload)


@router.post(
    "/cases/{reference}/petition/signatories", response=OK, operation_id="petition_signatory_add"
)
def signatory_add(request: HttpRequest, reference: str, payload: PetitionSignatoryAddIn) -> Any:
    """Add a signatory."""
    return _take(request, reference, "petition-signatory-add", payload)


@router.post(
    "/cases/{reference}/petition/signatories/{signatory_id}/change",
    response=OK,
    operation_id="petition_signatory_change",
)
def signatory_change(
    request: HttpRequest, reference: str, signatory_id: int, payload: PetitionSignatoryChangeIn
) -> Any:
    """Correct a signatory's details (only the fields given)."""
    return _take(request, reference, "petition-signatory-change", payload, signatory_id)


@router.post(
    "/cases/{reference}/petition/signatories/{signatory_id}/remove",
    response=OK,
    operation_id="petition_signatory_remove",
)
def signatory_remove(
    request: HttpRequest, reference: str, signatory_id: int, payload: PetitionSignatoryRemoveIn
) -> Any:
    """Remove a signatory recorded by mistake, with the reason."""
    return _take(request, reference, "petition-signatory-remove", payload, signatory_id)


@router.post("/cases/{reference}/petition/clear", response=OK, operation_id="petition_clear")
def clear(request: HttpRequest, reference: str, payload: PetitionClearIn) -> Any:
    """Confirm the issues in the petition are clear (Southern 4.11.1)."""
    return _take(request, reference, "petition-clear", payload)


@router.post(
    "/cases/{reference}/petition/lead-contacted",
    response=OK,
    operation_id="petition_lead_contacted",
)
def lead_contacted(request: HttpRequest, reference: str, payload: PetitionLeadContactedIn) -> Any:
    """The lead petitioner identified and contacted (``how``): the 1-working-day step is done."""
    return _take(request, reference, "petition-lead-contacted", payload)


@router.post(
    "/cases/{reference}/petition/acknowledge", response=OK, operation_id="petition_acknowledge"
)
def acknowledge(request: HttpRequest, reference: str, payload: PetitionAcknowledgeIn) -> Any:
    """Acknowledge to every signatory, each their own way, with the response date."""
    return _take(request, reference, "petition-acknowledge", payload)


@router.post("/cases/{reference}/petition/update", response=OK, operation_id="petition_update")
def update(request: HttpRequest, reference: str, payload: PetitionUpdateIn) -> Any:
    """A progress update (``text``) to every signatory."""
    return _take(request, reference, "petition-update", payload)


@router.post("/cases/{reference}/petition/respond", response=OK, operation_id="petition_respond")
def respond(request: HttpRequest, reference: str, payload: PetitionRespondIn) -> Any:
    """The stage's written response (``outcome``, ``text``), copied to every petitioner (at
    stage 2, to the nominated representative)."""
    return _take(request, reference, "petition-respond", payload)


@router.post("/cases/{reference}/petition/unhappy", response=OK, operation_id="petition_unhappy")
def unhappy(request: HttpRequest, reference: str, payload: PetitionUnhappyIn) -> Any:
    """Which petitioners (signatory ``numbers``) are unhappy with the response."""
    return _take(request, reference, "petition-unhappy", payload)


@router.post("/cases/{reference}/petition/decide", response=OK, operation_id="petition_decide")
def decide(request: HttpRequest, reference: str, payload: PetitionDecideIn) -> Any:
    """The Area Manager / Head of decides: ``further_advice``, or ``stage2`` with the
    ``representative`` (an unhappy signatory's number) who agreed, the new ``handler`` and a
    ``route``; every dissatisfied petitioner is written to."""
    return _take(request, reference, "petition-decide", payload)
