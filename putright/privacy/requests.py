"""Data protection requests: erasure decided by the officer with reasons, subject access
exported within one calendar month; and legal holds. Each is a record with its history."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from putright.accounts.access import (
    ACTION_ROLES,
    AccessDeniedError,
    NotVisibleError,
    record_access,
    role_names,
    roles_in,
)
from putright.accounts.actors import Actor
from putright.errors import CaseInputError, CaseStateError, ConflictError
from putright.timeline.services import clock_start, clock_stop, record_event

from .anonymise import Done, anonymise_cases, anonymise_person_records
from .models import DataRequest, LegalHold, RequestKind, RequestStatus

RECORD_TYPE = "data_request"
SAR_SOURCE = "UK GDPR Art. 12(3); ICO guidance on the right of access"
NEEDS_REASONS = "Give the reasons for the decision."
HELD = "Cases {references} are on a legal hold: lift it first, or refuse the request."
OPEN = "Cases {references} are still open: close them first, or refuse the request."


def require_role(actor: Actor, organisation_id: int, action: str) -> None:
    user = actor.user
    if user is None:
        return
    roles = roles_in(user, organisation_id)
    if not roles:
        raise NotVisibleError("There is no such request that you can see.")
    if not roles & ACTION_ROLES[action]:
        raise AccessDeniedError(
            f"Your role ({role_names(user, organisation_id)}) does not allow this: "
            f"{action.replace('-', ' ')}."
        )


def _event(request: DataRequest, kind: str, actor: Actor, **data: Any) -> None:
    record_event(
        record_type=RECORD_TYPE,
        record_id=request.pk,
        organisation=request.organisation,
        kind=kind,
        actor=actor,
        data=data,
    )


def _lock(request: DataRequest, expected_version: int | None) -> DataRequest:
    locked = DataRequest.objects.select_for_update().get(pk=request.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            f"Someone else changed this request meanwhile (version {locked.version}, "
            f"not {expected_version}): reload it and try again."
        )
    return locked


@transaction.atomic
def request_record(
    *, person: Any, kind: str, actor: Actor, received_at: datetime.datetime | None = None
) -> DataRequest:
    """Record a person's request; a subject access request's month starts on its day."""
    require_role(actor, person.organisation_id, "privacy-request")
    if kind not in RequestKind.values:
        message = f"Choose one of: {', '.join(RequestKind.values)}."
        raise CaseInputError(message, fields={"kind": message})
    received_at = received_at or timezone.now()
    if received_at > timezone.now():
        raise CaseInputError(
            "A request cannot be received in the future.", fields={"received_at": "In the future."}
        )
    request = DataRequest.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        kind=kind,
        received_at=received_at,
        recorded_by=actor.user,
    )
    _event(request, "received", actor, request_kind=kind, person_id=person.pk)
    if kind == RequestKind.SUBJECT_ACCESS:
        clock_start(
            record_type=RECORD_TYPE,
            record_id=request.pk,
            organisation=request.organisation,
            step="respond",
            label="Give the person a copy of their data",
            unit="calendar_months",
            amount=1,
            started_at=received_at,
            owner=actor.user,
            source=SAR_SOURCE,
            counted_from="the request",
            actor=actor,
        )
    return request


def _references(case_ids: list[int]) -> str:
    from putright.cases.models import Case

    return ", ".join(
        Case.objects.filter(pk__in=case_ids)
        .order_by("reference")
        .values_list("reference", flat=True)
    )


@transaction.atomic
def erasure_decide(
    *,
    request: DataRequest,
    erase: bool,
    reasons: str,
    actor: Actor,
    expected_version: int | None = None,
) -> Done:
    """The officer's decision on an erasure request: refused with reasons, or the person
    anonymised (their name, contact details and the words about them); their cases stay,
    with their dates, outcomes and figures, so every report still counts them."""
    from putright.cases.models import Case

    require_role(actor, request.organisation_id, "privacy-decide")
    request = _lock(request, expected_version)
    if request.kind != RequestKind.ERASURE:
        raise CaseStateError("This is not an erasure request.")
    if request.status != RequestStatus.RECEIVED:
        raise CaseStateError(f"This request is already {request.get_status_display().lower()}.")
    if not reasons.strip():
        raise CaseInputError(NEEDS_REASONS, fields={"reasons": NEEDS_REASONS})
    done = Done()
    if erase:
        cases = list(Case.objects.filter(customer=request.person).values_list("pk", flat=True))
        held = list(
            LegalHold.objects.filter(case_id__in=cases, lifted_at__isnull=True).values_list(
                "case_id", flat=True
            )
        )
        if held:
            message = HELD.format(references=_references(held))
            raise CaseStateError(message)
        still_open = list(
            Case.objects.filter(pk__in=cases, closed_at__isnull=True).values_list("pk", flat=True)
        )
        if still_open:
            raise CaseStateError(OPEN.format(references=_references(still_open)))
        reason = f"Erasure decided by the data protection officer: {reasons.strip()}"
        done.add(
            anonymise_cases(cases, basis="erasure", reason=reason, actor=actor, request=request)
        )
        _erase_elsewhere(request.person.pk, done)
        done.add(
            anonymise_person_records(
                [request.person.pk], basis="erasure", reason=reason, actor=actor, request=request
            )
        )
    request.status = RequestStatus.ERASED if erase else RequestStatus.REFUSED
    request.decided_by = actor.user
    request.decided_at = timezone.now()
    request.reasons = reasons.strip()
    request.version += 1
    request.save()
    _event(
        request,
        "erased" if erase else "refused",
        actor,
        cases=len(done.cases),
        rows=sum(done.rows.values()),
        files=done.files,
        redactions=done.redactions,
    )
    return done


def _erase_elsewhere(person_id: int, done: Done) -> None:
    """The person's own rows on cases that are someone else's (a petition they signed)."""
    from .anonymise import _model, _wipe
    from .registry import CASE_RECORDS

    for entry in CASE_RECORDS:
        if not entry.person or entry.model == "cases.Case":
            continue
        model = _model(entry)
        if model is not None:
            _wipe(entry, model._default_manager.filter(**{entry.person: person_id}), done)


@transaction.atomic
def subject_access_export(
    *, request: DataRequest, actor: Actor, expected_version: int | None = None
) -> DataRequest:
    """Build the person's export (a zip: a readable PDF index, the JSON behind it, their
    letters and files), third parties' personal data redacted and the redactions listed for
    the officer to review before release. Recorded in the access log and the history."""
    from .export import build_export

    require_role(actor, request.organisation_id, "privacy-export")
    request = _lock(request, expected_version)
    if request.kind != RequestKind.SUBJECT_ACCESS:
        raise CaseStateError("This is not a subject access request.")
    if request.status == RequestStatus.RELEASED:
        raise CaseStateError("This export was already released to the person.")
    bundle = build_export(request)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.pdf", bundle.pdf)
        archive.writestr("data.json", json.dumps(bundle.data, indent=2, default=str))
        for name, content in bundle.files:
            archive.writestr(name, content)
    if request.export:
        request.export.delete(save=False)
    request.export.save(
        f"subject-access-{request.pk}.zip", ContentFile(buffer.getvalue()), save=False
    )
    request.redactions = bundle.redactions
    request.status = RequestStatus.EXPORTED
    request.exported_at = timezone.now()
    request.version += 1
    request.save()
    _event(
        request,
        "exported",
        actor,
        cases=len(bundle.data.get("cases", [])),
        files=len(bundle.files),
        redactions=len(bundle.redactions),
    )
    record_access(
        actor.user,
        "subject access export",
        detail=f"data protection request {request.pk}, person {request.person_id}",
    )
    return request


@transaction.atomic
def subject_access_release(
    *, request: DataRequest, actor: Actor, expected_version: int | None = None
) -> DataRequest:
    """The officer has reviewed the redactions and released the export: the month's clock stops."""
    require_role(actor, request.organisation_id, "privacy-export")
    request = _lock(request, expected_version)
    if request.status != RequestStatus.EXPORTED:
        raise CaseStateError("Export the data and review its redactions before releasing it.")
    request.status = RequestStatus.RELEASED
    request.released_at = timezone.now()
    request.version += 1
    request.save()
    clock_stop(
        record_type=RECORD_TYPE,
        record_id=request.pk,
        organisation=request.organisation,
        step="respond",
        actor=actor,
    )
    _event(request, "released", actor)
    return request


