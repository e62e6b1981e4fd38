"""Who sees the action plan and what they may do to it (the role rules are in
``putright.accounts.access``: ``LEARNING_READERS`` and the ``ACTION_ROLES`` keys below).

- Those who read an organisation's cases or reports read its action plan and reviews; an
  action's owner always reads their own action (its clock is on their My work).
- Recording lessons on a case is a case action (``lessons``); the pack may name who records
  them, and the service refuses anyone else (403 with the rule).
- Raising, reviewing and approving publication are organisation actions; noting progress and
  completing are for the action's owner or, in their place, a manager.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from putright.accounts.access import (
    ACTION_ROLES,
    LEARNING_READERS,
    AccessDeniedError,
    NotVisibleError,
    organisations_with,
    role_names,
    roles_in,
)
from putright.accounts.models import User
from putright.organisations.models import Organisation

from .models import ImprovementAction

NO_ACTION = "There is no improvement action {action_id} that you can see."
NO_ORGANISATION = "There is no organisation {slug} whose action plan you can see."
FORBIDDEN = "Your role ({roles}) does not allow this on the action plan: {action}."
#: Actions its owner may take on their own improvement action, whatever their role.
OWNER_ACTIONS = frozenset({"improvement-progress", "improvement-complete"})


def plan_organisations(user: User) -> list[int]:
    """The organisations whose action plan the user reads."""
    return organisations_with(user, LEARNING_READERS)


def actions_visible_to(user: User, actions: QuerySet[Any]) -> QuerySet[Any]:
    """The actions of the organisations whose plan the user reads, and those they own."""
    return actions.filter(Q(organisation_id__in=plan_organisations(user)) | Q(owner=user))


def access_plan(user: User, slug: str) -> Organisation:
    """The organisation whose plan the user reads (404 for any other, or none by that name)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or organisation.pk not in plan_organisations(user):
        raise NotVisibleError(NO_ORGANISATION.format(slug=slug))
    return organisation


def access_action(user: User, action_id: int) -> ImprovementAction:
    """The improvement action, if the user may see it (404 otherwise, whether or not it exists)."""
    found = actions_visible_to(
        user, ImprovementAction.objects.select_related("organisation", "owner", "case")
    ).filter(pk=action_id)
    action: ImprovementAction | None = found.first()
    if action is None:
        raise NotVisibleError(NO_ACTION.format(action_id=action_id))
    return action


def may_take(user: User, organisation_id: int, permission: str, action: Any = None) -> bool:
    """Whether the user may take an action on the plan (its owner may always note progress on
    and complete their own)."""
    if action is not None and permission in OWNER_ACTIONS and action.owner_id == user.pk:
        return True
    return bool(roles_in(user, organisation_id) & ACTION_ROLES.get(permission, frozenset()))


def require_plan_action(
    user: User, organisation_id: int, permission: str, action: Any = None
) -> None:
    """Refuse (403) what the user's role does not allow on the organisation's plan."""
    if not may_take(user, organisation_id, permission, action):
        raise AccessDeniedError(
            FORBIDDEN.format(
                roles=role_names(user, organisation_id), action=permission.replace("-", " ")
            )
        )
