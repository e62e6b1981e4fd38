"""What an action is, and how any interface takes one.

An action is declared once (see ``putright.actions.cases``): its name (the last part of its
URL in the API and in the staff pages alike), its input (one schema every interface
validates against), the permission it needs (a key of ``access.ACTION_ROLES``), the
service it calls and when it is offered. The staff pages add a form made for people whose
answers become that same input. Every interface takes it through ``perform``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from putright.accounts.access import require_action
from putright.accounts.models import User
from putright.cases.errors import CaseInputError
from putright.cases.models import Case, Event
from putright.cases.services import Actor
from putright.domain.policy import Pack, Stage

if TYPE_CHECKING:
    from putright.api.schemas import ActionIn
    from putright.staff.forms import ActionForm


class Offer(IntEnum):
    """Whether the case page offers an action, and how prominently."""

    NO = 0
    NEXT = 1  # a next step: a button
    ALSO = 2  # possible now: under "More actions"


@dataclass(frozen=True)
class Situation:
    """What decides which actions a case offers: the case, its pack and stage, and what
    happened at this stage."""

    case: Case
    pack: Pack
    stage: Stage | None
    events: list[Event]
    here: frozenset[str]  # the kinds of event at the current stage

    @property
    def open(self) -> bool:
        return not self.case.is_closed


Runner = Callable[[Case, Actor, Any, dict[str, Any]], Any]


@dataclass(frozen=True)
class CaseAction:
    """One action on a case, as every interface offers it."""

    name: str
    label: str  # the page's title and the button, in the landlord's words
    summary: str  # what it does, for the API's documentation
    schema: type[ActionIn]
    form: type[ActionForm]
    run: Runner
    done: str  # told to the person once it is done
    offered: Callable[[Situation], Offer] = field(default=lambda s: Offer.ALSO)
    permission: str = ""  # a key of ACTION_ROLES; the name when blank
    warning: bool = False  # it closes or ends something
    generic_api: bool = True  # False: the API writes its endpoint by hand (files, other answers)

    @property
    def needs(self) -> str:
        return self.permission or self.name


def perform(action: CaseAction, *, user: User, case: Case, payload: ActionIn) -> Any:
    """Take the action as ``user``: their role must allow it, then its service decides."""
    require_action(user, case, action.needs)
    common = {"expected_version": payload.version, "occurred_at": aware(payload.occurred_at)}
    return action.run(case, Actor(user), payload, common)


def aware(moment: datetime.datetime | None, field: str = "occurred_at") -> datetime.datetime | None:
    """A time without a zone is local time; one that cannot be placed is refused."""
    if moment is None:
        return None
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        timezone.localtime(moment)
    except (OverflowError, ValueError):
        message = "That time is outside the calendar."
        raise CaseInputError(message, fields={field: message}) from None
    return moment


def staff_member(organisation_id: int, username: str | None, field: str) -> User | None:
    """The active member of staff of the organisation with this username (none if blank)."""
    from putright.accounts.access import roles_in

    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or not roles_in(user, organisation_id):
        raise CaseInputError(
            f"There is no member of staff {username!r} here.", fields={field: "Unknown user."}
        )
    return user
