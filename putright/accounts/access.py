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
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from putright.organisations.models import Organisation

from .models import AccessLog, Membership, Role, User

if TYPE_CHECKING:
    from putright.cases.models import Case

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
#: Who draws each quarter's sample of formal responses and reviews them (not a case
#: action: ``may_review_quality``); reading the review's summary is for report readers.
QUALITY_REVIEWERS = MANAGERS

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
    "flag": CASEWORKERS,
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
    # Unacceptable behaviour: actions on a person, not a case (putright/actions/people.py).
    # Where the pack names who decides, only those holding that role do (the service).
    "behaviour-record": CASEWORKERS,
    "concern-explain": CASEWORKERS,
    "police-refer": CASEWORKERS,
    "restriction-warn": CASEWORKERS,
    "restriction-impose": MANAGERS,
    "restriction-review": MANAGERS,
    "restriction-appeal": CASEWORKERS,
    "restriction-decide-appeal": MANAGERS,
    "restriction-lift": MANAGERS,
    # Ombudsman casework (putright/actions/ombudsman.py). An order's owner may complete it
    # and raise a due date they cannot meet whatever their role (the service decides).
    "ombudsman-record": CASEWORKERS,
    "ombudsman-enquiry": CASEWORKERS,
    "ombudsman-evidence": CASEWORKERS,
    "ombudsman-triage": MANAGERS,
    "ombudsman-order-complete": CASEWORKERS,
    "ombudsman-order-tell": CASEWORKERS,
    "ombudsman-order-raise": CASEWORKERS,
    # Learning from complaints (putright/actions/learning.py). Lessons on a case are recorded
    # by caseworkers and the officer investigating it (the pack may name who: the service
    # checks); the action plan is the organisation's: raised by caseworkers, its progress and
    # completion noted by the owner or a manager, reviewed and published by managers.
    "lessons": CASEWORKERS | {Role.INVESTIGATING_OFFICER},
    "improvement-raise": CASEWORKERS,
    "improvement-progress": MANAGERS | {Role.API_CLIENT},
    "improvement-complete": MANAGERS | {Role.API_CLIENT},
    "improvement-review": MANAGERS | {Role.API_CLIENT},
    "improvement-write-public": CASEWORKERS,
    "improvement-approve-public": MANAGERS,
    # Hazards inside complaints, Awaab's Law (putright/actions/hazards.py; the services in
    # putright/hazards/services.py check them). The officer investigating a case may record
    # what the investigation found and the work done, not dismiss a hazard or write to the tenant.
    "hazard-raise": CASEWORKERS | {Role.INVESTIGATING_OFFICER},
    "hazard-confirm": CASEWORKERS | {Role.INVESTIGATING_OFFICER},
    "hazard-dismiss": CASEWORKERS,
    "hazard-investigated": CASEWORKERS | {Role.INVESTIGATING_OFFICER},
    "hazard-summary-sent": CASEWORKERS,
    "hazard-made-safe": CASEWORKERS | {Role.INVESTIGATING_OFFICER},
    "hazard-works-started": CASEWORKERS | {Role.INVESTIGATING_OFFICER},
    "hazard-resolved": CASEWORKERS,
    # E-mail in (putright/actions/mailbox.py): a message to the complaints mailbox classified
    # as a new case, added to a case (the case's "contact" is checked too) or not a complaint.
    "mail-new-case": CASEWORKERS,
    "mail-add-to-case": CASEWORKERS,
    "mail-not-complaint": CASEWORKERS,
    # Events out (putright/webhooks): subscriptions of an organisation's housing systems.
    "webhooks-manage": frozenset({Role.ADMINISTRATOR}),
    # Petitions (putright/actions/petitions.py). Where the pack names who decides a
    # petition's escalation (``petitions.escalation_decided_by``) and someone holds that role
    # here, only they decide (the service).
    "petition-record": CASEWORKERS,
    "petition-signatory": CASEWORKERS,
    "petition-clear": CASEWORKERS,
    "petition-lead-contacted": CASEWORKERS,
    "petition-write": CASEWORKERS,
    "petition-respond": CASEWORKERS,
    "petition-unhappy": CASEWORKERS,
    "petition-escalate": MANAGERS,
    # Review meetings and panels (putright/actions/meetings.py; putright/meetings/services.py
    # checks them). A panel member agrees the draft decision letter (the service: only one
    # sitting on that panel); minutes are taken by the meeting's note-taker or a caseworker.
    "meeting-wish": CASEWORKERS,
    "meeting-book": CASEWORKERS,
    "meeting-rebook": CASEWORKERS,
    "meeting-cancel": CASEWORKERS,
    "meeting-hold": CASEWORKERS,
    "meeting-minutes": CASEWORKERS | {Role.PANEL_MEMBER},
    "review-report-send": CASEWORKERS,
    "panel-summary-send": CASEWORKERS,
    "panel-letter-draft": CASEWORKERS,
    "panel-letter-agree": MANAGERS | {Role.PANEL_MEMBER},
    "panel-letter-send": CASEWORKERS,
    # Personal data over time (putright/privacy): the data protection officer records and
    # decides erasure and subject access requests; a legal hold is placed or lifted by the
    # officer or a manager (a claim is often known to managers first).
    "privacy-request": frozenset({Role.DATA_PROTECTION_OFFICER}),
    "privacy-decide": frozenset({Role.DATA_PROTECTION_OFFICER}),
    "privacy-export": frozenset({Role.DATA_PROTECTION_OFFICER}),
    "legal-hold": MANAGERS | {Role.DATA_PROTECTION_OFFICER},
}

