"""What an action is, and how any interface takes one.

An action is declared once (see ``putright.actions.cases``): its name (the last part of its
URL in the API and in the staff pages alike), its input (one schema every interface
validates against), the permission it needs (a key of ``access.ACTION_ROLES``), the
service it calls and when it is offered. The staff pages add a form made for people whose
answers become that same input. Every interface takes it through ``perform``.
"""

from __future__ import annotations

import datetime
import re
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
    from .inputs import ActionIn, In


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
    run: Runner
    done: str  # told to the person once it is done
    offered: Callable[[Situation], Offer] = field(default=lambda s: Offer.ALSO)
    permission: str = ""  # a key of ACTION_ROLES; the name when blank
    warning: bool = False  # it closes or ends something
    generic_api: bool = True  # False: the API writes its endpoint by hand (files, other answers)
    #: Whether the rules let this person take it now, beyond their role (e.g. someone else
    #: answers stage 2): the page does not offer what the service would refuse.
    allowed: Callable[[Situation, User], bool] | None = None

    @property
    def needs(self) -> str:
        return self.permission or self.name


NestedRunner = Callable[[Case, Any, Actor, Any, dict[str, Any]], Any]


@dataclass(frozen=True)
class NestedAction:
    """An action on something under a case (a remedy, an award), or on another record."""

    name: str  # unique in the catalogue; the staff URL's name
    label: str
    path: str  # the API's path under /api/v1, e.g. /cases/{reference}/awards/{award_id}/offer
    schema: type[In]
    run: NestedRunner  # (case, the record the path names or None, actor, input, common)
    done: Callable[[Any], str]  # told to the person, from what the service returned
    permission: str = ""  # a key of ACTION_ROLES; blank: the service and access rules decide
    button: str = ""
    warning: bool = False
    target: str = ""  # what the path's id names: "award", "remedy_action", or nothing

    @property
    def staff_path(self) -> str:
        """The staff page's URL pattern: the API's path, with a trailing slash."""
        path = self.path.removeprefix("/").replace("{reference}", "<str:reference>")
        return re.sub(r"\{(\w+_id)\}", r"<int:\1>", path) + "/"


def perform_nested(
    action: NestedAction, *, user: User, case: Case, target: Any, payload: In
) -> Any:
    """Take a nested action as ``user``; its role check, then its service, decide."""
    if action.permission:
        require_action(user, case, action.permission)
    occurred_at = aware(getattr(payload, "occurred_at", None))
    common = {"expected_version": getattr(payload, "version", None), "occurred_at": occurred_at}
    return action.run(case, target, Actor(user), payload, common)


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
