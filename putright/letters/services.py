"""Sending letters as the customer prefers, and the ombudsman bundle."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from putright.cases.errors import CaseInputError, CaseStateError
from putright.cases.models import Case, Event
from putright.cases.ombudsman import case_ombudsman
from putright.cases.selectors import case_events
from putright.cases.services import Actor, case_record_letter
from putright.domain.calendar import describe

from .models import Channel, Correspondence, Status
from .rendering import (
    LetterSpec,
    inline_style_sheets,
    letter_for,
    letters_called_for,
    render_letter,
    render_pdf,
)
from .words import pack_or_none, plain_text

NO_LETTER = "Event {sequence} does not call for a letter under this policy."
ALREADY_SENT = "That letter was already sent on {on}."


@dataclass(frozen=True)
class DueLetter:
    event: Event
    spec: LetterSpec


def letters_due(case: Case) -> list[DueLetter]:
    """Letters the chronology calls for that have not been sent."""
    events = list(case_events(case))
    sent = set(case.correspondence.values_list("event_sequence", "template"))
    return [DueLetter(event, spec) for event, spec in letters_called_for(case, events, sent)]


def _event_and_spec(case: Case, sequence: int) -> tuple[Event, LetterSpec, list[Event]]:
    events = list(case_events(case))
    event = next((e for e in events if e.sequence == sequence), None)
    spec = letter_for(case, event) if event is not None else None
    if event is None or spec is None:
        raise CaseInputError(NO_LETTER.format(sequence=sequence), fields={"event": "No letter."})
    return event, spec, events


def letter_preview(case: Case, *, sequence: int, large_print: bool = False) -> tuple[str, str]:
    """The subject and HTML of the letter an event calls for, before it is sent."""
    event, spec, events = _event_and_spec(case, sequence)
    return render_letter(case, event, spec, events, large_print=large_print)


def needs_large_print(case: Case) -> bool:
    """Whether the customer's accessibility needs ask for large print."""
    return "large print" in (case.customer.accessibility_needs if case.customer else "").lower()


def letter_delivery(case: Case, *, sequence: int) -> Delivery:
    """How the letter an event calls for will go (raises ``CaseStateError`` if it cannot)."""
    _event, spec, _events = _event_and_spec(case, sequence)
    return delivery_for(case, spec)


#: The letters the Code requires in writing: a phone or text preference adds a call beside
#: them, and never replaces them.
WRITTEN_KINDS = frozenset(
    {
        "acknowledgement",
        "extension",
        "response",
        "final_response",
        "escalation_refused",
        "refusal_to_accept",
        "closure",
    }
)
#: The template of the call to make beside a written letter (``<template>:call``).
CALL_SUFFIX = ":call"
NO_ADDRESS = (
    "This letter must be sent in writing, but the customer has no e-mail address or postal "
    "address on record. Record one (ask them if need be), then send it."
)


@dataclass(frozen=True)
class Delivery:
    """How a letter goes: its channel, status and recipient, and any call to make beside it."""

    channel: str
    status: str
    recipient: str
    call: str = ""  # the number to call about it, when the customer prefers the phone

    @property
    def written(self) -> bool:
        return self.channel in (Channel.EMAIL, Channel.POST)


def delivery_for(case: Case, spec: LetterSpec) -> Delivery:
    """How to send it, the customer's preferred way: in writing (e-mail where they have an
    address, otherwise post) for every letter the Code requires in writing, with a call to
    make beside it for those who prefer the phone or texts; other letters as they prefer."""
    if spec.audience == "internal":
        return Delivery(
            Channel.INTERNAL, Status.SENT, case.investigating_team or "investigating team"
        )
    customer = case.customer
    if customer is None:
        raise CaseStateError("There is no customer to write to on this case.")
    preferred = customer.preferred_contact
    by_phone = preferred in ("phone", "text") and bool(customer.phone)
    if by_phone and spec.kind not in WRITTEN_KINDS:
        return Delivery(Channel.PHONE, Status.TO_CALL, customer.phone)
    call = customer.phone if by_phone else ""
    has_address = bool(customer.address or customer.postcode)
    if customer.email and not (preferred == "letter" and has_address):
        return Delivery(Channel.EMAIL, Status.SENT, customer.email, call)
    if has_address:
        return Delivery(Channel.POST, Status.QUEUED_FOR_PRINT, customer.name, call)
    raise CaseStateError(NO_ADDRESS)


