"""Who may see and do what. Every interface (API, staff pages, portal) asks these functions.

The rules, in the policies' words:

- A user works for one or more organisations, with a role in each, and sees only those.
- Complaint handlers, managers, senior managers, complaints managers, administrators,
  data protection officers and API clients see their organisations' cases.
- An investigating officer sees the cases they investigate or are named on.
- A resident panel member sees only the cases put to their panel (named on the case),
  without the customer's contact details.
- The board member responsible for complaints sees reports, never a case. Where the pack
  makes a board role approve the largest awards, the board member sees and decides the
  awards waiting for that role (``awards_awaiting``, ``access_award_decision``): the award,
  its reasoning and the rule, never the customer or the case.
- A case about the conduct of staff or board members is restricted to the complaints
  manager and the people named on it; reading it is recorded.
- What each role may do to a case is in ``ACTION_ROLES``; a user who may see a case but
  not act on it is refused with 403, one who may not see it gets 404 (its existence is
  not revealed).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from putright.cases.models import Case, CaseMember
from putright.domain.compensation import may_approve
from putright.organisations.models import Organisation
from putright.policies.registry import get_pack
from putright.remedies.models import Award, AwardStatus

from .models import AccessLog, Membership, Role, User

CASE_READERS = frozenset(
    {
        Role.COMPLAINT_HANDLER,
        Role.MANAGER,
        Role.SENIOR_MANAGER,
        Role.COMPLAINTS_MANAGER,
        Role.ADMINISTRATOR,
        Role.DATA_PROTECTION_OFFICER,
        Role.API_CLIENT,
    }
)
NAMED_ONLY_READERS = frozenset({Role.INVESTIGATING_OFFICER, Role.PANEL_MEMBER})
RESTRICTED_READERS = frozenset({Role.COMPLAINTS_MANAGER})
REPORT_READERS = frozenset(
    {
        Role.BOARD_MEMBER,
        Role.COMPLAINTS_MANAGER,
        Role.SENIOR_MANAGER,
        Role.MANAGER,
        Role.ADMINISTRATOR,
        Role.API_CLIENT,
    }
)
PERSONAL_DATA_READERS = CASE_READERS | {Role.INVESTIGATING_OFFICER}

CASEWORKERS = frozenset(
    {
        Role.COMPLAINT_HANDLER,
        Role.MANAGER,
        Role.SENIOR_MANAGER,
        Role.COMPLAINTS_MANAGER,
        Role.API_CLIENT,
    }
)
MANAGERS = frozenset({Role.MANAGER, Role.SENIOR_MANAGER, Role.COMPLAINTS_MANAGER})

#: What each role may do to a case it can see.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "receive": CASEWORKERS,
    "classify": CASEWORKERS,
    "decide-eligibility": CASEWORKERS,
    "acknowledge": CASEWORKERS,
    "assign": CASEWORKERS,
    "request-investigation": CASEWORKERS,
    "record-investigation": CASEWORKERS | {Role.INVESTIGATING_OFFICER},
    "chase": CASEWORKERS,
    "extend": CASEWORKERS,
    "respond": CASEWORKERS,
    "escalate": CASEWORKERS,
    "accept-late-escalation": MANAGERS,
    "refuse-escalation": MANAGERS,
    "make-formal": CASEWORKERS,
    "close": CASEWORKERS,
    "reopen": CASEWORKERS,
    "withdraw": CASEWORKERS,
    "split": CASEWORKERS,
    "link": CASEWORKERS,
    "note": CASEWORKERS | {Role.INVESTIGATING_OFFICER},
    "attach": CASEWORKERS | {Role.INVESTIGATING_OFFICER},
    "contact": CASEWORKERS,
    "mark-step-done": CASEWORKERS,
    "add-member": MANAGERS,
    "remedy": CASEWORKERS,
    "choose-route": CASEWORKERS,
    "award-propose": CASEWORKERS | {Role.PANEL_MEMBER},
    # Offering an award and recording the customer's answer is contact with the customer:
    # for those who may see their details, not the panel.
    "award-offer": CASEWORKERS,
    "award-decide": MANAGERS | {Role.PANEL_MEMBER},
    "award-pay": CASEWORKERS,
}

#: Roles that never see a case but decide the awards waiting for a pack role they hold.
AWARD_ONLY_APPROVERS = frozenset({Role.BOARD_MEMBER})
#: Roles that may hold a role the packs name to approve awards (for the staff menu).
AWARD_APPROVERS = ACTION_ROLES["award-decide"] | AWARD_ONLY_APPROVERS

NOT_FOUND = "There is no case {reference} that you can see."
NO_AWARD = "There is no award {award_id} waiting for you."
FORBIDDEN = "Your role ({roles}) does not allow this on this case: {action}."
NO_ORGANISATION = "You do not work for {organisation}."


class AccessDeniedError(Exception):
    """The user may see the thing but not do this to it (HTTP 403)."""


class NotVisibleError(Exception):
    """The user may not see the thing, or it does not exist (HTTP 404)."""


def roles_by_organisation(user: User) -> dict[int, set[str]]:
    """The user's roles in each organisation (cached on the user object for the request)."""
    cached: dict[int, set[str]] | None = getattr(user, "_putright_roles", None)
    if cached is not None:
        return cached
    roles: dict[int, set[str]] = {}
    if user.is_active:
        if user.is_superuser:
            for pk in Organisation.objects.values_list("pk", flat=True):
                roles.setdefault(pk, set()).add(Role.ADMINISTRATOR)
        for organisation_id, role in Membership.objects.filter(user=user).values_list(
            "organisation_id", "role"
        ):
            roles.setdefault(organisation_id, set()).add(role)
    user._putright_roles = roles  # type: ignore[attr-defined]
    return roles


