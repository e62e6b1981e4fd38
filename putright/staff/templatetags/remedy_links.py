"""What the Remedies tab may offer this user: each link only where the action is allowed."""

from __future__ import annotations

from typing import Any

from django import template

from putright.accounts.access import may_act, roles_in
from putright.accounts.models import User
from putright.cases.models import Case
from putright.domain.compensation import may_approve
from putright.policies.registry import get_pack
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
        return {"remedy": False, "propose": False, "decide": False, "pay": False}
    return {
        "remedy": may_act(user, case, "remedy"),
        "propose": may_act(user, case, "award-propose"),
        "decide": may_act(user, case, "award-decide"),
        "pay": may_act(user, case, "award-pay"),
    }


@register.simple_tag(takes_context=True)
def may_decide_award(context: Any, case: Case, award: Award) -> bool:
    """Whether the user holds the pack role this award waits for, and may decide awards."""
    user = _user(context)
    if user is None or not award.approval_by or not may_act(user, case, "award-decide"):
        return False
    return may_approve(
        get_pack(case.policy_pack),
        approval_by=award.approval_by,
        system_roles=roles_in(user, case.organisation_id),
    )
