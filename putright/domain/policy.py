"""Policy packs: the declarative description of one complaints policy.

A pack is a TOML file (format 1, documented in ``docs/policy-packs.md``) validated
on load by the pydantic models below. Unknown keys are errors. Every rule carries a
``source`` naming the section of the policy it comes from, so a deadline or a
refusal can cite it. The code interprets packs; it never names a landlord.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import PackError, UnknownPackError

FORMAT_VERSION = 1
BUILTIN_DIR = Path(__file__).parent / "packs"
DEFAULT_PACK_ID = "hos-code-2024"

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
PackId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=60)]
Days = Annotated[int, Field(ge=0, le=400, strict=True)]
Pence = Annotated[int, Field(ge=0, strict=True)]
Flag = Annotated[bool, Field(strict=True)]


class Strict(BaseModel):
    """Base of every pack model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CaseKind(StrEnum):
    COMPLAINT = "complaint"
    DISSATISFACTION = "dissatisfaction"
    COMPLIMENT = "compliment"
    COMMENT = "comment"
    SUGGESTION = "suggestion"
    MP_ENQUIRY = "mp_enquiry"
    PETITION = "petition"
    SERVICE_REQUEST = "service_request"


class Counting(StrEnum):
    WORKING = "working"
    CALENDAR = "calendar"


class Anchor(StrEnum):
    """What a step's days count from."""

    RECEIVED = "received"  # deemed receipt of the case
    STAGE_STARTED = "stage_started"  # deemed receipt at stage 1; escalation request at stage 2
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATION_REQUESTED = "investigation_requested"
    INVESTIGATOR_REPLIED = "investigator_replied"
    RESPONDED = "responded"
    INFORMATION_REQUESTED = "information_requested"


class Completion(StrEnum):
    """The fact that completes a step."""

    ACKNOWLEDGED = "acknowledged"
    INVESTIGATOR_REPLIED = "investigator_replied"
    RESPONDED = "responded"
    CONTACTED = "contacted"  # the handler contacted the customer (a call, a letter)
    RECORDED = "recorded"  # a milestone a handler marks as done (a meeting held, a report sent)
    NONE = "none"  # a ceiling: only met by the stage's response


class Audience(StrEnum):
    CUSTOMER = "customer"  # a promise to the customer
    INTERNAL = "internal"  # a deadline inside the landlord


class LadderAction(StrEnum):
    REMIND = "remind"  # remind whoever owes the step
    NOTIFY = "notify"  # tell the named roles
    ESCALATE = "escalate"  # hand the chase up to the named roles
    WRITE_TO_CUSTOMER = "write_to_customer"  # tell the customer of the delay
    CHECK_WITH_CUSTOMER = "check_with_customer"  # ask the customer how they want to go on
    MAKE_FORMAL = "make_formal"  # turn an informal case into a formal complaint
    ALERT = "alert"  # a breach alert to the named roles


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


class OmbudsmanRoute(StrEnum):
    HOUSING_OMBUDSMAN = "housing_ombudsman"
    LGSCO = "lgsco"
    TRIBUNAL = "tribunal"


class ExclusionCategory(StrEnum):
    TIME_LIMIT = "time_limit"
    LEGAL_PROCEEDINGS = "legal_proceedings"
    ALREADY_EXHAUSTED = "already_exhausted"
    ANTI_SOCIAL_BEHAVIOUR = "anti_social_behaviour"
    PERSONNEL = "personnel"
    INSURANCE = "insurance"
    NEW_BUILD_DEFECTS = "new_build_defects"
    SERVICE_REQUEST = "service_request"
    POLICY_OR_LAW = "policy_or_law"
    OTHER_BODY = "other_body"  # another route decides it (tribunal, insurer, council)
    OTHER = "other"


class ClosureReason(StrEnum):
    RESOLVED = "resolved"
    WITHDRAWN = "withdrawn"
    NO_CONTACT = "no_contact"
    INFORMATION_NOT_PROVIDED = "information_not_provided"
    WINDOW_LAPSED = "window_lapsed"
    REFUSED = "refused"
    REDIRECTED = "redirected"


class Choice(Strict):
    """An option a handler picks from (an extension reason, a refusal ground)."""

    id: Identifier
    label: str
    source: str = ""


class RefusalGround(Choice):
    """A ground on which an escalation may be refused."""

    applies_exclusion: Flag = False  # the ground is that one of the policy's exclusions applies


SystemRole = Literal[
    "complaint_handler",
    "investigating_officer",
    "manager",
    "senior_manager",
    "complaints_manager",
    "panel_member",
    "board_member",
    "data_protection_officer",
    "administrator",
]


#: How a team is named in a pack: its slug in the organisation, as ``putright user
#: --team`` and the admin write it (lower-case letters, digits, hyphens and underscores).
TeamSlug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)]

#: Who may hold a role on a case, given who has handled the case before:
#: ``none``, anyone holding it; ``not_involved``, nobody who has handled the case;
#: ``other_directorate``, only someone whose recorded directorate differs from that of
#: everyone who has handled it (someone with no directorate recorded does not qualify).
Independence = Literal["none", "other_directorate", "not_involved"]


class Role(Strict):
    """A role the policy names, and how PutRight finds the people who hold it."""

    id: Identifier
    title: str
    acts_as: tuple[SystemRole, ...] = ()  # which PutRight roles hold this role's authority
    team: TeamSlug | None = None  # its holders are this team's members, not acts_as holders
    independence: Independence = "none"
    source: str = ""


#: The PutRight roles allowed to decide (approve or refuse) awards: those who decide them
#: on the case and the board, who decides without it. ``putright.accounts.access`` keeps
#: ``AWARD_APPROVERS`` equal to this (a test checks they agree).
AWARD_DECIDERS: frozenset[str] = frozenset(
    {"manager", "senior_manager", "complaints_manager", "panel_member", "board_member"}
)
#: PutRight roles whose authority includes a complaint handler's (the access rules' MANAGERS
#: do everything CASEWORKERS do).
_MANAGER_ROLES = frozenset({"manager", "senior_manager", "complaints_manager"})
_HANDLER_ROLES = frozenset({"complaint_handler"})


