"""Sending letters as the customer prefers, and the ombudsman bundle."""

from __future__ import annotations

from dataclasses import dataclass

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
from .rendering import LetterSpec, letter_for, letters_called_for, render_letter, render_pdf
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


def _channel_for(case: Case, spec: LetterSpec) -> tuple[str, str, str]:
    """How to send it (channel, status, recipient), honouring the preferred contact method."""
    if spec.audience == "internal":
        return Channel.INTERNAL, Status.SENT, case.investigating_team or "investigating team"
    customer = case.customer
    if customer is None:
        raise CaseStateError("There is no customer to write to on this case.")
    preferred = customer.preferred_contact
    if preferred == "email" and customer.email:
        return Channel.EMAIL, Status.SENT, customer.email
    if preferred in ("phone", "text") and customer.phone:
        return Channel.PHONE, Status.TO_CALL, customer.phone
    if customer.address or customer.postcode:
        return Channel.POST, Status.QUEUED_FOR_PRINT, customer.name
    if customer.email:
        return Channel.EMAIL, Status.SENT, customer.email
    raise CaseStateError("The customer has no e-mail address or postal address on record.")


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
        needs = (case.customer.accessibility_needs if case.customer else "").lower()
        large_print = "large print" in needs
    subject, html = render_letter(case, event, spec, events, large_print=large_print)
    channel, status, recipient = _channel_for(case, spec)
    pdf = render_pdf(html)
    now = timezone.now()
    letter = Correspondence(
        case=case,
        template=spec.template,
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
    letter.pdf.save(
        f"{case.reference}-{sequence}-{spec.template}.pdf", ContentFile(pdf), save=False
    )
    letter.save()
    if channel == Channel.EMAIL:
        message = EmailMultiAlternatives(
            subject=subject,
            body=plain_text(html),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient],
        )
        message.attach_alternative(html, "text/html")
        message.attach(f"{case.reference}.pdf", pdf, "application/pdf")
        transaction.on_commit(message.send)
    case_record_letter(
        case=case,
        actor=actor,
        data={
            "correspondence_id": letter.pk,
            "template": spec.template,
            "subject": subject,
            "channel": channel,
            "status": status,
            "about_event": sequence,
            "large_print": large_print,
        },
    )
    return letter


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