def roles_in(user: User, organisation_id: int) -> set[str]:
    return roles_by_organisation(user).get(organisation_id, set())


def organisations_for(user: User) -> QuerySet[Organisation]:
    """The organisations the user works for."""
    return Organisation.objects.filter(pk__in=list(roles_by_organisation(user)))


def _orgs_with(user: User, wanted: Iterable[str]) -> list[int]:
    wanted = set(wanted)
    return [org for org, roles in roles_by_organisation(user).items() if roles & wanted]


def _named(user: User) -> Q:
    # A subquery, not a join: a join would repeat rows and force DISTINCT over every case.
    named_on = CaseMember.objects.filter(user=user).values("case_id")
    return Q(handler=user) | Q(investigator=user) | Q(pk__in=named_on)


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Every case the user may see, as one query (no joins, so counts and sorts use indexes)."""
    readers = set(_orgs_with(user, CASE_READERS))
    restricted = set(_orgs_with(user, RESTRICTED_READERS))
    named_only = set(_orgs_with(user, NAMED_ONLY_READERS))
    everything = sorted(readers & restricted)  # restricted cases too
    unrestricted = sorted(readers - restricted)
    condition = Q(pk__in=[])
    if everything:
        condition |= Q(organisation_id__in=everything)
    if unrestricted:
        condition |= Q(organisation_id__in=unrestricted, conduct=False)
    named_orgs = sorted((readers | named_only) - set(everything))
    if named_orgs:
        condition |= Q(organisation_id__in=named_orgs) & _named(user)
    # The organisations once more, around the whole condition: SQLite then reads one index
    # range per organisation instead of searching an index per branch and every row after.
    organisations = sorted(set(everything) | set(unrestricted) | set(named_orgs))
    return Case.objects.filter(Q(organisation_id__in=organisations) & condition)


def _is_named(user: User, case: Case) -> bool:
    return (
        case.handler_id == user.pk
        or case.investigator_id == user.pk
        or case.members.filter(user=user).exists()
    )


def can_see_case(user: User, case: Case) -> bool:
    roles = roles_in(user, case.organisation_id)
    if not roles:
        return False
    if case.conduct:
        return bool(roles & RESTRICTED_READERS) or (
            bool(roles & (CASE_READERS | NAMED_ONLY_READERS)) and _is_named(user, case)
        )
    if roles & CASE_READERS:
        return True
    return bool(roles & NAMED_ONLY_READERS) and _is_named(user, case)


def access_case(user: User, reference: str, *, record: bool = True) -> Case:
    """The case with this reference if the user may see it; reading a restricted case is logged."""
    case = (
        Case.objects.select_related(
            "organisation", "customer", "representative", "handler", "investigator"
        )
        .filter(reference=reference)
        .first()
    )
    if case is None or not can_see_case(user, case):
        raise NotVisibleError(NOT_FOUND.format(reference=reference))
    if case.conduct and record:
        record_access(user, "read restricted case", case.reference)
    return case


def may_act(user: User, case: Case, action: str) -> bool:
    """Whether the user may take ``action`` on a case they can see."""
    roles = roles_in(user, case.organisation_id)
    allowed = ACTION_ROLES.get(action, frozenset())
    if not roles & allowed:
        return False
    if roles & allowed <= NAMED_ONLY_READERS:
        return _is_named(user, case)
    return True


def role_names(user: User, organisation_id: int) -> str:
    """The user's roles in the organisation, in words, for a refusal they will read."""
    labels = dict(Role.choices)
    return ", ".join(sorted(labels.get(r, r) for r in roles_in(user, organisation_id))) or "none"


