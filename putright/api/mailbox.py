"""E-mail in: the inbound e-mail webhook, and the messages waiting for staff to classify.

``POST /mail/inbound/{organisation}`` takes one raw RFC 822 message as the body (any media
type), signed after the Standard Webhooks convention with ``PUTRIGHT_MAIL_WEBHOOK_SECRET``
(``webhook-id``, ``webhook-timestamp``, ``webhook-signature``); it needs no token. The same
message twice (by Message-ID) is kept once. The other endpoints take a bearer token: the
messages of the organisations where the caller reads the mailbox, and the actions of
``putright/actions/mailbox.py``.
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from putright.actions.mailbox import (
    MAIL_BY_NAME,
    AddToCaseIn,
    NewCaseIn,
    NotComplaintIn,
    perform_mail,
)
from putright.mailbox.models import IncomingMessage, Source
from putright.mailbox.selectors import hide_unseen_cases, message_for, message_list
from putright.mailbox.services import message_receive
from putright.organisations.models import Organisation
from putright.webhooks.signing import BadSignatureError, verify

from .reference import user_of
from .schemas import errors

router = Router(tags=["mail"])

WEBHOOK_OFF = "The inbound e-mail webhook is off: set PUTRIGHT_MAIL_WEBHOOK_SECRET."
NO_ORGANISATION = "There is no organisation {slug}."


class MailReceivedOut(Schema):
    id: int
    status: str
    created: bool


class MailAttachmentOut(Schema):
    name: str
    content_type: str
    size: int
    accepted: bool
    refused_because: str


class MailMessageOut(Schema):
    id: int
    organisation: str
    status: str
    problem: str
    received_at: datetime.datetime
    sender_email: str
    sender_name: str
    subject: str
    body: str
    person_id: int | None
    case: str | None
    result_case: str | None
    version: int
    attachments: list[MailAttachmentOut]


def message_out(message: IncomingMessage) -> MailMessageOut:
    return MailMessageOut(
        id=message.pk,
        organisation=message.organisation.slug,
        status=message.status,
        problem=message.problem,
        received_at=message.received_at,
        sender_email=message.sender_email,
        sender_name=message.sender_name,
        subject=message.subject,
        body=message.body,
        person_id=message.person_id,
        case=message.case.reference if message.case else None,
        result_case=message.result_case.reference if message.result_case else None,
        version=message.version,
        attachments=[
            MailAttachmentOut(
                name=a.name,
                content_type=a.content_type,
                size=a.size,
                accepted=a.accepted,
                refused_because=a.refused_because,
            )
            for a in message.attachments.all()
        ],
    )


@router.post(
    "/mail/inbound/{organisation}",
    operation_id="mail_inbound",
    auth=None,
    response={202: MailReceivedOut, **errors(400, 401, 403, 404)},
    summary="Receive one raw e-mail (RFC 822) for an organisation, signed",
    # The raw message (RFC 822) as the body, sent as bytes: whatever its Content-Type says.
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "The raw e-mail message (RFC 822), as bytes.",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
def inbound(request: HttpRequest, organisation: str) -> Status[MailReceivedOut] | HttpResponse:
    from .api import error

    secret = getattr(settings, "PUTRIGHT_MAIL_WEBHOOK_SECRET", "")
    if not secret:
        return error(request, 403, "forbidden", WEBHOOK_OFF)
    body = request.body
    try:
        verify(
            secret, {k.lower(): v for k, v in request.headers.items()}, body, now=int(time.time())
        )
    except BadSignatureError as exc:
        return error(request, 401, "unauthenticated", str(exc))
    found = Organisation.objects.filter(slug=organisation).first()
    if found is None:
        return error(request, 404, "not_found", NO_ORGANISATION.format(slug=organisation))
    if not body.strip():
        message = "Send the raw message as the body."
        return error(request, 400, "invalid", message, {"body": message})
    received = message_receive(organisation=found, raw=body, source=Source.WEBHOOK)
    return Status(
        202,
        MailReceivedOut(
            id=received.message.pk, status=received.message.status, created=received.created
        ),
    )


@router.get(
    "/mail/messages",
    operation_id="mail_messages_list",
    response={200: list[MailMessageOut], **errors()},
    summary="Messages waiting to be classified",
)
def messages(request: HttpRequest, waiting: bool = True) -> list[MailMessageOut]:
    user = user_of(request)
    found = message_list(user=user, waiting=waiting).select_related("result_case")
    shown = hide_unseen_cases(user, list(found.prefetch_related("attachments")[:500]))
    return [message_out(m) for m in shown]


@router.get(
    "/mail/messages/{message_id}",
    operation_id="mail_messages_get",
    response={200: MailMessageOut, **errors(404)},
)
def message(request: HttpRequest, message_id: int) -> MailMessageOut:
    user = user_of(request)
    return message_out(hide_unseen_cases(user, [message_for(user=user, message_id=message_id)])[0])


def _act(request: HttpRequest, name: str, message_id: int, payload: object) -> MailMessageOut:
    user = user_of(request)
    found = message_for(user=user, message_id=message_id)
    perform_mail(MAIL_BY_NAME[name], user=user, message=found, payload=payload)  # type: ignore[arg-type]
    return message_out(hide_unseen_cases(user, [message_for(user=user, message_id=message_id)])[0])


@router.post(
    "/mail/messages/{message_id}/new-case",
    operation_id="mail_new_case",
    response={200: MailMessageOut, **errors(400, 403, 404, 409, 422)},
    summary="Record the message as a new case",
)
def new_case(request: HttpRequest, message_id: int, payload: NewCaseIn) -> MailMessageOut:
    return _act(request, "mail-new-case", message_id, payload)


@router.post(
    "/mail/messages/{message_id}/add-to-case",
    operation_id="mail_add_to_case",
    response={200: MailMessageOut, **errors(400, 403, 404, 409)},
    summary="Add the message to an open case as a contact",
)
def add_to_case(request: HttpRequest, message_id: int, payload: AddToCaseIn) -> MailMessageOut:
    return _act(request, "mail-add-to-case", message_id, payload)


@router.post(
    "/mail/messages/{message_id}/not-a-complaint",
    operation_id="mail_not_a_complaint",
    response={200: MailMessageOut, **errors(400, 403, 404, 409)},
    summary="Mark the message as not a complaint",
)
def not_complaint(request: HttpRequest, message_id: int, payload: NotComplaintIn) -> MailMessageOut:
    return _act(request, "mail-not-complaint", message_id, payload)
