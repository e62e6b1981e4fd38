"""Every change to a petition: one transaction each, each an event in its case's chronology.

A petition is one case (kind ``petition``, its customer the lead petitioner) with its
signatories (Southern 4.11). Each service locks the case through the case services (the
version the person saw is checked; a crash rolls the whole action back) and appends one
event of kind ``note`` carrying ``data["petition"]`` (what was done, to whom) and ``text``
(the same in words, shown on the timeline). Letters to many petitioners are one batch and
one event listing who got what and how.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from putright.accounts.access import roles_in
from putright.accounts.models import User
from putright.accounts.selectors import line_manager_of, people_for_role
from putright.cases.errors import (
    CaseInputError,
    CaseStateError,
    NotPermittedError,
    PolicyRuleError,
)
from putright.cases.models import Case, EventKind, Kind
from putright.cases.selectors import case_deadlines, case_events, case_pack, stage_events
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_assign,
    case_escalate,
    case_mark_step_done,
    case_record_event,
)
from putright.domain.calendar import describe
from putright.domain.policy import Completion
from putright.letters.models import Channel
from putright.people.models import Person, Tenure
from putright.people.services import normalise_postcode, person_create, person_update
from putright.quality.responses import response_send

from . import letters
from .models import Batch, Letter, Petition, Signatory, Signature

NOT_A_PETITION = "Case {reference} is not a petition."
NO_PETITION = "Record the petition's signatories first."
ALREADY = "The petition on {reference} is already recorded: add or change signatories instead."
NO_LINE_MANAGER = (
    "{person} has no line manager recorded in PutRight: record one (putright user), then "
    "record the petition, which goes to them (Southern 4.11.1)."
)
LEAD_STAYS = "The lead petitioner cannot be removed: they are the case's customer."
ALREADY_WRITTEN = "{name} has already been written to; their letters stay on the petition."
NONE_UNHAPPY = "Say which petitioners are unhappy with the response."
REPRESENTATIVE_UNHAPPY = "The representative must be one of the petitioners who are unhappy."
NOT_AGREED = "The nominated petitioner must agree to represent the others before it goes on."
NOT_RESPONDED = "The petitioners have not had the written response yet."
FIELDS = ("name", "address", "postcode", "signature", "email", "phone", "preferred_contact")


@dataclass(frozen=True)
class SignatoryIn:
    """One line of a petition as written: name, address, postcode, whether signed, and how
    to reach them (optional)."""

    name: str
    address: str = ""
    postcode: str = ""
    signature_seen: bool = False
    email: str = ""
    phone: str = ""
    preferred_contact: str = ""


# -- reading ------------------------------------------------------------------------------


def petition_of(case: Case) -> Petition:
    """The case's petition, or a refusal saying what to do first."""
    if case.kind != Kind.PETITION:
        raise CaseStateError(NOT_A_PETITION.format(reference=case.reference))
    petition = Petition.objects.filter(case=case).first()
    if petition is None:
        raise CaseStateError(NO_PETITION)
    return petition


def people_represented(petition: Petition) -> int:
    """How many people the petition speaks for: its signatories (the lead among them)."""
    return petition.signatories.count()


# -- the shared steps ------------------------------------------------------------------


