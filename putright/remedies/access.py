"""Who may decide an award, and reaching the awards one may decide: the award rules of
``putright.accounts.access`` applied to the awards themselves."""

from __future__ import annotations

from collections.abc import Iterable

from putright.accounts.access import (
    AWARD_APPROVERS,
    AWARD_ONLY_APPROVERS,
    NO_AWARD,
    NOT_FOUND,
    NotVisibleError,
    can_see_case,
    may_act,
    organisations_with,
    record_access,
    require_action,
    roles_in,
)
from putright.accounts.models import User
from putright.cases.models import Case
from putright.domain.compensation import may_approve
from putright.policies.registry import get_pack

from .models import Award, AwardStatus


def holds_approval(user: User, award: Award, *, roles: Iterable[str] | None = None) -> bool:
    """Whether the user (or just ``roles`` of theirs) holds the pack role the award waits for."""
    if not award.approval_by:
        return False
    held = roles_in(user, award.case.organisation_id) if roles is None else roles
    pack = get_pack(award.case.policy_pack)
    return may_approve(pack, approval_by=award.approval_by, system_roles=held)


def approves_without_the_case(user: User, award: Award) -> bool:
    """A board member reaches an award waiting for the board role they hold, never its case.

    Not on a case about the conduct of staff or board members: such a case is restricted
    to the complaints manager and the people named on it, and its awards with it.
    """
    if award.case.conduct:
        return False
    only = roles_in(user, award.case.organisation_id) & AWARD_ONLY_APPROVERS
    return bool(only) and holds_approval(user, award, roles=only)


def may_decide_award(user: User, award: Award) -> bool:
    """Whether the user may approve or refuse this award now.

    It must be waiting for approval by a pack role the user holds, proposed by someone
    else, and the user must either work the case (see it, and be allowed to decide awards
    on it) or approve without it.
    """
    if award.status != AwardStatus.PENDING_APPROVAL or not holds_approval(user, award):
        return False
    if award.proposed_by_id == user.pk:  # four eyes: never one's own proposal
        return False
    case = award.case
    if can_see_case(user, case) and may_act(user, case, "award-decide"):
        return True
    return approves_without_the_case(user, award)


def awards_awaiting(user: User) -> list[Award]:
    """The awards waiting for a decision the user may take, oldest first, in their organisations."""
    organisations = organisations_with(user, AWARD_APPROVERS)
    if not organisations:
        return []
    waiting = (
        Award.objects.filter(
            status=AwardStatus.PENDING_APPROVAL, case__organisation_id__in=organisations
        )
        .exclude(approval_by="")
        .select_related("case", "case__organisation", "proposed_by")
        .prefetch_related("components")
        .order_by("proposed_at", "pk")
    )
    return [award for award in waiting if may_decide_award(user, award)]


def access_award_decision(user: User, award_id: int, *, reference: str | None = None) -> Award:
    """The award the user asks to decide, through its case or as an approver without the case.

    Someone who sees the case reaches its awards as before: 403 if their role may not decide
    awards, 404 for an award of another case. A board member reaches only an award waiting
    (or that waited) for the board role they hold, and never the case. Anyone else: 404,
    revealing nothing. Reaching an award of a restricted case is recorded.
    """
    found = Award.objects.select_related("case", "case__organisation").filter(pk=award_id)
    if reference is not None:
        found = found.filter(case__reference=reference)
    award = found.first()
    case = award.case if award is not None else None
    if case is None and reference is not None:
        case = Case.objects.select_related("organisation").filter(reference=reference).first()
    missing = (
        NOT_FOUND.format(reference=reference) if reference else NO_AWARD.format(award_id=award_id)
    )
    if case is not None and can_see_case(user, case):
        if case.conduct:
            record_access(user, "read restricted case", case.reference)
        if award is None or not approves_without_the_case(user, award):
            require_action(user, case, "award-decide")
        if award is None:
            raise NotVisibleError("The case has no such award.")
        return award
    if award is not None and case is not None and approves_without_the_case(user, award):
        if case.conduct:
            record_access(
                user, "read restricted case", case.reference, detail=f"award {award.pk} approval"
            )
        return award
    raise NotVisibleError(missing)