#: The data protection actions (``ACTION_ROLES`` keys): their own authorisation matrix.
PRIVACY_ACTIONS = frozenset({"privacy-request", "privacy-decide", "privacy-export", "legal-hold"})

#: The petition actions (``ACTION_ROLES`` keys): their own authorisation matrix.
PETITION_ACTIONS = frozenset(key for key in ACTION_ROLES if key.startswith("petition-"))

#: The review meeting and panel actions (``ACTION_ROLES`` keys): their own authorisation matrix.
MEETING_ACTIONS = frozenset(
    key for key in ACTION_ROLES if key.startswith(("meeting-", "review-", "panel-"))
)

#: The actions on a case's hazards (``ACTION_ROLES`` keys): their own authorisation matrix,
#: ``tests/hazards/test_authorization_matrix.py``.
HAZARD_ACTIONS = frozenset(key for key in ACTION_ROLES if key.startswith("hazard-"))

#: The Ombudsman casework actions (``ACTION_ROLES`` keys): their own authorisation matrix.
OMBUDSMAN_ACTIONS = frozenset(
    {
        "ombudsman-record",
        "ombudsman-enquiry",
        "ombudsman-evidence",
        "ombudsman-triage",
        "ombudsman-order-complete",
        "ombudsman-order-tell",
        "ombudsman-order-raise",
    }
)

#: The actions on a person (``ACTION_ROLES`` keys taken with ``require_organisation_role``).
PERSON_ACTIONS = frozenset(
    {
        "behaviour-record",
        "concern-explain",
        "police-refer",
        "restriction-warn",
        "restriction-impose",
        "restriction-review",
        "restriction-appeal",
        "restriction-decide-appeal",
        "restriction-lift",
    }
)

#: The actions on the action plan (``ACTION_ROLES`` keys taken with
#: ``putright.learning.access.require_plan_action``; an owner notes progress on and completes
#: their own action whatever their role): their own authorisation matrix.
LEARNING_ACTIONS = frozenset(
    {
        "improvement-raise",
        "improvement-progress",
        "improvement-complete",
        "improvement-review",
        "improvement-write-public",
        "improvement-approve-public",
    }
)
#: Who reads an organisation's action plan and its reviews of learning (no personal data).
LEARNING_READERS = CASE_READERS | REPORT_READERS

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