def role_outranks(roles: Sequence[Role], held: str, role: str) -> bool:
    """Whether pack role ``held`` has at least the authority of pack role ``role``.

    Roles rank as the pack lists them (later is more senior), and a role acting as a
    manager outranks one acting only as a complaint handler.
    """
    if held == role:
        return True
    order = {r.id: i for i, r in enumerate(roles)}
    if held in order and role in order and order[held] > order[role]:
        return True
    by_id = {r.id: r for r in roles}
    mine, theirs = by_id.get(held), by_id.get(role)
    return bool(
        mine
        and theirs
        and set(mine.acts_as) & _MANAGER_ROLES
        and theirs.acts_as
        and set(theirs.acts_as) <= _HANDLER_ROLES
    )


def deciding_role(roles: Sequence[Role], role: str) -> str | None:
    """The pack role that decides an award made under ``role``'s authority by someone who
    lacks it: ``role`` itself if PutRight roles allowed to decide awards hold it, else the
    first role the pack lists that outranks it and is held by such roles; None if none is."""
    for candidate in roles:
        if set(candidate.acts_as) & AWARD_DECIDERS and role_outranks(roles, candidate.id, role):
            return candidate.id
    return None


class KindRule(Strict):
    """A case kind the policy accepts and where it starts."""

    kind: CaseKind
    label: str
    starts_at: Identifier | None = None  # a stage id; none for kinds with no process
    acknowledge: Flag = True
    respond: Flag = True  # anonymous or "no response needed" kinds set this false
    redirect_to: str = ""  # a service request: where it goes instead
    repeat_becomes_complaint: Flag = False  # a repeat about the same matter is a complaint
    note: str = ""
    source: str = ""


class Rung(Strict):
    """One rung of a chase or informal ladder: on day N, do this."""

    day: Days
    action: LadderAction
    roles: tuple[Identifier, ...] = ()
    note: str = ""
    source: str = ""


class Step(Strict):
    """A deadline: ``days`` working (or calendar) days from ``start``."""

    id: Identifier
    label: str
    days: Days
    counts: Counting = Counting.WORKING
    start: Anchor = Anchor.STAGE_STARTED
    completed_by: Completion | None = None
    audience: Audience = Audience.CUSTOMER
    owner: Identifier | None = None  # a role id
    extendable: Flag = False  # a stage extension moves this step
    breach_alert: tuple[Identifier, ...] = ()  # roles told when it is missed
    ladder: tuple[Rung, ...] = ()
    # On an acknowledgement step: a response made within the acknowledgement period counts
    # as the acknowledgement (only where the policy says so).
    response_counts: Flag = False
    source: str = ""

    def completion(self) -> Completion:
        """What completes this step, from ``completed_by`` or the conventional step ids."""
        if self.completed_by is not None:
            return self.completed_by
        return {
            "acknowledge": Completion.ACKNOWLEDGED,
            "respond": Completion.RESPONDED,
            "investigator_reply": Completion.INVESTIGATOR_REPLIED,
        }.get(self.id, Completion.NONE)


class Extension(Strict):
    """How far a stage's (or a route's) extendable steps may be extended, why and with whom."""

    max_days: Days | None = None  # none: the policy states no limit
    counts: Counting = Counting.WORKING
    reasons: tuple[Choice, ...] = ()  # empty: any reason
    other_reasons: Flag = False  # a reason outside ``reasons`` (the handler's words) is accepted
    tell: tuple[Identifier, ...] = ("customer",)
    customer_agreement: Flag = False
    # The reason ids for which the customer's agreement is needed; empty with
    # customer_agreement means always.
    agreement_for: tuple[Identifier, ...] = ()
    # A route of the same stage the handler may switch to when the customer refuses.
    on_refusal_offer_route: Identifier | None = None
    ombudsman_details: Flag = False  # the customer told of it is given the Ombudsman's details
    note: str = ""
    source: str = ""

    def allows_reason(self, reason: str) -> bool:
        """Whether ``reason`` (a listed reason id, or the handler's own words) is allowed."""
        if not self.reasons or self.other_reasons:
            return True
        return reason in {choice.id for choice in self.reasons}

    def needs_agreement(self, reason: str) -> bool:
        """Whether an extension for ``reason`` needs the customer's agreement."""
        if not self.customer_agreement:
            return False
        return not self.agreement_for or reason in self.agreement_for


class RouteCondition(Strict):
    """When a stage 2 route may be taken; every given condition must hold."""

    previous_outcomes: tuple[Outcome, ...] = ()
    about: tuple[Identifier, ...] = ()  # what the dissatisfaction is about, e.g. compensation
    note: str = ""


class Route(Strict):
    id: Identifier
    label: str
    decided_by: Identifier | None = None  # a role id
    when: RouteCondition = RouteCondition()
    steps: tuple[Step, ...] = ()  # replace the stage's steps of the same id, or add
    extension: Extension | None = None
    source: str = ""


class Escalation(Strict):
    """How a customer moves from this stage to the next."""

    to: Identifier
    window_days: Days | None = None  # none: no limit stated
    window_counts: Counting = Counting.WORKING
    window_start: Anchor = Anchor.RESPONDED
    on_lapse: Literal["close", "remain_open"] = "remain_open"
    reasons_required: Flag = False
    late_requests: Literal["refuse", "discretion", "accept"] = "discretion"
    different_handler: Flag = False
    refusal_grounds: tuple[RefusalGround, ...] = ()
    note: str = ""
    source: str = ""


class Stage(Strict):
    id: Identifier
    label: str
    level: Literal[0, 1, 2, 3]  # 0 informal, 1 stage 1, 2 stage 2, 3 a further stage
    formal: Flag = True
    handled_by: Identifier | None = None
    steps: tuple[Step, ...] = ()
    extension: Extension | None = None
    routes: tuple[Route, ...] = ()
    escalation: Escalation | None = None
    final: Flag = False  # the landlord's final response; the ombudsman comes next
    source: str = ""

    def steps_for(self, route: str | None) -> tuple[Step, ...]:
        """The stage's steps with a route's steps replacing those of the same id."""
        chosen = self.route(route) if route else None
        if chosen is None:
            return self.steps
        overrides = {step.id: step for step in chosen.steps}
        merged = [overrides.pop(step.id, step) for step in self.steps]
        return (*merged, *overrides.values())

    def route(self, route_id: str) -> Route | None:
        return next((r for r in self.routes if r.id == route_id), None)

    def extension_for(self, route: str | None) -> Extension | None:
        chosen = self.route(route) if route else None
        if chosen is not None and chosen.extension is not None:
            return chosen.extension
        return self.extension


