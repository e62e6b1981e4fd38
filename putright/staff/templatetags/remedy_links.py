"""What the Remedies tab may offer this user: each link only where the action is allowed."""

from __future__ import annotations

from typing import Any

from django import template

from putright.accounts import access
from putright.accounts.access import may_act
from putright.accounts.models import User
from putright.cases.models import Case
from putright.remedies import access as award_access
from putright.remedies.models import Award

register = template.Library()


def _user(context: Any) -> User | None:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return user if isinstance(user, User) else None


@register.simple_tag(takes_context=True)
def remedy_permissions(context: Any, case: Case) -> dict[str, bool]:
    """Which remedy and award actions the signed-in user may take on this case."""
    user = _user(context)
    if user is None:
        return dict.fromkeys(("remedy", "propose", "offer", "decide", "pay"), False)
    return {
        "remedy": may_act(user, case, "remedy"),
        "propose": may_act(user, case, "award-propose"),
        "offer": may_act(user, case, "award-offer"),
        "decide": may_act(user, case, "award-decide"),
        "pay": may_act(user, case, "award-pay"),
    }


@register.simple_tag(takes_context=True)
def may_decide_award(context: Any, case: Case, award: Award) -> bool:
    """Whether the user may approve or refuse this award now (``remedies.access.may_decide_award``)."""
    user = _user(context)
    if user is None:
        return False
    award.case = case  # already loaded: the rule reads the case's organisation and pack
    return award_access.may_decide_award(user, award)


@register.simple_tag(takes_context=True)
def may_approve_awards(context: Any) -> bool:
    """Whether the menu offers "Approvals": the user holds a role that may approve awards."""
    user = _user(context)
    return user is not None and access.may_approve_awards(user)


@register.simple_tag(takes_context=True)
def works_on_cases(context: Any) -> bool:
    """Whether the menu offers the case pages: the user holds a role that reads cases."""
    user = _user(context)
    return user is not None and access.works_on_cases(user)


@register.simple_tag(takes_context=True)
def may_record_contacts(context: Any) -> bool:
    """Whether the menu offers "Record a contact"."""
    user = _user(context)
    return user is not None and access.may_record_contacts(user)


@register.simple_tag(takes_context=True)
def reads_reports(context: Any) -> bool:
    """Whether the menu offers "Reports"."""
    user = _user(context)
    return user is not None and access.reads_reports(user)
