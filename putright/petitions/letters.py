"""Letters to many petitioners at once, each the way that petitioner prefers.

A petition's own letters (``letters/default/petition_<kind>.html``) are written to each
signatory by name and sent by ``letters.services.delivery_for`` as if the signatory were the
case's customer: in writing (e-mail where they have an address, otherwise post) for a letter
the Code wants in writing, with a call to make beside it for those who prefer the phone.
The written response is the stage's own response letter (``letters.rendering``) with the
signatory as addressee.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from putright.cases.errors import CaseStateError
from putright.cases.models import Case, Event
from putright.letters import words
from putright.letters.models import Channel
from putright.letters.rendering import LetterSpec, letter_for, render_letter
from putright.letters.services import delivery_for

from .models import Batch, Signatory

#: What each batch says to the reader, and whether the Code wants it in writing. The kind
#: given to ``delivery_for`` is the one whose rule the letter follows: an acknowledgement
#: and a response go in writing; a progress update goes as the petitioner prefers.
KINDS: dict[str, tuple[str, str]] = {
    Batch.Kind.ACKNOWLEDGEMENT: ("We have received your petition", "acknowledgement"),
    Batch.Kind.UPDATE: ("An update on your petition", "chaser"),
    Batch.Kind.RESPONSE: ("Our response to your petition", "response"),
    Batch.Kind.ESCALATION: ("Your petition is going to the next stage", "acknowledgement"),
}


@dataclass(frozen=True)
class Written:
    """One petitioner's letter, rendered and addressed, not yet kept."""

    signatory: Signatory
    channel: str
    status: str
    recipient: str
    call: str
    subject: str
    html: str


def _addressed(case: Case, signatory: Signatory) -> Case:
    """The case as its letters see it, with this signatory as the one written to."""
    addressed = copy.copy(case)
    addressed.customer = signatory.person
    return addressed


def _petition_letter(
    case: Case, signatory: Signatory, kind: str, context: dict[str, Any]
) -> tuple[str, str]:
    subject = KINDS[kind][0]
    person = signatory.person
    full = {
        "organisation": case.organisation,
        "reference": case.reference,
        "today": words.date(timezone.localdate()),
        "customer": person,
        "addressee": person.name,
        "letter": {"audience": "customer"},
        "handler": case.handler,
        **context,
    }
    body = words.no_doubled_stops(render_to_string(f"letters/default/petition_{kind}.html", full))
    html = render_to_string(
        "letters/letter.html", {**full, "body": body, "subject": subject, "large_print": False}
    )
    return subject, html


def write_all(
    case: Case,
    signatories: Sequence[Signatory],
    kind: str,
    context: dict[str, Any],
    *,
    responded: Event | None = None,
    events: Sequence[Event] = (),
) -> list[Written]:
    """Each signatory's letter and how it goes; refused, naming them, if any cannot be sent."""
    written: list[Written] = []
    problems: dict[str, str] = {}
    spec = LetterSpec(f"petition_{kind}", KINDS[kind][1], KINDS[kind][0], "customer")
    response_spec = letter_for(case, responded) if responded is not None else None
    for signatory in signatories:
        addressed = _addressed(case, signatory)
        try:
            how = delivery_for(addressed, response_spec or spec)
        except CaseStateError:
            problems[f"signatories.{signatory.number}"] = (
                f"{signatory.name} has no e-mail or postal address: record one first."
            )
            continue
        if responded is not None and response_spec is not None:
            subject, html = render_letter(addressed, responded, response_spec, events)
        else:
            subject, html = _petition_letter(case, signatory, kind, context)
        written.append(
            Written(signatory, how.channel, how.status, how.recipient, how.call, subject, html)
        )
    if problems:
        raise CaseStateError(
            "Some petitioners cannot be written to: " + "; ".join(problems.values()),
            fields=problems,
        )
    return written


def send_emails(case: Case, letters: Sequence[Written]) -> None:
    """E-mail those who prefer it, once the batch commits."""
    for letter in letters:
        if letter.channel != Channel.EMAIL:
            continue
        message = EmailMultiAlternatives(
            subject=letter.subject,
            body=words.plain_text(letter.html),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[letter.recipient],
        )
        message.attach_alternative(letter.html, "text/html")
        transaction.on_commit(message.send)
