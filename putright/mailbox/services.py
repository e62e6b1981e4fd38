"""Receiving e-mail and classifying it: every change to an incoming message, one transaction each.

``message_receive`` keeps a raw message once per Message-ID (again: nothing new), reads it,
matches its sender to a person by e-mail address and its subject to an open case by
reference, and keeps its attachments (those of an accepted type, checked like any upload;
the others listed with why). One that cannot be read is kept and listed with why.

Staff then classify it: ``message_new_case`` (a new case, through ``case_receive``),
``message_add_to_case`` (a contact on a case, with its files) or ``message_not_complaint``.
Each checks the role (``ACTION_ROLES``), the message's version, records an entry in the
message's history and, where a case changes, the case's own events.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from putright.accounts.access import can_see_case, require_action, require_organisation_role
from putright.accounts.actors import Actor
from putright.cases.errors import CaseError, CaseInputError, CaseStateError, ConflictError
from putright.cases.models import Case, Channel, Status, clean_file_name
from putright.cases.services import case_attach, case_receive, case_record_contact, check_attachment
from putright.organisations.models import Organisation
from putright.people.models import Person
from putright.people.services import person_create
from putright.timeline.services import record_event

from .models import IncomingAttachment, IncomingMessage, MessageStatus, Source
from .parsing import ParsedMessage, UnreadableMessageError, message_key, parse_message

log = logging.getLogger(__name__)

RECORD_TYPE = "incoming_message"
ALREADY_CLASSIFIED = "This message has already been classified ({status})."
STALE = "Someone else changed this message first: look at it again before classifying it."
UNREADABLE = "This message could not be read; record what it says yourself from the raw message."
NO_CASE = "There is no open case {reference} of {organisation}."
NO_REASON = "Say why it is not a complaint."
NO_NAME = "Give the customer's name: nobody with this e-mail address is known."


@dataclass(frozen=True)
class Received:
    message: IncomingMessage
    created: bool


# -- receiving --------------------------------------------------------------------------


def message_receive(
    *,
    organisation: Organisation,
    raw: bytes,
    source: str,
    mailbox: str = "",
    received_at: datetime.datetime | None = None,
) -> Received:
    """Keep a message once per Message-ID: read, matched and waiting, or unreadable with why."""
    message_id, key = message_key(raw)
    existing = IncomingMessage.objects.filter(organisation=organisation, key=key).first()
    if existing is not None:
        return Received(existing, created=False)
    try:
        with transaction.atomic():
            message = _keep(organisation, raw, message_id, key, source, mailbox, received_at)
    except IntegrityError:  # the same message, received twice at once
        found = IncomingMessage.objects.get(organisation=organisation, key=key)
        return Received(found, created=False)
    return Received(message, created=True)


def _keep(
    organisation: Organisation,
    raw: bytes,
    message_id: str,
    key: str,
    source: str,
    mailbox: str,
    received_at: datetime.datetime | None,
) -> IncomingMessage:
    now = timezone.now()
    message = IncomingMessage(
        organisation=organisation,
        key=key,
        message_id=message_id,
        source=source if source in Source.values else Source.WEBHOOK,
        mailbox=mailbox[:200],
        size=len(raw),
        received_at=min(received_at or now, now),
    )
    try:
        parsed = parse_message(raw)
    except UnreadableMessageError as exc:
        message.status = MessageStatus.UNREADABLE
        message.problem = str(exc)
        parsed = None
    if parsed is not None:
        _fill(message, parsed)
    message.raw.save(f"{key}.eml", ContentFile(raw), save=False)
    message.save()
    if parsed is not None:
        for part in parsed.files:
            _keep_file(message, part.name, part.content_type, part.content)
    record_event(
        record_type=RECORD_TYPE,
        record_id=message.pk,
        organisation=organisation,
        kind="received",
        actor=Actor.system(f"e-mail in, {message.get_source_display().lower()}"),
        occurred_at=message.received_at,
        data={
            "status": message.status,
            "problem": message.problem,
            "attachments": message.attachments.count(),
            "person_id": message.person_id,
            "case": message.case.reference if message.case else "",
        },
    )
    return message


def _fill(message: IncomingMessage, parsed: ParsedMessage) -> None:
    message.sender_email = parsed.sender_email
    message.sender_name = parsed.sender_name
    message.subject = parsed.subject
    message.body = parsed.body
    message.sent_at = parsed.sent_at
    message.person = match_person(message.organisation, parsed.sender_email)
    message.case = match_case(message.organisation, parsed.references)


def match_person(organisation: Organisation, address: str) -> Person | None:
    """The one person of the organisation with this e-mail address (none if none or several)."""
    if not address:
        return None
    found = list(Person.objects.filter(organisation=organisation, email__iexact=address)[:2])
    return found[0] if len(found) == 1 else None


def match_case(organisation: Organisation, references: list[str]) -> Case | None:
    """The first open case of the organisation whose reference is given."""
    for reference in references:
        case = (
            Case.objects.filter(organisation=organisation, reference__iexact=reference)
            .exclude(status=Status.CLOSED)
            .first()
        )
        if case is not None:
            return case
    return None


def _keep_file(message: IncomingMessage, name: str, content_type: str, content: bytes) -> None:
    name = clean_file_name(name)
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    attachment = IncomingAttachment(
        message=message, name=name, content_type=content_type[:100], size=len(content)
    )
    try:
        stored_name = check_attachment(upload)
    except CaseError as exc:
        attachment.refused_because = exc.message[:300]
        attachment.save()
        return
    upload.seek(0)
    attachment.file.save(stored_name, upload, save=False)
    attachment.save()


# -- classifying ------------------------------------------------------------------------


def _lock(message: IncomingMessage, expected_version: int | None) -> IncomingMessage:
    locked = IncomingMessage.objects.select_for_update().get(pk=message.pk)
    if expected_version is not None and expected_version != locked.version:
        raise ConflictError(STALE, fields={"version": STALE})
    if locked.status not in (MessageStatus.WAITING, MessageStatus.UNREADABLE):
        message_text = ALREADY_CLASSIFIED.format(status=locked.get_status_display().lower())
        raise CaseStateError(message_text)
    return locked


def _decide(
    message: IncomingMessage, actor: Actor, status: str, kind: str, data: dict[str, object]
) -> IncomingMessage:
    message.status = status
    message.decided_by = actor.user
    message.decided_at = timezone.now()
    message.version += 1
    message.save()
    record_event(
        record_type=RECORD_TYPE,
        record_id=message.pk,
        organisation=message.organisation,
        kind=kind,
        actor=actor,
        data=data,
    )
    return message


def _attach_all(case: Case, message: IncomingMessage, actor: Actor) -> Case:
    for attachment in message.attachments.all():
        if not attachment.accepted:
            continue
        attachment.file.open("rb")
        try:
            content = attachment.file.read()
        finally:
            attachment.file.close()
        upload = SimpleUploadedFile(attachment.name, content, attachment.content_type)
        case_attach(case=case, actor=actor, upload=upload)
        case.refresh_from_db()
    return case


def _occurred(message: IncomingMessage, case: Case) -> datetime.datetime:
    return max(message.received_at, case.received_at)


def _require(actor: Actor, organisation: Organisation, action: str) -> None:
    if actor.user is not None:
        require_organisation_role(actor.user, organisation, action)


@transaction.atomic(durable=True)
def message_new_case(
    *,
    message: IncomingMessage,
    actor: Actor,
    kind: str,
    summary: str,
    name: str = "",
    service_area: str = "",
    expected_version: int | None = None,
) -> Case:
    """Record the message as a new case received by e-mail when it arrived, its sender the
    customer (the person matched by address, else a new one), its files attached."""
    _require(actor, message.organisation, "mail-new-case")
    message = _lock(message, expected_version)
    person = message.person
    if person is None:
        if not (name.strip() or message.sender_name):
            raise CaseInputError(NO_NAME, fields={"name": NO_NAME})
        person = person_create(
            organisation=message.organisation,
            name=name.strip() or message.sender_name,
            email=message.sender_email,
            actor=actor,
        )
    case = case_receive(
        organisation=message.organisation,
        kind=kind,
        channel=Channel.EMAIL,
        received_at=message.received_at,
        summary=summary,
        details=_details(message),
        customer=person,
        service_area=service_area,
        actor=actor,
    )
    case = _attach_all(case, message, actor)
    message.person = person
    message.result_case = case
    _decide(
        message,
        actor,
        MessageStatus.NEW_CASE,
        "new_case",
        {"case": case.reference, "kind": kind, "person_id": person.pk},
    )
    return case


@transaction.atomic(durable=True)
def message_add_to_case(
    *,
    message: IncomingMessage,
    actor: Actor,
    reference: str,
    expected_version: int | None = None,
) -> Case:
    """Add the message to an open case of its organisation: a contact from the customer, with
    its text and files."""
    _require(actor, message.organisation, "mail-add-to-case")
    message = _lock(message, expected_version)
    reference = reference.strip().upper()
    case = (
        Case.objects.filter(organisation=message.organisation, reference__iexact=reference)
        .exclude(status=Status.CLOSED)
        .first()
    )
    if actor.user is not None and case is not None and not can_see_case(actor.user, case):
        case = None  # a case the classifier may not see is answered as one that is not there
    if case is None:
        text = NO_CASE.format(reference=reference or "(none)", organisation=message.organisation)
        raise CaseInputError(text, fields={"reference": text})
    if actor.user is not None:
        require_action(actor.user, case, "contact")
    case = case_record_contact(
        case=case,
        actor=actor,
        summary=f"E-mail received: {message.subject or '(no subject)'}\n\n{message.body}"[:20_000],
        occurred_at=_occurred(message, case),
    )
    case = _attach_all(case, message, actor)
    message.result_case = case
    _decide(message, actor, MessageStatus.ADDED_TO_CASE, "added_to_case", {"case": case.reference})
    return case


@transaction.atomic(durable=True)
def message_not_complaint(
    *,
    message: IncomingMessage,
    actor: Actor,
    reason: str,
    expected_version: int | None = None,
) -> IncomingMessage:
    """Mark the message as not a complaint (spam, a repair request sent elsewhere ...), saying why."""
    _require(actor, message.organisation, "mail-not-complaint")
    message = _lock(message, expected_version)
    if not reason.strip():
        raise CaseInputError(NO_REASON, fields={"reason": NO_REASON})
    message.reason = reason.strip()
    return _decide(
        message, actor, MessageStatus.NOT_A_COMPLAINT, "not_a_complaint", {"reason": message.reason}
    )


def _details(message: IncomingMessage) -> str:
    heading = f"E-mail from {message.sender_email or 'an unknown sender'}"
    if message.subject:
        heading += f": {message.subject}"
    return f"{heading}\n\n{message.body}"[:50_000]
