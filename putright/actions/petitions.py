"""The petition actions (Southern 4.11), declared once.

Each is addressed as in the API (``POST /api/v1{path}``) with its staff page at the same path
with a trailing slash, both taking the same input and calling the same service in
``putright/petitions/services.py``. ``perform_petition`` checks the permission
(``ACTION_ROLES``); who decides an escalation beyond that is the pack's, checked by the service.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field

from putright.accounts.access import require_action
from putright.accounts.models import User
from putright.cases.models import Case
from putright.cases.services import Actor
from putright.petitions import services
from putright.petitions.models import Signatory

from .catalogue import NestedAction, aware, staff_member
from .inputs import In


class PetitionSignatoryIn(In):
    """One line of the petition as written."""

    name: str = Field(..., min_length=1, max_length=200)
    address: str = Field("", max_length=500)
    postcode: str = Field("", max_length=12)
    signature_seen: bool = False
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    preferred_contact: Literal["", "email", "phone", "letter", "text"] = ""


class _Common(In):
    occurred_at: datetime.datetime | None = Field(
        None, description="When it happened (never in the future)."
    )
    version: int | None = Field(None, description="The case's version you saw (409 if changed).")


class PetitionRecordIn(_Common):
    """The petition's signatories besides the lead petitioner (the case's customer)."""

    signatories: list[PetitionSignatoryIn] = Field(default_factory=list, max_length=2000)
    lead_signature_seen: bool = True
    against_staff: str = Field(
        "", max_length=150, description="username of the member of staff it is about, if any"
    )


class PetitionSignatoryAddIn(_Common, PetitionSignatoryIn):
    pass


class PetitionSignatoryChangeIn(_Common):
    name: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=500)
    postcode: str | None = Field(None, max_length=12)
    signature: bool | None = Field(None, description="Whether a signature is seen.")
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    preferred_contact: Literal["email", "phone", "letter", "text"] | None = None


class PetitionSignatoryRemoveIn(_Common):
    reason: str = Field(..., min_length=1, max_length=2000)


class PetitionClearIn(_Common):
    note: str = Field("", max_length=2000)


class PetitionLeadContactedIn(_Common):
    how: str = Field(..., min_length=1, max_length=200)
    note: str = Field("", max_length=2000)


class PetitionAcknowledgeIn(_Common):
    pass


class PetitionUpdateIn(_Common):
    text: str = Field(..., min_length=1, max_length=10000)


class PetitionRespondIn(_Common):
    outcome: Literal["upheld", "partly_upheld", "not_upheld"]
    text: str = Field(..., min_length=1, max_length=20000)


class PetitionUnhappyIn(_Common):
    numbers: list[int] = Field(..., min_length=1, max_length=2000)
    reason: str = Field("", max_length=2000)


class PetitionDecideIn(_Common):
    decision: Literal["stage2", "further_advice"]
    reasons: str = Field(..., min_length=1, max_length=5000)
    representative: int | None = Field(None, ge=1, description="signatory number")
    representative_agreed: bool = False
    handler: str = Field("", max_length=150, description="username of the stage 2 handler")
    route: str = Field("", max_length=60)
    accept_late: bool = False
    late_reason: str = Field("", max_length=2000)


def _signatory_in(p: PetitionSignatoryIn) -> services.SignatoryIn:
    return services.SignatoryIn(
        name=p.name,
        address=p.address,
        postcode=p.postcode,
        signature_seen=p.signature_seen,
        email=p.email,
        phone=p.phone,
        preferred_contact=p.preferred_contact,
    )


def _record(case: Case, actor: Actor, p: PetitionRecordIn, c: dict[str, Any]) -> Any:
    return services.petition_record(
        case=case,
        actor=actor,
        signatories=[_signatory_in(s) for s in p.signatories],
        lead_signature_seen=p.lead_signature_seen,
        against_staff=staff_member(case.organisation_id, p.against_staff, "against_staff"),
        **c,
    )


def _decide(case: Case, actor: Actor, p: PetitionDecideIn, c: dict[str, Any]) -> Any:
    return services.petition_decide(
        case=case,
        actor=actor,
        decision=p.decision,
        reasons=p.reasons,
        representative=p.representative,
        representative_agreed=p.representative_agreed,
        handler=staff_member(case.organisation_id, p.handler, "handler"),
        route=p.route,
        accept_late=p.accept_late,
        late_reason=p.late_reason,
        **c,
    )


def _sent(batch: Any) -> str:
    return f"{batch.get_kind_display()} sent to {batch.letters.count()} petitioners."


PETITION_ACTIONS: tuple[NestedAction, ...] = (
    NestedAction(
        "petition-record",
        "Record the petition's signatories",
        "/cases/{reference}/petition",
        PetitionRecordIn,
        lambda case, _, actor, p, c: _record(case, actor, p, c),
        lambda petition: f"Petition recorded with {petition.signatories.count()} signatories.",
        permission="petition-record",
    ),
    NestedAction(
        "petition-signatory-add",
        "Add a signatory",
        "/cases/{reference}/petition/signatories",
        PetitionSignatoryAddIn,
        lambda case, _, actor, p, c: services.signatory_add(
            case=case, actor=actor, signatory=_signatory_in(p), **c
        ),
        lambda s: f"Signatory {s.number} added.",
        permission="petition-signatory",
    ),
    NestedAction(
        "petition-signatory-change",
        "Correct a signatory's details",
        "/cases/{reference}/petition/signatories/{signatory_id}/change",
        PetitionSignatoryChangeIn,
        lambda case, signatory, actor, p, c: services.signatory_change(
            signatory=signatory,
            actor=actor,
            changes=p.model_dump(exclude={"occurred_at", "version"}, exclude_none=True),
            **c,
        ),
        lambda s: f"Signatory {s.number} corrected.",
        permission="petition-signatory",
        target="signatory",
    ),
    NestedAction(
        "petition-signatory-remove",
        "Remove a signatory",
        "/cases/{reference}/petition/signatories/{signatory_id}/remove",
        PetitionSignatoryRemoveIn,
        lambda case, signatory, actor, p, c: services.signatory_remove(
            signatory=signatory, actor=actor, reason=p.reason, **c
        ),
        lambda petition: "Signatory removed.",
        permission="petition-signatory",
        warning=True,
        target="signatory",
    ),
    NestedAction(
        "petition-clear",
        "Confirm the issues are clear",
        "/cases/{reference}/petition/clear",
        PetitionClearIn,
        lambda case, _, actor, p, c: services.petition_confirm_clear(
            case=case, actor=actor, note=p.note, **c
        ),
        lambda petition: "Recorded: the issues in the petition are clear.",
        permission="petition-clear",
    ),
    NestedAction(
        "petition-lead-contacted",
        "Record that the lead petitioner was contacted",
        "/cases/{reference}/petition/lead-contacted",
        PetitionLeadContactedIn,
        lambda case, _, actor, p, c: services.petition_lead_contacted(
            case=case, actor=actor, how=p.how, note=p.note, **c
        ),
        lambda petition: "Recorded: the lead petitioner was contacted.",
        permission="petition-lead-contacted",
    ),
    NestedAction(
        "petition-acknowledge",
        "Acknowledge to every signatory",
        "/cases/{reference}/petition/acknowledge",
        PetitionAcknowledgeIn,
        lambda case, _, actor, p, c: services.petition_acknowledge(case=case, actor=actor, **c),
        _sent,
        permission="petition-write",
        button="Send the acknowledgements",
    ),
    NestedAction(
        "petition-update",
        "Send a progress update to every signatory",
        "/cases/{reference}/petition/update",
        PetitionUpdateIn,
        lambda case, _, actor, p, c: services.petition_update(
            case=case, actor=actor, text=p.text, **c
        ),
        _sent,
        permission="petition-write",
        button="Send the update",
    ),
    NestedAction(
        "petition-respond",
        "Send the written response to the petitioners",
        "/cases/{reference}/petition/respond",
        PetitionRespondIn,
        lambda case, _, actor, p, c: services.petition_respond(
            case=case, actor=actor, outcome=p.outcome, text=p.text, **c
        ),
        _sent,
        permission="petition-respond",
        button="Send the response",
    ),
    NestedAction(
        "petition-unhappy",
        "Record petitioners unhappy with the response",
        "/cases/{reference}/petition/unhappy",
        PetitionUnhappyIn,
        lambda case, _, actor, p, c: services.petition_record_unhappy(
            case=case, actor=actor, numbers=p.numbers, reason=p.reason, **c
        ),
        lambda petition: "Recorded who is unhappy with the response.",
        permission="petition-unhappy",
    ),
    NestedAction(
        "petition-decide",
        "Decide whether the petition goes to stage 2",
        "/cases/{reference}/petition/decide",
        PetitionDecideIn,
        lambda case, _, actor, p, c: _decide(case, actor, p, c),
        lambda petition: (
            "Escalated to stage 2: the dissatisfied petitioners were written to."
            if petition.escalation_decision == "stage2"
            else "Recorded: further advice given."
        ),
        permission="petition-escalate",
        warning=True,
    ),
)

PETITION_BY_NAME: dict[str, NestedAction] = {a.name: a for a in PETITION_ACTIONS}


def signatory_of(case: Case, signatory_id: int) -> Signatory | None:
    """The signatory with this id on the case's petition, or None."""
    return (
        Signatory.objects.select_related("petition__case", "person")
        .filter(pk=signatory_id, petition__case=case)
        .first()
    )


def perform_petition(
    action: NestedAction, *, user: User, case: Case, target: Any, payload: In
) -> Any:
    """Take a petition action as ``user``: their role, then the service, decide."""
    require_action(user, case, action.permission)
    occurred_at = aware(getattr(payload, "occurred_at", None))
    common = {"expected_version": getattr(payload, "version", None), "occurred_at": occurred_at}
    return action.run(case, target, Actor(user), payload, common)
