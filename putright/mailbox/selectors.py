"""Reading incoming messages: who sees which, and the lists staff work from."""

from __future__ import annotations

from django.db.models import QuerySet

from putright.accounts.access import ACTION_ROLES, NotVisibleError, can_see_case, organisations_with
from putright.accounts.models import User

from .models import OPEN_STATUSES, IncomingMessage

#: Who reads the mailbox: those who record contacts, and administrators (personal data: the
#: sender's address and words).
MAIL_READERS = ACTION_ROLES["mail-new-case"] | {"administrator"}
NO_MESSAGE = "There is no message {message_id} that you can see."


def messages_visible_to(user: User) -> QuerySet[IncomingMessage]:
    """The messages of the organisations where the user reads the mailbox."""
    return IncomingMessage.objects.filter(
        organisation_id__in=organisations_with(user, MAIL_READERS)
    )


def message_list(
    *, user: User, waiting: bool = True, organisation_id: int | None = None
) -> QuerySet[IncomingMessage]:
    """Messages waiting (or unreadable) oldest first; or those already classified, newest first."""
    found = messages_visible_to(user).select_related("organisation", "person", "case")
    if organisation_id is not None:
        found = found.filter(organisation_id=organisation_id)
    if waiting:
        return found.filter(status__in=OPEN_STATUSES).order_by("received_at", "pk")
    return found.exclude(status__in=OPEN_STATUSES).order_by("-decided_at", "-pk")


def message_for(*, user: User, message_id: int) -> IncomingMessage:
    """The message, if the user may see it; ``NotVisibleError`` (404) whether hidden or missing."""
    found = (
        messages_visible_to(user)
        .select_related("organisation", "person", "case", "result_case", "decided_by")
        .filter(pk=message_id)
        .first()
    )
    if found is None:
        raise NotVisibleError(NO_MESSAGE.format(message_id=message_id))
    return found


def hide_unseen_cases(user: User, messages: list[IncomingMessage]) -> list[IncomingMessage]:
    """The messages, each naming the case it was matched to only where the reader may see
    that case (a restricted case is not revealed by a message that quotes its reference)."""
    for message in messages:
        if message.case is not None and not can_see_case(user, message.case):
            message.case = None
        if message.result_case is not None and not can_see_case(user, message.result_case):
            message.result_case = None
    return messages