class ExclusionException(Strict):
    id: Identifier
    label: str


class Exclusion(Strict):
    id: Identifier
    category: ExclusionCategory
    label: str
    months: Annotated[int, Field(ge=1, le=120)] | None = None
    exceptions: tuple[ExclusionException, ...] = ()
    source: str = ""


class ClosureRule(Strict):
    reason: ClosureReason
    automatic: Flag = False  # true: the sweep closes the case when the days run out
    days: Days
    counts: Counting = Counting.WORKING
    start: Anchor = Anchor.RESPONDED
    stages: tuple[Identifier, ...] = ()  # empty: any stage
    note: str = ""
    source: str = ""


class Authority(Strict):
    role: Identifier
    stage: Identifier  # a stage id, or first_contact
    up_to_pence: Pence | None = None  # none: no upper limit
    approval_by: Identifier | None = None
    source: str = ""


class Band(Strict):
    id: Identifier
    label: str
    description: str = ""
    min_pence: Pence = 0
    max_pence: Pence | None = None
    source: str = ""


class RightToRepair(Strict):
    base_pence: Pence
    per_day_pence: Pence
    cap_pence: Pence
    source: str = ""


class Compensation(Strict):
    authority: tuple[Authority, ...] = ()
    bands: tuple[Band, ...] = ()
    right_to_repair: RightToRepair | None = None
    payment_after_acceptance: Flag = False
    arrears_offset: Flag = False
    full_and_final: Flag = False
    methods: tuple[
        Literal["bank_transfer", "cheque", "rent_credit", "voucher", "non_cash"], ...
    ] = ("bank_transfer",)
    refusal_opens_route: Identifier | None = None
    on_action_slip: tuple[Literal["contact_customer", "review_compensation"], ...] = ()
    note: str = ""
    source: str = ""


class Letter(Strict):
    event: Identifier
    stage: Identifier | None = None
    route: Identifier | None = None  # at a stage with routes, the route it is for
    template: Identifier
    label: str
    source: str = ""


#: The tenures a person can hold (the values of ``putright.people.models.Tenure``; a test
#: keeps them equal), which an ombudsman rule may name.
TENURES: tuple[str, ...] = (
    "tenant",
    "leaseholder",
    "shared_owner",
    "applicant",
    "non_resident",
    "care_customer",
    "unknown",
)
TenureValue = Literal[
    "tenant",
    "leaseholder",
    "shared_owner",
    "applicant",
    "non_resident",
    "care_customer",
    "unknown",
]


class OmbudsmanRule(Strict):
    """A case goes to ``route`` when every condition the rule gives matches."""

    route: OmbudsmanRoute
    tenures: tuple[TenureValue, ...] = ()  # the customer's tenure is one of these
    service_areas: tuple[str, ...] = ()  # the case's service area is one of these
    categories: tuple[str, ...] = ()  # the case's category is one of these
    note: str = ""
    source: str = ""

    def applies(self, *, tenure: str, service_area: str, category: str) -> bool:
        """Every condition given matches (a condition not given matches anything)."""
        return (
            (not self.tenures or tenure in self.tenures)
            and (not self.service_areas or service_area in self.service_areas)
            and (not self.categories or category in self.categories)
        )


class Ombudsman(Strict):
    route: OmbudsmanRoute = OmbudsmanRoute.HOUSING_OMBUDSMAN
    signpost_every_stage: Flag = True
    designated_person: Flag = False  # the policy refers to designated persons
    eight_week_wait: Flag = False  # the policy tells residents to wait eight weeks
    rules: tuple[OmbudsmanRule, ...] = ()  # cases routed elsewhere; the first that applies wins
    note: str = ""
    source: str = ""

    def route_for(self, *, tenure: str, service_area: str, category: str) -> OmbudsmanRoute | None:
        """The route of the first rule that applies; None (the organisation's default) if none."""
        for rule in self.rules:
            if rule.applies(tenure=tenure, service_area=service_area, category=category):
                return rule.route
        return None


class Anonymous(Strict):
    """What the policy does with a complaint whose maker is not known."""

    accepted: Flag = True  # anonymous complaints are taken
    respond: Flag = True  # false: investigated without a formal response (no deadline, no letter)
    note: str = ""
    source: str = ""


#: What PutRight can enforce of a restriction's measure: ``channels``, contact only by the
#: ways of contact the restriction names (a contact recorded another way is flagged);
#: ``issue_limit``, only N issues in a period (open cases are counted); ``no_contact``, all
#: contact stopped; ``single_contact``, one named member of staff; ``none``, recorded and
#: shown only.
Enforcement = Literal["none", "channels", "issue_limit", "no_contact", "single_contact"]

#: The parts of the unacceptable-behaviour process a policy may leave unsaid.
RestrictionPart = Literal[
    "categories",
    "measures",
    "warning",
    "warned_by",
    "decided_by",
    "reviewed_by",
    "review_days",
    "appeal",
    "police_referral",
    "reasonable_adjustments",
]


class Measure(Choice):
    """A measure a restriction may impose, in the policy's words."""

    enforces: Enforcement = "none"


