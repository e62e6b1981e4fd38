"""The actions on an e-mail to the complaints mailbox, declared once.

A message waiting to be classified becomes a new case (``new-case``), is added to an open case
(``add-to-case``) or is marked not a complaint (``not-a-complaint``): ``POST
/api/v1/mail/messages/{message_id}/{name}``, with the staff page at the same path with a trailing
slash. They are ``NestedAction``s whose record is the message (``target = "incoming_message"``);
``perform_mail`` checks the permission for the message's organisation (``ACTION_ROLES``), then
the service checks again, locks the message and records its history.
"""

from __future__ import annotations

from typing import Any

from ninja import Field

from putright.accounts.access import require_organisation_role
from putright.accounts.models import User
from putright.cases.models import Kind
from putright.cases.services import Actor
from putright.mailbox import services
from putright.mailbox.models import IncomingMessage

from .catalogue import NestedAction
from .inputs import In


class MailIn(In):
    version: int | None = Field(
        None, ge=1, description="The message's version you are acting on; 409 if it changed."
    )


class NewCaseIn(MailIn):
    kind: str = Field(
        ..., min_length=1, max_length=20, description=f"One of {', '.join(Kind.values)}."
    )
    summary: str = Field(..., min_length=1, max_length=300, description="In a few words.")
    name: str = Field(
        "", max_length=200, description="The customer's name, where no one has the address."
    )
    service_area: str = Field("", max_length=100)


class AddToCaseIn(MailIn):
    reference: str = Field(..., min_length=1, max_length=30, description="An open case's.")


class NotComplaintIn(MailIn):
    reason: str = Field(..., min_length=1, max_length=2000, description="Why it is not one.")


def _new_case(case: Any, message: IncomingMessage, actor: Actor, p: Any, c: dict[str, Any]) -> Any:
    return services.message_new_case(
        message=message,
        actor=actor,
        kind=p.kind,
        summary=p.summary,
        name=p.name,
        service_area=p.service_area,
        expected_version=c["expected_version"],
    )


def _add(case: Any, message: IncomingMessage, actor: Actor, p: Any, c: dict[str, Any]) -> Any:
    return services.message_add_to_case(
        message=message, actor=actor, reference=p.reference, expected_version=c["expected_version"]
    )


def _not_complaint(
    case: Any, message: IncomingMessage, actor: Actor, p: Any, c: dict[str, Any]
) -> Any:
    return services.message_not_complaint(
        message=message, actor=actor, reason=p.reason, expected_version=c["expected_version"]
    )


MAIL_ACTIONS: tuple[NestedAction, ...] = (
    NestedAction(
        name="mail-new-case",
        label="Record as a new case",
        path="/mail/messages/{message_id}/new-case",
        schema=NewCaseIn,
        run=_new_case,
        done=lambda case: f"Recorded as case {case.reference}, with its attachments.",
        permission="mail-new-case",
        button="Record the case",
        target="incoming_message",
    ),
    NestedAction(
        name="mail-add-to-case",
        label="Add to a case",
        path="/mail/messages/{message_id}/add-to-case",
        schema=AddToCaseIn,
        run=_add,
        done=lambda case: f"Added to case {case.reference} as a contact, with its attachments.",
        permission="mail-add-to-case",
        button="Add to the case",
        target="incoming_message",
    ),
    NestedAction(
        name="mail-not-complaint",
        label="Not a complaint",
        path="/mail/messages/{message_id}/not-a-complaint",
        schema=NotComplaintIn,
        run=_not_complaint,
        done=lambda message: "Marked as not a complaint.",
        permission="mail-not-complaint",
        button="Mark as not a complaint",
        warning=True,
        target="incoming_message",
    ),
)
MAIL_BY_NAME = {action.name: action for action in MAIL_ACTIONS}


def perform_mail(action: NestedAction, *, user: User, message: IncomingMessage, payload: In) -> Any:
    """Take a mail action as ``user``: their role for the message's organisation, then the service."""
    require_organisation_role(user, message.organisation, action.permission)
    common = {"expected_version": getattr(payload, "version", None), "occurred_at": None}
    return action.run(None, message, Actor(user), payload, common)  # type: ignore[arg-type]