def require_action(user: User, case: Case, action: str) -> None:
    """Refuse (403) an action the user's role does not allow on this case."""
    if not may_act(user, case, action):
        roles = role_names(user, case.organisation_id)
        raise AccessDeniedError(FORBIDDEN.format(roles=roles, action=action.replace("-", " ")))


def require_organisation_role(user: User, organisation: Organisation, action: str) -> None:
    """Refuse an organisation-level action (recording a new case) the user may not take."""
    roles = roles_in(user, organisation.pk)
    if not roles:
        raise NotVisibleError(NO_ORGANISATION.format(organisation=organisation.slug))
    if not roles & ACTION_ROLES[action]:
        raise AccessDeniedError(
            FORBIDDEN.format(
                roles=role_names(user, organisation.pk), action=action.replace("-", " ")
            )
        )


def can_see_personal_data(user: User, case: Case) -> bool:
    """Panel members and others without a need to know see the case without contact details."""
    return bool(roles_in(user, case.organisation_id) & PERSONAL_DATA_READERS)


def can_read_reports(user: User, organisation: Organisation) -> bool:
    return bool(roles_in(user, organisation.pk) & REPORT_READERS)


def personal_data_organisations(user: User) -> list[int]:
    """Organisations in whose cases the user may see customers' contact details."""
    return _orgs_with(user, PERSONAL_DATA_READERS)


def people_visible_to(user: User) -> list[int]:
    """Organisations whose customer records the user may read."""
    return _orgs_with(user, PERSONAL_DATA_READERS - {Role.INVESTIGATING_OFFICER})


def record_access(user: User | None, action: str, reference: str = "", detail: str = "") -> None:
    """Keep a record that someone read restricted data or exported personal data."""
    AccessLog.objects.create(
        user=user, at=timezone.now(), action=action, case_reference=reference, detail=detail[:300]
    )


# -- approving awards -------------------------------------------------------------------------


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


#: Who is told of every breach alert in their organisations (besides the case's handler).
ALERT_RECEIVERS = frozenset({Role.COMPLAINTS_MANAGER, Role.SENIOR_MANAGER, Role.MANAGER})


def organisations_alerting(user: User) -> list[int]:
    """The organisations whose breach alerts the user sees on My work."""
    return _orgs_with(user, ALERT_RECEIVERS)


def works_on_cases(user: User) -> bool:
    """Whether the user holds a role that reads cases somewhere (the staff menu, My work)."""
    return bool(_orgs_with(user, CASE_READERS | NAMED_ONLY_READERS))


def may_approve_awards(user: User) -> bool:
    """Whether the user holds a role that may approve awards somewhere (the staff menu)."""
    return bool(_orgs_with(user, AWARD_APPROVERS))


def awards_awaiting(user: User) -> list[Award]:
    """The awards waiting for a decision the user may take, oldest first, in their organisations."""
    organisations = _orgs_with(user, AWARD_APPROVERS)
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