class Restrictions(Strict):
    """How the policy manages unacceptable behaviour: what counts as it, who warns and who
    decides, the measures a restriction may take, its reviews and the appeal against it.

    Every role named is a pack role (``[[roles]]``). A part the policy does not set is
    named in ``silent`` and left empty, so a page can say "the policy does not say".
    """

    categories: tuple[Choice, ...] = ()
    measures: tuple[Measure, ...] = ()
    warning: Flag = False  # a warning letter comes before formal action
    warning_source: str = ""
    warned_by: tuple[Identifier, ...] = ()  # who explains the concern and warns
    decided_by: tuple[Identifier, ...] = ()  # who imposes a restriction
    decision_source: str = ""
    reviewed_by: tuple[Identifier, ...] = ()  # who reviews one
    review_days: tuple[Days, ...] = ()  # one value: set; several: the decider chooses
    review_counts: Counting = Counting.CALENDAR
    review_source: str = ""
    appeal_days: Days | None = None  # from the letter imposing the restriction
    appeal_counts: Counting = Counting.WORKING
    appeal_decided_by: Identifier | None = None
    appeal_decision_days: Days | None = None  # from receipt of the appeal
    appeal_source: str = ""
    police_referral: Flag = False  # the policy says incidents may go to the police
    reasonable_adjustments: Flag = False  # the policy says adjustments are considered
    silent: tuple[RestrictionPart, ...] = ()
    source: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Restrictions:
        problems = []
        for name, ids in (
            ("categories", [c.id for c in self.categories]),
            ("measures", [m.id for m in self.measures]),
        ):
            if len(set(ids)) != len(ids):
                problems.append(f"{name}: two entries share an id")
        if 0 in self.review_days:
            problems.append("review_days: a review period is at least 1 day")
        if self.appeal_decision_days is not None and self.appeal_days is None:
            problems.append("appeal_decision_days: set, but there is no appeal (appeal_days)")
        if self.appeal_decided_by is not None and self.appeal_days is None:
            problems.append("appeal_decided_by: set, but there is no appeal (appeal_days)")
        for part in self.silent:
            if self.said(part):
                problems.append(f"silent: {part!r} is said silent but the pack sets it")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def said(self, part: str) -> bool:
        """Whether the pack sets this part of the process."""
        if part == "appeal":
            return self.appeal_days is not None
        return bool(getattr(self, part))

    def category(self, category_id: str) -> Choice | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def measure(self, measure_id: str) -> Measure | None:
        return next((m for m in self.measures if m.id == measure_id), None)

    def role_problems(self, role_ids: set[str]) -> list[str]:
        """Each role named must be one of the pack's roles."""
        problems = []
        for name in ("warned_by", "decided_by", "reviewed_by"):
            for k, role in enumerate(getattr(self, name)):
                if role not in role_ids:
                    problems.append(f"restrictions.{name}[{k}]: no role {role!r} in [[roles]]")
        if self.appeal_decided_by is not None and self.appeal_decided_by not in role_ids:
            problems.append(
                f"restrictions.appeal_decided_by: no role {self.appeal_decided_by!r} in [[roles]]"
            )
        return problems


#: The parts of the Ombudsman casework a policy may leave unsaid.
OmbudsmanCaseworkPart = Literal[
    "contacts_through",
    "tell_on_contact",
    "tell_on_determination",
    "triage_by",
    "orders_owned_by",
    "delays_raised_with",
    "reporting",
]


class OmbudsmanCasework(Strict):
    """What the policy says of working with the Ombudsman once a resident goes to it: who
    every contact goes through, who is told of each contact and of each determination, who
    triages a determination for appeal, who owns its orders, whom a due date that cannot be
    met is raised with, and how compliance is reported.

    Every role named is a pack role (``[[roles]]``); telling them is an event on the case.
    A part the policy does not set is named in ``silent``.
    """

    contacts_through: Identifier | None = None  # every contact with the Ombudsman goes via
    tell_on_contact: tuple[Identifier, ...] = ()  # told as each notification is received
    tell_on_determination: tuple[Identifier, ...] = ()  # a determination circulated to
    triage_by: Identifier | None = None  # decides whether to appeal or ask for a review
    orders_owned_by: Identifier | None = None  # who manages each order to its due date
    delays_raised_with: Identifier | None = None  # a due date that cannot be met goes to
    # How compliance with the Ombudsman's orders is reported, and how often; "frequency_not_stated":
    # the policy says it is reported but not how often.
    reporting: Literal["quarterly", "six_monthly", "annual", "frequency_not_stated"] | None = None
    reported_to: str = ""  # in the policy's words
    silent: tuple[OmbudsmanCaseworkPart, ...] = ()
    source: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> OmbudsmanCasework:
        problems = []
        for part in self.silent:
            if self.said(part):
                problems.append(f"silent: {part!r} is said silent but the pack sets it")
        if self.reported_to and self.reporting is None:
            problems.append("reported_to: set, but reporting says nothing of how often")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def said(self, part: str) -> bool:
        """Whether the pack sets this part of the casework."""
        return bool(getattr(self, part))

    def role_problems(self, role_ids: set[str]) -> list[str]:
        """Each role named must be one of the pack's roles."""
        problems = []
        for name in ("contacts_through", "triage_by", "orders_owned_by", "delays_raised_with"):
            role = getattr(self, name)
            if role is not None and role not in role_ids:
                problems.append(f"ombudsman_casework.{name}: no role {role!r} in [[roles]]")
        for name in ("tell_on_contact", "tell_on_determination"):
            for k, role in enumerate(getattr(self, name)):
                if role not in role_ids:
                    problems.append(
                        f"ombudsman_casework.{name}[{k}]: no role {role!r} in [[roles]]"
                    )
        return problems


class Petitions(Strict):
    """What the policy says of petitions beyond their stage's steps: who decides whether a
    petition some or all petitioners are unhappy with goes to the next stage, and whether
    one unhappy petitioner is then nominated to represent the rest (and must agree)."""

    escalation_decided_by: tuple[Identifier, ...] = ()  # pack roles; empty: not stated
    representative: Flag = False
    source: str = ""

    def role_problems(self, role_ids: set[str]) -> list[str]:
        """Each role named must be one of the pack's roles."""
        return [
            f"petitions.escalation_decided_by[{k}]: no role {role!r} in [[roles]]"
            for k, role in enumerate(self.escalation_decided_by)
            if role not in role_ids
        ]


MeetingKind = Literal[
    "call",
    "visit",
    "panel_meeting",
    "pre_meeting",
    "compensation_review_call",
    "petitioners_meeting",
]


class ReviewSeat(Strict):
    """A seat on a review panel: the pack role that fills it and how many may sit in it."""

    role: Identifier
    label: str
    min: int = Field(1, ge=0)
    max: int = Field(1, ge=1)
    source: str = ""


