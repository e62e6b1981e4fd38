"""What residents do in the portal, declared once: who may, and the service each calls.

The portal's pages are written for residents (plain English, one question a page), but
whether a follower may take an action, and what taking it does, come from here: the same
services the staff pages and the API call, acting as the resident portal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from putright.cases.models import Case
from putright.cases.services import (
    Actor,
    case_escalate,
    case_receive,
    case_record_contact,
    case_record_satisfaction,
)
from putright.people.models import FollowerRole

#: Who acts when a resident does something in the portal.
PORTAL = Actor.system("resident portal")


@dataclass(frozen=True)
class ResidentAction:
    """One thing a resident does in the portal."""

    name: str
    label: str  # as the resident reads it
    #: Whether someone acting for the customer needs the customer's authority (or to be
    #: their legal representative): what the case holds is the customer's.
    needs_authority: bool
    run: Callable[..., Any]


def resident_may(action: ResidentAction, case: Case, follower: str) -> bool:
    """Whether the follower of a case (the customer or a representative) may take it."""
    if not action.needs_authority or follower != FollowerRole.REPRESENTATIVE:
        return True
    return case.representative is not None and case.representative.may_receive_case_details


def _message(case: Case, follower: str, message: str) -> Case:
    who = (
        "the customer's representative"
        if follower == FollowerRole.REPRESENTATIVE
        else "the customer"
    )
    return case_record_contact(
        case=case,
        actor=PORTAL,
        summary=f"Message from {who} through the portal:\n{message}",
        direction="inbound",
    )


RESIDENT_ACTIONS: tuple[ResidentAction, ...] = (
    ResidentAction(
        "complain",
        "Make a complaint or tell us what you think",
        needs_authority=False,  # anyone may complain, for themselves or for someone else
        # The portal's journey turns the answers into the people and the case's details.
        run=lambda **answers: case_receive(actor=PORTAL, **answers),
    ),
    ResidentAction(
        "see-letters",
        "Read our letters",
        needs_authority=True,
        run=lambda case: None,  # reading: nothing changes
    ),
    ResidentAction(
        "escalate",
        "Take your complaint further",
        needs_authority=True,
        run=lambda case, follower, reasons: case_escalate(case=case, actor=PORTAL, reasons=reasons),
    ),
    ResidentAction(
        "feedback",
        "Tell us what you thought",
        needs_authority=True,
        run=lambda case, follower, score, comment: case_record_satisfaction(
            case=case, score=score, comment=comment
        ),
    ),
    ResidentAction(
        "message",
        "Send us a message",
        needs_authority=False,  # anyone following the case may tell the team something
        run=_message,
    ),
)

RESIDENT: dict[str, ResidentAction] = {a.name: a for a in RESIDENT_ACTIONS}


def resident_take(name: str, case: Case, follower: str, **answers: Any) -> Any:
    """Take a resident's action on the case they follow; refused without the authority."""
    action = RESIDENT[name]
    if not resident_may(action, case, follower):
        raise PermissionError(f"{action.label}: the customer's authority is needed.")
    return action.run(case, follower, **answers)