def _event(
    case: Case,
    actor: Actor,
    action: str,
    text: str,
    details: dict[str, Any],
    *,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """One event on the case: ``text`` for the timeline, ``petition`` for the record."""
    return case_record_event(
        case=case,
        actor=actor,
        kind=EventKind.NOTE,
        data={"text": text, "petition": {"action": action, **details}},
        expected_version=expected_version,
        occurred_at=occurred_at,
    )


def _person_for(case: Case, given: SignatoryIn, actor: Actor) -> Person:
    """The organisation's existing customer with this name and postcode, else a new person
    (a non-resident has no account: a person record is all they need)."""
    postcode = normalise_postcode(given.postcode)
    if given.name.strip() and postcode:
        match = Person.objects.filter(
            organisation=case.organisation,
            name__iexact=given.name.strip(),
            postcode=postcode,
            anonymised_at__isnull=True,
        ).first()
        if match is not None:
            return match
    return person_create(
        organisation=case.organisation,
        name=given.name,
        email=given.email,
        phone=given.phone,
        address=given.address,
        postcode=given.postcode,
        preferred_contact=given.preferred_contact,
        tenure=Tenure.UNKNOWN,
        actor=actor,
    )


def _add(
    petition: Petition, given: SignatoryIn, actor: Actor, number: int, index: int
) -> Signatory:
    try:
        person = _person_for(petition.case, given, actor)
    except CaseInputError as error:
        fields = {f"signatories[{index}].{f}": m for f, m in error.fields.items()}
        raise CaseInputError(error.message, fields=fields) from None
    if petition.signatories.filter(person=person).exists():
        message = f"{person.name} has already signed this petition."
        raise CaseInputError(message, fields={f"signatories[{index}].name": message})
    return Signatory.objects.create(
        petition=petition,
        person=person,
        number=number,
        name=given.name.strip(),
        address=given.address.strip(),
        postcode=normalise_postcode(given.postcode),
        signature=Signature.SEEN if given.signature_seen else Signature.NOT_SEEN,
        added_at=timezone.now(),
    )


def _gaps(signatories: Sequence[Signatory]) -> list[dict[str, Any]]:
    return [
        {"number": s.number, "name": s.name, "missing": s.missing} for s in signatories if s.missing
    ]


def _gaps_in_words(signatories: Sequence[Signatory]) -> str:
    gaps = _gaps(signatories)
    if not gaps:
        return "Every signatory gave a name, address, postcode and signature."
    listed = "; ".join(
        f"{g['number']}. {g['name'] or 'no name'}: {', '.join(g['missing'])}" for g in gaps
    )
    return f"{len(gaps)} with details missing: {listed}."


# -- receipt (4.11.1) --------------------------------------------------------------------


@transaction.atomic
def petition_record(
    *,
    case: Case,
    actor: Actor,
    signatories: Sequence[SignatoryIn],
    lead_signature_seen: bool = True,
    against_staff: User | None = None,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Petition:
    """Record who signed the petition logged as this case: the lead petitioner (the case's
    customer) first, then each signatory as a person (an existing customer matched by name
    and postcode, never duplicated). A petition about a member of staff goes to their line
    manager and is restricted like a conduct case (4.11.1)."""
    if case.kind != Kind.PETITION:
        raise CaseStateError(NOT_A_PETITION.format(reference=case.reference))
    if Petition.objects.filter(case=case).exists():
        raise CaseStateError(ALREADY.format(reference=case.reference))
    if case.customer is None:
        message = "A petition is logged under its lead petitioner: the case has no customer."
        raise CaseInputError(message, fields={"customer": message})
    manager = None
    if against_staff is not None:
        if not roles_in(against_staff, case.organisation_id):
            message = f"{against_staff} does not work here."
            raise CaseInputError(message, fields={"against_staff": message})
        manager = line_manager_of(against_staff)
        if manager is None:
            message = NO_LINE_MANAGER.format(person=against_staff)
            raise CaseInputError(message, fields={"against_staff": message})
    now = timezone.now()
    petition = Petition.objects.create(case=case, against_staff=against_staff, recorded_at=now)
    lead = case.customer
    added = [
        Signatory.objects.create(
            petition=petition,
            person=lead,
            number=1,
            lead=True,
            name=lead.name,
            address=lead.address,
            postcode=lead.postcode,
            signature=Signature.SEEN if lead_signature_seen else Signature.NOT_SEEN,
            added_at=now,
        )
    ]
    for index, given in enumerate(signatories):
        added.append(_add(petition, given, actor, len(added) + 1, index))
    text = f"Petition recorded: {len(added)} signatories, led by {lead.name}. " + _gaps_in_words(
        added
    )
    if against_staff is not None:
        text += f" It is about {against_staff}: restricted, and handled by {manager}."
    case = _event(
        case,
        actor,
        "recorded",
        text,
        {
            "signatories": [
                {"number": s.number, "name": s.name, "person_id": s.person_id} for s in added
            ],
            "missing": _gaps(added),
            "against_staff_id": against_staff.pk if against_staff else None,
        },
        expected_version=expected_version,
        occurred_at=occurred_at,
    )
    if against_staff is not None and manager is not None:
        # Restricted like a conduct case: only the complaints manager and those named see it.
        Case.objects.filter(pk=case.pk).update(conduct=True)
        case.conduct = True
        case_assign(case=case, actor=actor, handler=manager, occurred_at=occurred_at)
    return petition


@transaction.atomic
def signatory_add(
    *,
    case: Case,
    actor: Actor,
    signatory: SignatoryIn,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Signatory:
    """Add a signatory found later (a second sheet of the petition)."""
    petition = petition_of(case)
    number = (
        petition.signatories.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    added = _add(petition, signatory, actor, number, 0)
    missing = f" Missing: {', '.join(added.missing)}." if added.missing else ""
    _event(
        case,
        actor,
        "signatory_added",
        f"Signatory {added.number} added: {added.name}.{missing}",
        {"number": added.number, "name": added.name, "person_id": added.person_id},
        expected_version=expected_version,
        occurred_at=occurred_at,
    )
    return added


@transaction.atomic
def signatory_change(
    *,
    signatory: Signatory,
    actor: Actor,
    changes: dict[str, Any],
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Signatory:
    """Correct a signatory's details as on the petition (and their contact details on their
    person record); the event names the fields changed, not their values."""
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        message = f"{unknown[0]} cannot be changed here."
        raise CaseInputError(message, fields={unknown[0]: message})
    case = signatory.petition.case
    signatory = Signatory.objects.select_for_update().get(pk=signatory.pk)
    changed: list[str] = []
    for field in ("name", "address"):
        if field in changes and str(changes[field]).strip() != getattr(signatory, field):
            setattr(signatory, field, str(changes[field]).strip())
            changed.append(field)
    if "postcode" in changes:
        postcode = normalise_postcode(str(changes["postcode"] or ""))
        if postcode != signatory.postcode:
            signatory.postcode = postcode
            changed.append("postcode")
    if "signature" in changes:
        seen = Signature.SEEN if changes["signature"] else Signature.NOT_SEEN
        if seen != signatory.signature:
            signatory.signature = seen
            changed.append("signature")
    if not signatory.name:
        message = "Give the signatory's name as written on the petition."
        raise CaseInputError(message, fields={"name": message})
    contact = {
        f: changes[f]
        for f in ("name", "address", "postcode", "email", "phone", "preferred_contact")
        if f in changes and changes[f] is not None
    }
    if contact:
        person_update(person=signatory.person, actor=actor, **contact)
        changed.extend(f for f in ("email", "phone", "preferred_contact") if f in contact)
    if not changed:
        raise CaseInputError("Nothing was changed.", fields={"name": "Nothing was changed."})
    signatory.save()
    missing = (
        f" Still missing: {', '.join(signatory.missing)}." if signatory.missing else " Complete."
    )
    _event(
        case,
        actor,
        "signatory_changed",
        f"Signatory {signatory.number} ({signatory.name}) corrected: {', '.join(changed)}.{missing}",
        {"number": signatory.number, "fields": changed},
        expected_version=expected_version,
        occurred_at=occurred_at,
    )
    return signatory


@transaction.atomic
def signatory_remove(
    *,
    signatory: Signatory,
    actor: Actor,
    reason: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Petition:
    """Take off a line recorded by mistake (not the lead, not someone already written to)."""
    if not reason.strip():
        message = "Say why the signatory is removed."
        raise CaseInputError(message, fields={"reason": message})
    if signatory.lead:
        raise CaseStateError(LEAD_STAYS)
    if signatory.letters.exists():
        raise CaseStateError(ALREADY_WRITTEN.format(name=signatory.name))
    petition = signatory.petition
    number, name = signatory.number, signatory.name
    signatory.delete()
    _event(
        petition.case,
        actor,
        "signatory_removed",
        f"Signatory {number} ({name}) removed: {reason.strip()}",
        {"number": number, "name": name, "reason": reason.strip()},
        expected_version=expected_version,
        occurred_at=occurred_at,
    )
    return petition


@transaction.atomic
def petition_confirm_clear(
    *,
    case: Case,
    actor: Actor,
    note: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Petition:
    """Confirm the petition is clear and concise and says what caused it (4.11.1)."""
    petition = petition_of(case)
    if petition.issues_clear_at is not None:
        raise CaseStateError("The issues were already confirmed as clear.")
    case = _event(
        case,
        actor,
        "issues_clear",
        "The issues in the petition are clear." + (f" {note.strip()}" if note.strip() else ""),
        {"note": note.strip()},
        expected_version=expected_version,
        occurred_at=occurred_at,
    )
    petition.issues_clear_at = timezone.now()
    petition.issues_clear_by = actor.user
    petition.issues_clear_note = note.strip()
    petition.save(update_fields=["issues_clear_at", "issues_clear_by", "issues_clear_note"])
    return petition


# -- management (4.11.2) -----------------------------------------------------------------


@transaction.atomic
def petition_lead_contacted(
    *,
    case: Case,
    actor: Actor,
    how: str,
    note: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Petition:
    """The lead petitioner identified and contacted: the stage's contact milestone is done."""
    petition = petition_of(case)
    if not how.strip():
        message = "Say how the lead petitioner was contacted (a call, an e-mail)."
        raise CaseInputError(message, fields={"how": message})
    if petition.lead_contacted_at is not None:
        raise CaseStateError("The lead petitioner was already recorded as contacted.")
    stage = case_pack(case).stage(case.stage)
    milestone = next(
        (
            s.id
            for s in stage.steps_for(case.route or None)
            if s.completion() is Completion.CONTACTED
        ),
        None,
    )
    lead = petition.signatories.get(lead=True)
    case = _event(
        case,
        actor,
        "lead_contacted",
        f"Lead petitioner {lead.name} contacted ({how.strip()})."
        + (f" {note.strip()}" if note.strip() else ""),
        {"how": how.strip(), "note": note.strip(), "lead": lead.number},
        expected_version=expected_version,
        occurred_at=occurred_at,
    )
    if milestone is not None:
        case_mark_step_done(case=case, actor=actor, step=milestone, occurred_at=occurred_at)
    petition.lead_contacted_at = occurred_at or timezone.now()
    petition.save(update_fields=["lead_contacted_at"])
    return petition


def _batch(
    case: Case,
    petition: Petition,
    actor: Actor,
    kind: str,
    to: Sequence[Signatory],
    *,
    text: str = "",
    context: dict[str, Any] | None = None,
    occurred_at: datetime.datetime | None = None,
    responded: Any = None,
    expected_version: int | None = None,
) -> Batch:
    """Write to each of ``to`` their own way, keep every letter, and record one event."""
    if not to:
        raise CaseStateError("There is nobody to write to.")
    events = list(case_events(case))
    written = letters.write_all(case, to, kind, context or {}, responded=responded, events=events)
    channels = Counter(w.channel for w in written)
    calls = sum(1 for w in written if w.call)
    label = dict(Batch.Kind.choices)[kind]
    how = ", ".join(
        f"{n} by {dict(Channel.choices).get(c, c).lower()}" for c, n in sorted(channels.items())
    )
    summary = f"{label} sent to {len(written)} petitioners: {how}."
    if calls:
        summary += f" {calls} to call as well, as they prefer the phone."
    listed = [
        {
            "number": w.signatory.number,
            "name": w.signatory.name,
            "channel": w.channel,
            "status": w.status,
            "call": bool(w.call),
        }
        for w in written
    ]
    case = _event(
        case,
        actor,
        f"batch_{kind}",
        summary,
        {"batch": kind, "letters": listed},
        expected_version=expected_version,
        occurred_at=occurred_at,
    )
    sequence = case.events.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    batch = Batch.objects.create(
        petition=petition,
        kind=kind,
        event_sequence=sequence,
        text=text,
        sent_by=actor.user,
        sent_at=timezone.now(),
    )
    Letter.objects.bulk_create(
        Letter(
            batch=batch,
            signatory=w.signatory,
            channel=w.channel,
            status=w.status,
            recipient=w.recipient,
            call=w.call,
            subject=w.subject,
            html=w.html,
        )
        for w in written
    )
    letters.send_emails(case, written)
    return batch


def _response_due(case: Case) -> datetime.date | None:
    stage = case_pack(case).stage(case.stage)
    respond = {
        s.id for s in stage.steps_for(case.route or None) if s.completion() is Completion.RESPONDED
    }
    due = [d.due for d in case_deadlines(case) if d.stage == case.stage and d.step in respond]
    return min(due, default=None)


@transaction.atomic
def petition_acknowledge(
    *,
    case: Case,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Batch:
    """Acknowledge the petition to every signatory, each their own way, saying when the full
    response is due (4.11.2): the stage's acknowledgement is done when the batch is sent."""
    petition = petition_of(case)
    case = case_acknowledge(
        case=case,
        actor=actor,
        method="letters to every signatory",
        expected_version=expected_version,
        occurred_at=occurred_at,
    )
    due = _response_due(case)
    return _batch(
        case,
        petition,
        actor,
        Batch.Kind.ACKNOWLEDGEMENT,
        list(petition.signatories.select_related("person")),
        context={
            "due": describe(due) if due else "",
            "summary": case.summary,
            "signatories": petition.signatories.count(),
        },
        occurred_at=occurred_at,
    )


@transaction.atomic
def petition_update(
    *,
    case: Case,
    actor: Actor,
    text: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Batch:
    """Tell every petitioner how the investigation is going (4.11.2)."""
    petition = petition_of(case)
    if not text.strip():
        message = "Say what has happened so far."
        raise CaseInputError(message, fields={"text": message})
    due = _response_due(case)
    return _batch(
        case,
        petition,
        actor,
        Batch.Kind.UPDATE,
        list(petition.signatories.select_related("person")),
        text=text.strip(),
        context={"text": text.strip(), "due": describe(due) if due else ""},
        occurred_at=occurred_at,
        expected_version=expected_version,
    )


@transaction.atomic
def petition_respond(
    *,
    case: Case,
    actor: Actor,
    outcome: str,
    text: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Batch:
    """Send the written response at this stage, copied to every petitioner (4.11.2); at a later
    stage, to the nominated representative who speaks for the rest (4.11.3)."""
    petition = petition_of(case)
    case = response_send(
        case=case,
        actor=actor,
        outcome=outcome,
        text=text,
        expected_version=expected_version,
        occurred_at=occurred_at,
    )
    responded = next(e for e in reversed(list(case_events(case))) if e.kind == EventKind.RESPONDED)
    signatories = petition.signatories.select_related("person")
    representative = signatories.filter(representative=True).first()
    to = [representative] if representative is not None else list(signatories)
    return _batch(
        case,
        petition,
        actor,
        Batch.Kind.RESPONSE,
        to,
        text=text.strip(),
        occurred_at=occurred_at,
        responded=responded,
    )


# -- escalation (4.11.3) -----------------------------------------------------------------


@transaction.atomic
def petition_record_unhappy(
    *,
    case: Case,
    actor: Actor,
    numbers: Sequence[int],
    reason: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Petition:
    """Record which petitioners (all or some) are unhappy with the response."""
    petition = petition_of(case)
    if not any(e.kind == EventKind.RESPONDED for e in stage_events(case, case_events(case))):
        raise CaseStateError(NOT_RESPONDED)
    if not numbers:
        raise CaseInputError(NONE_UNHAPPY, fields={"numbers": NONE_UNHAPPY})
    found = list(petition.signatories.filter(number__in=set(numbers)))
    unknown = sorted(set(numbers) - {s.number for s in found})
    if unknown:
        message = f"The petition has no signatory {unknown[0]}."
        raise CaseInputError(message, fields={"numbers": message})
    for signatory in found:
        signatory.unhappy = True
        signatory.unhappy_reason = reason.strip()
        signatory.save(update_fields=["unhappy", "unhappy_reason"])
    total = petition.signatories.count()
    unhappy = petition.signatories.filter(unhappy=True).count()
    who = "All" if unhappy == total else f"{unhappy} of {total}"
    _event(
        case,
        actor,
        "unhappy",
        f"{who} petitioners are unhappy with the response: "
        + ", ".join(f"{s.number}. {s.name}" for s in found)
        + (f". {reason.strip()}" if reason.strip() else "."),
        {"numbers": sorted(s.number for s in found), "reason": reason.strip()},
        expected_version=expected_version,
        occurred_at=occurred_at,
    )
    return petition


def _require_decider(case: Case, actor: Actor) -> str:
    """Where the pack names who decides and someone holds that role here, only they do; the
    event names the role either way."""
    pack = case_pack(case)
    rule = pack.petitions
    if rule is None or not rule.escalation_decided_by:
        return ""
    titles = {r.id: r.title for r in pack.roles}
    named = " or ".join(titles.get(r, r) for r in rule.escalation_decided_by)
    holders: list[User] = []
    for role in rule.escalation_decided_by:
        holders += people_for_role(organisation=case.organisation, pack=pack, role_id=role)
    if holders and (actor.user is None or actor.user.pk not in {u.pk for u in holders}):
        raise NotPermittedError(
            f"The policy says the {named} decides whether a petition goes further ({rule.source}).",
            rule="petitions.escalation_decided_by",
            source=rule.source,
        )
    return named


@transaction.atomic
def petition_decide(
    *,
    case: Case,
    actor: Actor,
    decision: str,
    reasons: str,
    representative: int | None = None,
    representative_agreed: bool = False,
    handler: User | None = None,
    route: str = "",
    accept_late: bool = False,
    late_reason: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Petition:
    """The Area Manager / Head of decides: further advice, or stage 2 with one unhappy
    petitioner nominated (and agreeing) to represent the rest, every dissatisfied petitioner
    told in writing, and a new handler (4.11.3)."""
    petition = petition_of(case)
    problems: dict[str, str] = {}
    if decision not in ("stage2", "further_advice"):
        problems["decision"] = "Choose stage2 or further_advice."
    if not reasons.strip():
        problems["reasons"] = "Give the reasons for the decision."
    if problems:
        raise CaseInputError("The decision is incomplete.", fields=problems)
    unhappy = list(petition.signatories.filter(unhappy=True).select_related("person"))
    if not unhappy:
        raise CaseStateError("Record which petitioners are unhappy first.")
    as_role = _require_decider(case, actor)
    decided_as = f" (as {as_role})" if as_role else ""
    now = timezone.now()
    if decision == "further_advice":
        _event(
            case,
            actor,
            "further_advice",
            f"Further advice or alternative solutions given instead of stage 2{decided_as}: {reasons.strip()}",
            {"decision": decision, "reasons": reasons.strip(), "decided_as": as_role},
            expected_version=expected_version,
            occurred_at=occurred_at,
        )
        petition.escalation_decision = decision
        petition.escalation_decided_by = actor.user
        petition.escalation_decided_at = now
        petition.save(
            update_fields=["escalation_decision", "escalation_decided_by", "escalation_decided_at"]
        )
        return petition
    pack = case_pack(case)
    nominated: Signatory | None = None
    if pack.petitions is not None and pack.petitions.representative:
        nominated = next((s for s in unhappy if s.number == representative), None)
        if nominated is None:
            raise CaseInputError(
                REPRESENTATIVE_UNHAPPY, fields={"representative": REPRESENTATIVE_UNHAPPY}
            )
        if not representative_agreed:
            raise PolicyRuleError(
                NOT_AGREED,
                rule="petitions.representative",
                source=pack.petitions.source,
                fields={"representative_agreed": NOT_AGREED},
            )
    if handler is None:
        message = "Choose the stage 2 handler: someone who did not handle the petition."
        raise CaseInputError(message, fields={"handler": message})
    _event(
        case,
        actor,
        "escalation_decided",
        f"Escalated to stage 2{decided_as}: {reasons.strip()}"
        + (
            f" {nominated.name} (signatory {nominated.number}) represents the other petitioners and agreed."
            if nominated
            else ""
        ),
        {
            "decision": decision,
            "reasons": reasons.strip(),
            "decided_as": as_role,
            "representative": nominated.number if nominated else None,
            "representative_agreed": bool(nominated),
        },
        expected_version=expected_version,
        occurred_at=occurred_at,
    )
    case = case_escalate(
        case=case,
        actor=actor,
        route=route,
        reasons=reasons,
        accept_late=accept_late,
        late_reason=late_reason,
        occurred_at=occurred_at,
    )
    case = case_assign(case=case, actor=actor, handler=handler, occurred_at=occurred_at)
    if nominated is not None:
        nominated.representative = True
        nominated.representative_agreed_at = occurred_at or now
        nominated.save(update_fields=["representative", "representative_agreed_at"])
    petition.escalation_decision = decision
    petition.escalation_decided_by = actor.user
    petition.escalation_decided_at = now
    petition.save(
        update_fields=["escalation_decision", "escalation_decided_by", "escalation_decided_at"]
    )
    due = _response_due(case)
    _batch(
        case,
        petition,
        actor,
        Batch.Kind.ESCALATION,
        unhappy,
        text=reasons.strip(),
        context={
            "representative": nominated,
            "stage": case_pack(case).stage(case.stage).label,
            "route": case.route,
            "due": describe(due) if due else "",
            "new_handler": handler,
        },
        occurred_at=occurred_at,
    )
    return petition