def call_about(letter: Correspondence) -> Correspondence | None:
    """The call to make beside a written letter, if the customer prefers the phone."""
    return Correspondence.objects.filter(
        case_id=letter.case_id,
        event_sequence=letter.event_sequence,
        template=letter.template + CALL_SUFFIX,
    ).first()


@transaction.atomic
def letter_send(
    *, case: Case, sequence: int, actor: Actor, large_print: bool | None = None
) -> Correspondence:
    """Render, keep and send the letter an event calls for; the chronology records it."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("organisation", "customer")
        .get(pk=case.pk)
    )
    event, spec, events = _event_and_spec(case, sequence)
    done = case.correspondence.filter(event_sequence=sequence, template=spec.template).first()
    if done is not None:
        raise CaseStateError(ALREADY_SENT.format(on=describe(timezone.localdate(done.created_at))))
    if large_print is None:
        large_print = needs_large_print(case)
    subject, html = render_letter(case, event, spec, events, large_print=large_print)
    how = delivery_for(case, spec)
    pdf = render_pdf(html)
    kept = partial(_keep, case, sequence, html=html, pdf=pdf, large_print=large_print, actor=actor)
    letter = kept(spec.template, how.channel, how.status, how.recipient, subject)
    call = (
        kept(
            spec.template + CALL_SUFFIX,
            Channel.PHONE,
            Status.TO_CALL,
            how.call,
            f"Call the customer about: {subject}",
        )
        if how.call
        else None
    )
    if how.channel == Channel.EMAIL:
        message = EmailMultiAlternatives(
            subject=subject,
            body=plain_text(html),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[how.recipient],
        )
        message.attach_alternative(inline_style_sheets(html), "text/html")
        message.attach(f"{case.reference}.pdf", pdf, "application/pdf")
        transaction.on_commit(message.send)
    data = {
        "correspondence_id": letter.pk,
        "template": spec.template,
        "subject": subject,
        "channel": how.channel,
        "status": how.status,
        "about_event": sequence,
        "large_print": large_print,
    }
    if call is not None:
        data.update(call_id=call.pk, call_status=Status.TO_CALL)
    case_record_letter(case=case, actor=actor, data=data)
    return letter


def _keep(
    case: Case,
    sequence: int,
    template: str,
    channel: str,
    status: str,
    recipient: str,
    subject: str,
    *,
    html: str,
    pdf: bytes,
    large_print: bool,
    actor: Actor,
) -> Correspondence:
    """Keep one letter, e-mail or call to make, with its HTML and PDF."""
    now = timezone.now()
    item = Correspondence(
        case=case,
        template=template,
        event_sequence=sequence,
        subject=subject,
        channel=channel,
        status=status,
        recipient=recipient,
        large_print=large_print,
        html=html,
        created_by=actor.user,
        created_at=now,
        sent_at=now if status == Status.SENT else None,
    )
    name = f"{case.reference}-{sequence}-{template.replace(CALL_SUFFIX, '-call')}.pdf"
    item.pdf.save(name, ContentFile(pdf), save=False)
    item.save()
    return item


def ombudsman_bundle(case: Case) -> bytes:
    """One PDF for an Ombudsman information request: chronology, every letter, attachments."""
    events = list(case_events(case).select_related("actor"))
    letters = list(case.correspondence.order_by("created_at", "pk"))
    html = render_to_string(
        "letters/bundle.html",
        {
            "case": case,
            "pack": pack_or_none(case.policy_pack),
            "ombudsman": case_ombudsman(case),
            "events": events,
            "letters": letters,
            "attachments": list(case.attachments.order_by("uploaded_at", "pk")),
            "generated": timezone.now(),
        },
    )
    return render_pdf(html)