# -- legal holds -------------------------------------------------------------------------


@transaction.atomic
def legal_hold_place(*, case: Any, reason: str, actor: Actor) -> LegalHold:
    """Keep a case as it is (no retention, no erasure) until the hold is lifted."""
    from putright.cases.services import case_record_event

    require_role(actor, case.organisation_id, "legal-hold")
    if not reason.strip():
        raise CaseInputError("Say why the case is kept.", fields={"reason": "Required."})
    if LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists():
        raise CaseStateError(f"{case.reference} is already on a legal hold.")
    hold = LegalHold.objects.create(
        case=case, reason=reason.strip(), placed_by=actor.user, placed_at=timezone.now()
    )
    case_record_event(
        case=case,
        actor=actor,
        kind="legal_hold_placed",
        data={"hold_id": hold.pk, "reason": reason.strip()},
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, case: Any, reason: str, actor: Actor) -> LegalHold:
    from putright.cases.services import case_record_event

    require_role(actor, case.organisation_id, "legal-hold")
    if not reason.strip():
        raise CaseInputError("Say why the hold ends.", fields={"reason": "Required."})
    hold = LegalHold.objects.select_for_update().filter(case=case, lifted_at__isnull=True).first()
    if hold is None:
        raise CaseStateError(f"{case.reference} is not on a legal hold.")
    hold.lifted_by = actor.user
    hold.lifted_at = timezone.now()
    hold.lift_reason = reason.strip()
    hold.save()
    case_record_event(
        case=case,
        actor=actor,
        kind="legal_hold_lifted",
        data={"hold_id": hold.pk, "reason": reason.strip()},
    )
    return hold