class Review(Strict):
    """A review the policy holds with a meeting or a call (a Senior Manager Review, a panel):
    where it sits, which meetings it holds, which steps they complete, who sits on a panel and
    what it decides. Interpreted by ``putright.meetings``; documented in docs/policy-packs.md.
    """

    id: Identifier
    label: str
    stage: Identifier
    route: Identifier | None = None  # the stage 2 route it belongs to; any route when None
    meeting_kinds: tuple[MeetingKind, ...] = ()  # what may be booked for it
    customer_chooses: tuple[MeetingKind, ...] = ()  # the customer may ask for one of these
    meeting_step: Identifier | None = None  # booking the meeting marks this step done
    meeting_by_step: bool = False  # the meeting must fall on or before that step's due date
    report_step: Identifier | None = None  # sending the review report marks this step done
    report_to: Identifier | None = None  # the pack role the report is for
    summary_step: Identifier | None = None  # the panel's summary sheet marks this step done
    signed_by: Identifier | None = None  # the response goes out under this role's name
    only_after: tuple[Outcome, ...] = ()  # the earlier stage's outcomes that allow it
    seats: tuple[ReviewSeat, ...] = ()  # a panel's membership; none: not a panel
    questions: tuple[str, ...] = ()  # what the panel decides
    letter_agreed_by_panel: bool = False  # each member agrees the draft before it is sent
    pre_meeting_minutes: int | None = Field(None, ge=5, le=240)  # the panel meets first
    source: str = ""

    @property
    def is_panel(self) -> bool:
        return bool(self.seats)

    def seat(self, role: str) -> ReviewSeat | None:
        return next((s for s in self.seats if s.role == role), None)

    def problems(self, where: str, pack: Pack, role_ids: set[str]) -> list[str]:
        """Its stage, route, steps and roles exist; each seat's bounds make sense."""
        problems: list[str] = []
        stage = next((s for s in pack.stages if s.id == self.stage), None)
        if stage is None:
            return [f"{where}.stage: no stage {self.stage!r}"]
        if self.route is not None and stage.route(self.route) is None:
            problems.append(f"{where}.route: no route {self.route!r} in stage {self.stage!r}")
        steps = {s.id for s in stage.steps_for(self.route)}
        for name in ("meeting_step", "report_step", "summary_step"):
            step = getattr(self, name)
            if step is not None and step not in steps:
                problems.append(f"{where}.{name}: no step {step!r} in stage {self.stage!r}")
        if self.meeting_by_step and self.meeting_step is None:
            problems.append(f"{where}.meeting_by_step: set, but there is no meeting_step")
        for name in ("report_to", "signed_by"):
            role = getattr(self, name)
            if role is not None and role not in role_ids:
                problems.append(f"{where}.{name}: no role {role!r} in [[roles]]")
        for k, kind in enumerate(self.customer_chooses):
            if kind not in self.meeting_kinds:
                problems.append(f"{where}.customer_chooses[{k}]: {kind!r} is not in meeting_kinds")
        for k, seat in enumerate(self.seats):
            if seat.role not in role_ids:
                problems.append(f"{where}.seats[{k}].role: no role {seat.role!r} in [[roles]]")
            if seat.min > seat.max:
                problems.append(f"{where}.seats[{k}]: min {seat.min} is more than max {seat.max}")
        if self.letter_agreed_by_panel and not self.seats:
            problems.append(f"{where}.letter_agreed_by_panel: set, but the review has no seats")
        if self.pre_meeting_minutes is not None and "pre_meeting" not in self.meeting_kinds:
            problems.append(
                f"{where}.pre_meeting_minutes: set, but pre_meeting is not a meeting_kind"
            )
        return problems


#: The parts of learning from complaints a policy may leave unsaid.
LearningPart = Literal[
    "causes",
    "lessons_by",
    "lessons_report",
    "review_upheld",
    "action_plan",
    "effectiveness_review",
    "quarterly_review",
    "deep_dive",
    "scrutiny_report",
    "complainant_told",
    "published",
]

#: The root causes every pack offers; a pack adds its own in ``[[learning.causes]]``.
DEFAULT_CAUSES: tuple[tuple[str, str], ...] = (
    ("communication", "Communication"),
    ("missed_appointment", "Missed appointment"),
    ("repair_quality", "Quality of a repair"),
    ("delay", "Delay"),
    ("policy", "Policy"),
    ("staff_conduct", "Staff conduct"),
    ("contractor", "Contractor"),
    ("information", "Information wrong or missing"),
    ("process_not_followed", "Process not followed"),
    ("record_keeping", "Record keeping"),
    ("no_failing_found", "No failing found"),
    ("other", "Other"),
)