def organisations_with(user: User, wanted: Iterable[str]) -> list[int]:
    """The organisations where the user holds any of the roles ``wanted``."""
    wanted = set(wanted)
    return [org for org, roles in roles_by_organisation(user).items() if roles & wanted]


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


def may_review_quality(user: User, organisation: Organisation) -> bool:
    """Whether the user draws and reviews the organisation's samples of responses."""
    return bool(roles_in(user, organisation.pk) & QUALITY_REVIEWERS)


def personal_data_organisations(user: User) -> list[int]:
    """Organisations in whose cases the user may see customers' contact details."""
    return organisations_with(user, PERSONAL_DATA_READERS)


def people_visible_to(user: User) -> list[int]:
    """Organisations whose customer records the user may read."""
    return organisations_with(user, PERSONAL_DATA_READERS - {Role.INVESTIGATING_OFFICER})


def record_access(user: User | None, action: str, reference: str = "", detail: str = "") -> None:
    """Keep a record that someone read restricted data or exported personal data."""
    AccessLog.objects.create(
        user=user, at=timezone.now(), action=action, case_reference=reference, detail=detail[:300]
    )


#: Who is told of every breach alert in their organisations (besides the case's handler).
ALERT_RECEIVERS = frozenset({Role.COMPLAINTS_MANAGER, Role.SENIOR_MANAGER, Role.MANAGER})


def organisations_alerting(user: User) -> list[int]:
    """The organisations whose breach alerts the user sees on My work."""
    return organisations_with(user, ALERT_RECEIVERS)


def works_on_cases(user: User) -> bool:
    """Whether the user holds a role that reads cases somewhere (the staff menu, My work)."""
    return bool(organisations_with(user, CASE_READERS | NAMED_ONLY_READERS))


def may_record_contacts(user: User) -> bool:
    """Whether the user may record a contact somewhere (the staff menu's "Record a contact")."""
    return bool(organisations_with(user, ACTION_ROLES["receive"]))


def reads_reports(user: User) -> bool:
    """Whether the user may read reports somewhere (the staff menu's "Reports")."""
    return bool(organisations_with(user, REPORT_READERS))


def may_approve_awards(user: User) -> bool:
    """Whether the user holds a role that may approve awards somewhere (the staff menu)."""
    return bool(organisations_with(user, AWARD_APPROVERS))


#: Who reads the history of the staff of their organisations (added, roles, deactivated ...).
STAFF_ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})
#: Who deactivates a member of staff of their organisations and hands their work to others.
HANDOVER_DECIDERS = MANAGERS | STAFF_ADMINISTRATORS


def staff_visible_to(user: User, roles: Iterable[str] = HANDOVER_DECIDERS) -> QuerySet[User]:
    """The staff holding a role in an organisation where the user holds one of ``roles``
    (a superuser: everyone); the staff pages list only these, and 404 for anyone else."""
    if user.is_superuser:
        return User.objects.all()
    organisations = organisations_with(user, roles)
    return User.objects.filter(memberships__organisation_id__in=organisations).distinct()


def may_read_staff_history(user: User, subject: User) -> bool:
    """Administrators read the history of their organisations' staff; everyone their own."""
    return subject.pk == user.pk or (
        staff_visible_to(user, STAFF_ADMINISTRATORS).filter(pk=subject.pk).exists()
    )


def may_hand_over(user: User, subject: User) -> bool:
    """Managers and administrators deactivate their organisations' staff (never themselves)."""
    return subject.pk != user.pk and staff_visible_to(user).filter(pk=subject.pk).exists()


def manages_staff(user: User) -> bool:
    """Whether the user may open the staff pages (the staff menu's "Staff")."""
    return user.is_superuser or bool(organisations_with(user, HANDOVER_DECIDERS))
