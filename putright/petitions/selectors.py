"""Reading a petition: its signatories with what is missing, and its batches of letters."""

from __future__ import annotations

from typing import Any

from putright.cases.errors import CaseStateError
from putright.cases.models import Case, Kind

from .models import Petition


def petition_for(case: Case) -> Petition | None:
    """The case's petition, if one is recorded."""
    return Petition.objects.filter(case=case).select_related("against_staff").first()


def petition_answer(case: Case, *, personal: bool) -> dict[str, Any]:
    """The petition as the API answers it; addresses only for those who may see them."""
    if case.kind != Kind.PETITION:
        raise CaseStateError(f"Case {case.reference} is not a petition.")
    petition = petition_for(case)
    if petition is None:
        raise CaseStateError("Record the petition's signatories first.")
    signatories = list(petition.signatories.all())
    batches = list(petition.batches.prefetch_related("letters__signatory"))
    return {
        "case": case.reference,
        "stage": case.stage,
        "people_represented": len(signatories),
        "against_staff": petition.against_staff.username if petition.against_staff else None,
        "issues_clear": petition.issues_clear_at is not None,
        "lead_contacted_at": petition.lead_contacted_at,
        "incomplete": sum(1 for s in signatories if s.missing),
        "escalation_decision": petition.escalation_decision,
        "signatories": [
            {
                "id": s.pk,
                "number": s.number,
                "lead": s.lead,
                "name": s.name,
                "address": s.address if personal else None,
                "postcode": s.postcode if personal else None,
                "signature_seen": s.signature == "seen",
                "missing": s.missing,
                "person_id": s.person_id,
                "unhappy": s.unhappy,
                "representative": s.representative,
                "representative_agreed_at": s.representative_agreed_at,
            }
            for s in signatories
        ],
        "batches": [
            {
                "kind": b.kind,
                "event": b.event_sequence,
                "sent_at": b.sent_at,
                "letters": [
                    {
                        "signatory": letter.signatory.number,
                        "channel": letter.channel,
                        "status": letter.status,
                        "call": bool(letter.call),
                    }
                    for letter in b.letters.all()
                ],
            }
            for b in batches
        ],
    }