class Learning(Strict):
    """How the policy learns from complaints: the root causes recorded, who records lessons,
    whether a lessons-learned report is a condition of closing, who reviews upheld
    complaints, the rolling action plan and its effectiveness review, the reviews and
    reports, and how residents are told.

    A part the policy does not set is named in ``silent``, so a page can say "the policy does
    not say" and PutRight's default is shown as its own.
    """

    causes: tuple[Choice, ...] = ()  # added to DEFAULT_CAUSES
    lessons_by: tuple[Identifier, ...] = ()  # pack roles who record lessons
    lessons_source: str = ""
    # A lessons-learned report for every case of these kinds that was answered.
    report_kinds: tuple[CaseKind, ...] = ()
    report_closes: Flag = False  # the case cannot close without its report
    report_source: str = ""
    review_upheld_by: Identifier | None = None  # a pack role reviews each upheld complaint
    # Working days from the response; none: by the end of the quarter, for its lessons review.
    review_upheld_days: Days | None = None
    review_upheld_source: str = ""
    action_plan: Flag = False  # a rolling action plan of improvement actions is kept
    action_plan_source: str = ""
    # Calendar days after an action is completed when its effectiveness is reviewed; none:
    # PutRight's default (EFFECTIVENESS_DEFAULT_DAYS).
    effectiveness_days: Days | None = None
    effectiveness_source: str = ""
    quarterly_review: Flag = False
    quarterly_review_by: tuple[Identifier, ...] = ()
    quarterly_review_source: str = ""
    deep_dive_areas: tuple[str, ...] = ()  # service areas reviewed in depth each year
    deep_dive_source: str = ""
    scrutiny_report: Literal["none", "monthly", "quarterly"] = "none"
    scrutiny_report_to: str = ""  # who receives it, in the policy's words
    scrutiny_report_source: str = ""
    complainant_letter: Identifier | None = None  # the template telling them what changed
    complainant_source: str = ""
    published: Flag = False  # what was learnt and changed is published to residents
    published_source: str = ""
    silent: tuple[LearningPart, ...] = ()
    source: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Learning:
        problems = []
        ids = [c.id for c in self.causes]
        if len(set(ids)) != len(ids):
            problems.append("causes: two entries share an id")
        defaults = {cause_id for cause_id, _ in DEFAULT_CAUSES}
        for k, cause in enumerate(self.causes):
            if cause.id in defaults:
                problems.append(
                    f"causes[{k}].id: {cause.id!r} is one of the default causes already"
                )
        if self.report_closes and not self.report_kinds:
            problems.append("report_closes: set, but no report_kinds say which cases need one")
        if self.review_upheld_days is not None and self.review_upheld_by is None:
            problems.append("review_upheld_days: set, but nobody reviews (review_upheld_by)")
        if self.quarterly_review_by and not self.quarterly_review:
            problems.append("quarterly_review_by: set, but quarterly_review is false")
        if self.effectiveness_days == 0:
            problems.append("effectiveness_days: an effectiveness review is at least 1 day on")
        for part in self.silent:
            if self.said(part):
                problems.append(f"silent: {part!r} is said silent but the pack sets it")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def said(self, part: str) -> bool:
        """Whether the pack sets this part of learning."""
        fields = {
            "lessons_report": "report_kinds",
            "review_upheld": "review_upheld_by",
            "effectiveness_review": "effectiveness_days",
            "deep_dive": "deep_dive_areas",
            "complainant_told": "complainant_letter",
        }
        value = getattr(self, fields.get(part, part))
        if part == "scrutiny_report":
            return bool(value != "none")
        return bool(value is not None and value is not False and value != ())

    def all_causes(self) -> tuple[Choice, ...]:
        """The default causes, then the pack's own (before "other")."""
        defaults = [Choice(id=i, label=label) for i, label in DEFAULT_CAUSES]
        return (*defaults[:-1], *self.causes, defaults[-1])

    def cause(self, cause_id: str) -> Choice | None:
        return next((c for c in self.all_causes() if c.id == cause_id), None)

    def role_problems(self, role_ids: set[str]) -> list[str]:
        """Each role named must be one of the pack's roles."""
        problems = []
        for name in ("lessons_by", "quarterly_review_by"):
            for k, role in enumerate(getattr(self, name)):
                if role not in role_ids:
                    problems.append(f"learning.{name}[{k}]: no role {role!r} in [[roles]]")
        if self.review_upheld_by is not None and self.review_upheld_by not in role_ids:
            problems.append(
                f"learning.review_upheld_by: no role {self.review_upheld_by!r} in [[roles]]"
            )
        return problems


class Governance(Strict):
    """Commitments about oversight and learning, for the self-assessment."""

    member_responsible_for_complaints: Flag = False
    # how often complaints performance goes to the governing body; "frequency_not_stated":
    # the policy says it is reported there but not how often
    board_reporting: Literal[
        "none", "quarterly", "six_monthly", "annual", "frequency_not_stated"
    ] = "none"
    annual_report: Flag = False
    self_assessment: Flag = False
    learning_published: Flag = False
    satisfaction_survey: Flag = False
    equality_monitoring: Flag = False
    lessons_learned_per_complaint: Flag = False  # a lessons-learned report for every complaint
    lessons_told_to_complainant: Flag = False  # the complainant is told the lessons learnt
    source: str = ""


class NotExpressible(Strict):
    """A rule of the policy the pack format cannot hold, said so in the pack."""

    clause: str  # where the policy says it
    text: str  # what the policy says
    reason: str  # why the format cannot hold it, and what PutRight does instead


class Provision(Strict):
    """A provision of a code (used by the statutory Code pack for the self-assessment)."""

    id: Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]+$")]
    section: Annotated[int, Field(ge=1, le=9)]
    section_title: str
    text: str
    must: Flag = True


class Pack(Strict):
    """A whole complaints policy."""

    format: Literal[1]
    id: PackId
    version: str
    title: str
    landlord: str = ""
    source: str
    effective_from: date | None = None
    summary: str = ""
    process_source: str = ""  # where the policy sets out its stages as a whole
    service_areas: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    kinds: tuple[KindRule, ...]
    stages: tuple[Stage, ...]
    exclusions: tuple[Exclusion, ...] = ()
    closure: tuple[ClosureRule, ...] = ()
    compensation: Compensation | None = None
    letters: tuple[Letter, ...] = ()
    ombudsman: Ombudsman = Ombudsman()
    anonymous: Anonymous | None = None
    restrictions: Restrictions | None = None
    ombudsman_casework: OmbudsmanCasework | None = None  # None: the policy says nothing of it
    reviews: tuple[Review, ...] = ()  # the reviews held with a meeting or a call
    petitions: Petitions | None = None  # None: the policy says nothing of petitions
    learning: Learning = Learning()
    governance: Governance = Governance()
    not_expressible: tuple[NotExpressible, ...] = ()
    provisions: tuple[Provision, ...] = ()

    @model_validator(mode="after")
    def _references_resolve(self) -> Pack:
        """Every stage, role and step a pack refers to must exist in the pack."""
        stage_ids = [s.id for s in self.stages]
        role_ids = {r.id for r in self.roles} | {"customer"}
        problems: list[str] = []
        if len(set(stage_ids)) != len(stage_ids):
            problems.append("stages: two stages share an id")
        for name, ids in (
            ("roles", [r.id for r in self.roles]),
            ("kinds", [k.kind for k in self.kinds]),
            ("exclusions", [e.id for e in self.exclusions]),
        ):
            if len(set(ids)) != len(ids):
                problems.append(f"{name}: two entries share an id")
        for i, kind in enumerate(self.kinds):
            if kind.starts_at and kind.starts_at not in stage_ids:
                problems.append(f"kinds[{i}].starts_at: no stage {kind.starts_at!r}")
        for i, stage in enumerate(self.stages):
            where = f"stages[{i}]"
            ids = [s.id for s in stage.steps]
            if len(set(ids)) != len(ids):
                problems.append(f"{where}.steps: two steps share an id")
            route_ids = [r.id for r in stage.routes]
            if len(set(route_ids)) != len(route_ids):
                problems.append(f"{where}.routes: two routes share an id")
            if stage.escalation and stage.escalation.to not in stage_ids:
                problems.append(f"{where}.escalation.to: no stage {stage.escalation.to!r}")
            for role, path in _role_refs(stage, where):
                if role not in role_ids:
                    problems.append(f"{path}: no role {role!r} in [[roles]]")
            problems.extend(_extension_problems(stage, where, role_ids))
            problems.extend(_step_problems(stage, where))
        problems.extend(self._ombudsman_problems())
        problems.extend(self._elsewhere_problems(stage_ids))
        if self.restrictions is not None:
            problems.extend(self.restrictions.role_problems(role_ids - {"customer"}))
        problems.extend(self.learning.role_problems(role_ids - {"customer"}))
        if self.ombudsman_casework is not None:
            problems.extend(self.ombudsman_casework.role_problems(role_ids - {"customer"}))
        if len({r.id for r in self.reviews}) != len(self.reviews):
            problems.append("reviews: two reviews share an id")
        for j, review in enumerate(self.reviews):
            problems.extend(review.problems(f"reviews[{j}]", self, role_ids - {"customer"}))
        if self.petitions is not None:
            problems.extend(self.petitions.role_problems(role_ids - {"customer"}))
        if self.compensation:
            for j, auth in enumerate(self.compensation.authority):
                for named in (auth.role, auth.approval_by):
                    if named and named not in role_ids:
                        problems.append(f"compensation.authority[{j}]: no role {named!r}")
                if auth.stage != "first_contact" and auth.stage not in stage_ids:
                    problems.append(f"compensation.authority[{j}].stage: no stage {auth.stage!r}")
                problems.extend(self._approver_problems(j, auth))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _elsewhere_problems(self, stage_ids: list[str]) -> list[str]:
        """Closure rules, letters and compensation name stages and routes that exist; the
        compensation bands neither run backwards nor overlap."""
        problems = []
        routes = {r.id: stage.id for stage in self.stages for r in stage.routes}
        for j, rule in enumerate(self.closure):
            for k, stage_id in enumerate(rule.stages):
                if stage_id not in stage_ids:
                    problems.append(f"closure[{j}].stages[{k}]: no stage {stage_id!r}")
        for j, letter in enumerate(self.letters):
            if letter.stage is not None and letter.stage not in stage_ids:
                problems.append(f"letters[{j}].stage: no stage {letter.stage!r}")
            if letter.route is not None:
                where = routes.get(letter.route)
                if where is None:
                    problems.append(f"letters[{j}].route: no route {letter.route!r} in any stage")
                elif (
                    letter.stage is not None and letter.stage in stage_ids and where != letter.stage
                ):
                    problems.append(
                        f"letters[{j}].route: {letter.route!r} is a route of {where!r}, "
                        f"not of {letter.stage!r}"
                    )
        if self.compensation is not None:
            opened = self.compensation.refusal_opens_route
            if opened is not None and opened not in routes:
                problems.append(
                    f"compensation.refusal_opens_route: no route {opened!r} in any stage"
                )
            problems.extend(_band_problems(self.compensation.bands))
        return problems

    def _ombudsman_problems(self) -> list[str]:
        """An ombudsman rule names something to match, from the pack's own lists."""
        problems = []
        for j, rule in enumerate(self.ombudsman.rules):
            where = f"ombudsman.rules[{j}]"
            if not (rule.tenures or rule.service_areas or rule.categories):
                problems.append(
                    f"{where}: a rule needs at least one of tenures, service_areas or categories "
                    "(the organisation's default route covers every other case)"
                )
            for name, given, known in (
                ("service_areas", rule.service_areas, self.service_areas),
                ("categories", rule.categories, self.categories),
            ):
                for value in given:
                    if value not in known:
                        problems.append(f"{where}.{name}: {value!r} is not in the pack's {name}")
        return problems

    def _approver_problems(self, j: int, auth: Authority) -> list[str]:
        """An award over someone's authority must wait for a role somebody can decide it with."""
        deciders = ", ".join(sorted(AWARD_DECIDERS))
        known = {r.id: r for r in self.roles}
        if auth.approval_by is not None:
            approver = known.get(auth.approval_by)
            if approver is not None and not set(approver.acts_as) & AWARD_DECIDERS:
                return [
                    f"compensation.authority[{j}].approval_by: role {auth.approval_by!r} acts as "
                    f"no PutRight role allowed to decide awards (its acts_as needs one of "
                    f"{deciders})"
                ]
        elif auth.role in known and deciding_role(self.roles, auth.role) is None:
            return [
                f"compensation.authority[{j}].role: no role the pack lists at or above "
                f"{auth.role!r} acts as a PutRight role allowed to decide awards ({deciders}), "
                "so an award waiting for it could never be decided"
            ]
        return []

    def stage(self, stage_id: str) -> Stage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def kind(self, kind: str) -> KindRule | None:
        return next((k for k in self.kinds if k.kind == kind), None)

    def first_formal_stage(self) -> Stage | None:
        return next((s for s in self.stages if s.formal and s.level == 1), None)

    def formal_stages(self) -> list[Stage]:
        return [s for s in self.stages if s.formal]

    def role_title(self, role_id: str) -> str:
        return next((r.title for r in self.roles if r.id == role_id), role_id.replace("_", " "))


def _extensions(stage: Stage, where: str) -> Iterable[tuple[Extension, str]]:
    if stage.extension is not None:
        yield stage.extension, f"{where}.extension"
    for r, route in enumerate(stage.routes):
        if route.extension is not None:
            yield route.extension, f"{where}.routes[{r}].extension"


def _band_problems(bands: Sequence[Band]) -> list[str]:
    """Each band runs upwards, and no amount falls in two bands."""
    problems = []
    for j, band in enumerate(bands):
        if band.max_pence is not None and band.min_pence > band.max_pence:
            problems.append(
                f"compensation.bands[{j}]: min_pence {band.min_pence} is above "
                f"max_pence {band.max_pence}"
            )
    ordered = sorted(enumerate(bands), key=lambda item: item[1].min_pence)
    for (i, lower), (j, upper) in pairwise(ordered):
        if lower.max_pence is None or upper.min_pence <= lower.max_pence:
            top = "no top" if lower.max_pence is None else f"up to {lower.max_pence}"
            problems.append(
                f"compensation.bands[{j}]: overlaps compensation.bands[{i}] ({lower.id!r} runs "
                f"from {lower.min_pence} with {top}; {upper.id!r} starts at {upper.min_pence})"
            )
    return problems


def _extension_problems(stage: Stage, where: str, role_ids: set[str]) -> list[str]:
    """Agreement reasons are listed reasons; the route offered on refusal is one of the stage's;
    those told of an extension are roles."""
    problems = []
    route_ids = {r.id for r in stage.routes}
    for ext, path in _extensions(stage, where):
        for k, role in enumerate(ext.tell):
            if role not in role_ids:
                problems.append(f"{path}.tell[{k}]: no role {role!r} in [[roles]]")
        reason_ids = {c.id for c in ext.reasons}
        for reason in ext.agreement_for:
            if reason not in reason_ids:
                problems.append(f"{path}.agreement_for: no reason {reason!r} in its reasons")
        if ext.agreement_for and not ext.customer_agreement:
            problems.append(f"{path}.agreement_for: needs customer_agreement = true")
        offered = ext.on_refusal_offer_route
        if offered is not None:
            if offered not in route_ids:
                problems.append(
                    f"{path}.on_refusal_offer_route: no route {offered!r} in {where}.routes"
                )
            if not ext.customer_agreement:
                problems.append(
                    f"{path}.on_refusal_offer_route: needs customer_agreement = true "
                    "(a customer can refuse only what they are asked to agree to)"
                )
    return problems


def _all_steps(stage: Stage, where: str) -> list[tuple[str, Step]]:
    steps = [(f"{where}.steps[{k}]", s) for k, s in enumerate(stage.steps)]
    for r, route in enumerate(stage.routes):
        steps += [(f"{where}.routes[{r}].steps[{k}]", s) for k, s in enumerate(route.steps)]
    return steps


#: Step ids whose completing fact is known without ``completed_by``.
CONVENTIONAL_STEP_IDS = ("acknowledge", "respond", "investigator_reply")


def _step_problems(stage: Stage, where: str) -> list[str]:
    """A step says what completes it (a misspelt ``acknowledgement`` would silently become a
    ceiling met only by the response); only an acknowledgement can be met by a response."""
    problems = []
    for path, step in _all_steps(stage, where):
        if step.completed_by is None and step.id not in CONVENTIONAL_STEP_IDS:
            problems.append(
                f"{path}.id: {step.id!r} is not one of {', '.join(CONVENTIONAL_STEP_IDS)}, so "
                'say what completes it with completed_by ("none" for a ceiling met only by '
                "the response)"
            )
        if step.response_counts and step.completion() is not Completion.ACKNOWLEDGED:
            problems.append(
                f"{path}.response_counts: only an acknowledgement step (completed by "
                "'acknowledged') can be met by a response"
            )
    return problems


def _role_refs(stage: Stage, where: str) -> Iterable[tuple[str, str]]:
    if stage.handled_by:
        yield stage.handled_by, f"{where}.handled_by"
    for route_index, route in enumerate(stage.routes):
        if route.decided_by:
            yield route.decided_by, f"{where}.routes[{route_index}].decided_by"
    for path, step in _all_steps(stage, where):
        if step.owner:
            yield step.owner, f"{path}.owner"
        for role in step.breach_alert:
            yield role, f"{path}.breach_alert"
        for n, rung in enumerate(step.ladder):
            for role in rung.roles:
                yield role, f"{path}.ladder[{n}].roles"


def _format_location(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


_Model = TypeVar("_Model", bound=BaseModel)


def validate_toml(model: type[_Model], text: str, *, source: str, kind: str) -> _Model:
    """Validate TOML text as ``model``; errors name ``source``, the path inside and the
    problem (``kind`` names the format in "unknown key (not part of the pack format)")."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PackError(source, [("", f"not valid TOML: {error}")]) from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            location = _format_location(tuple(item["loc"]))
            message = item["msg"]
            if item["type"] == "extra_forbidden":
                message = f"unknown key (not part of the {kind} format)"
            elif item["type"] == "missing":
                message = "required, but missing"
            problems.append((location, message.removeprefix("Value error, ")))
        raise PackError(source, problems) from None


def parse_pack(text: str, *, source: str) -> Pack:
    """Validate a pack's TOML text; errors name ``source``, the path inside and the problem."""
    return validate_toml(Pack, text, source=source, kind="pack")


def load_pack_file(path: Path) -> Pack:
    """Load and validate one pack file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PackError(str(path), [("", f"cannot read the file: {error.strerror}")]) from None
    pack = parse_pack(text, source=str(path))
    if path.stem != pack.id:
        raise PackError(str(path), [("id", f"{pack.id!r} does not match the file name")])
    return pack


class PackRegistry:
    """The packs PutRight knows: the built-in ones and any in extra folders."""

    def __init__(self, folders: Iterable[Path] = ()) -> None:
        self.folders = (BUILTIN_DIR, *folders)
        self._packs: dict[str, Pack] = {}
        where: dict[str, Path] = {}
        for folder in self.folders:
            if not folder.is_dir():
                raise PackError(str(folder), [("", "policy folder does not exist")])
            for path in sorted(folder.glob("*.toml")):
                pack = load_pack_file(path)
                if pack.id in self._packs:
                    raise PackError(
                        str(path), [("id", f"{pack.id!r} is already defined by {where[pack.id]}")]
                    )
                self._packs[pack.id] = pack
                where[pack.id] = path

    def ids(self) -> list[str]:
        return sorted(self._packs)

    def all(self) -> list[Pack]:
        return [self._packs[i] for i in self.ids()]

    def get(self, pack_id: str) -> Pack:
        try:
            return self._packs[pack_id]
        except KeyError:
            raise UnknownPackError(pack_id, self.ids()) from None

    def resolve(self, id_or_file: str) -> Pack:
        """A pack by id, or loaded from a path ending in .toml."""
        if id_or_file.endswith(".toml") or "/" in id_or_file:
            return load_pack_file(Path(id_or_file))
        return self.get(id_or_file)


@cache
def builtin_registry() -> PackRegistry:
    """The built-in packs, loaded once."""
    return PackRegistry()
