"""The actions on a person about unacceptable behaviour, declared once.

Each is addressed under the person, as in the API (``POST /api/v1{path}``) and the staff page
at the same path with a trailing slash, both taking the same input and calling the same
service in ``putright/people/restrictions.py``. They are ``NestedAction``s with no case: the
record the path names is the person (``target = "person"``) or one of their restrictions
(``target = "restriction"``). ``perform_person`` checks the permission (``ACTION_ROLES``, for
the person's organisation) and runs it; the service checks the pack's deciders.

A warning or a restriction that the pack gives a letter for is issued with it
(``putright/letters/person_letters.py``), kept on the person.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field

from putright.accounts.access import require_organisation_role
from putright.accounts.models import User
from putright.cases.errors import CaseInputError
from putright.cases.services import Actor
from putright.people import restrictions as services
from putright.people.models import BehaviourIncident, ContactRestriction, Person

from .catalogue import NestedAction, aware
from .inputs import In


class When(In):
    occurred_at: datetime.datetime | None = Field(
        None, description="When it happened (never in the future); now if not given."
    )


class BehaviourIn(When):
    categories: list[str] = Field(..., min_length=1, max_length=10)
    description: str = Field(..., min_length=1, max_length=5000)
    occurred_on: datetime.date
    witnesses: str = Field("", max_length=300)


class ConcernIn(When):
    summary: str = Field(..., min_length=1, max_length=5000)


class PoliceIn(When):
    referred_on: datetime.date
    reference: str = Field(..., min_length=1, max_length=60)
    incident: int | None = Field(None, ge=1)


class RestrictionIn(When):
    kind: Literal["warning", "restriction"]
    categories: list[str] = Field(..., min_length=1, max_length=10)
    behaviour: str = Field(..., min_length=1, max_length=5000)
    reasons: str = Field("", max_length=5000)
    measures: list[str] = Field(default_factory=list, max_length=20)
    channels: list[str] = Field(default_factory=list, max_length=6)
    issue_limit: int | None = Field(None, ge=1, le=100)
    issue_period_days: int | None = Field(None, ge=1, le=400)
    contact_person: str = Field("", max_length=150, description="username")
    contact_times: str = Field("", max_length=200)
    review_days: int | None = Field(
        None, ge=1, le=400, description="Where the pack offers a choice of review periods."
    )
    review_on: datetime.date | None = Field(
        None, description="Where the pack sets no review period: the first review's date."
    )
    reviewer: str = Field("", max_length=150, description="username; the decider if blank")
    change_by: datetime.date | None = Field(
        None, description="A warning: the day by which the behaviour must change."
    )


class ReviewIn(When):
    outcome: Literal["keep", "vary", "lift"]
    explanation: str = Field(..., min_length=1, max_length=5000)
    review_days: int | None = Field(None, ge=1, le=400)
    review_on: datetime.date | None = None
    measures: list[str] = Field(default_factory=list, max_length=20)
    channels: list[str] = Field(default_factory=list, max_length=6)
    issue_limit: int | None = Field(None, ge=1, le=100)
    issue_period_days: int | None = Field(None, ge=1, le=400)
    contact_person: str = Field("", max_length=150)
    reviewer: str = Field("", max_length=150)


class AppealIn(When):
    grounds: str = Field(..., min_length=1, max_length=5000)
    decider: str = Field(..., min_length=1, max_length=150, description="username")


class AppealDecisionIn(When):
    upheld: bool
    explanation: str = Field(..., min_length=1, max_length=5000)


class FinishIn(When):
    categories: list[str] = Field(..., min_length=1, max_length=10)
    measures: list[str] = Field(default_factory=list, max_length=20)
    channels: list[str] = Field(default_factory=list, max_length=6)
    issue_limit: int | None = Field(None, ge=1, le=100)
    issue_period_days: int | None = Field(None, ge=1, le=400)
    contact_person: str = Field("", max_length=150)


class LiftIn(When):
    reason: str = Field(..., min_length=1, max_length=5000)


def _record(person: Person, actor: Actor, p: RestrictionIn, when: Any) -> ContactRestriction:
    if p.kind == "warning":
        if p.change_by is None:
            message = services.CHANGE_BY
            raise CaseInputError(message, fields={"change_by": message})
        return services.restriction_warn(
            person=person,
            categories=p.categories,
            behaviour=p.behaviour,
            change_by=p.change_by,
            reasons=p.reasons,
            occurred_at=when,
            actor=actor,
        )
    return services.restriction_impose(
        person=person,
        categories=p.categories,
        measures=p.measures,
        behaviour=p.behaviour,
        reasons=p.reasons,
        channels=p.channels,
        issue_limit=p.issue_limit,
        issue_period_days=p.issue_period_days,
        contact_person=p.contact_person or None,
        contact_times=p.contact_times,
        review_days=p.review_days,
        review_on=p.review_on,
        reviewer=p.reviewer or None,
        occurred_at=when,
        actor=actor,
    )


def _incident(person: Person, incident_id: int | None) -> BehaviourIncident | None:
    if incident_id is None:
        return None
    found = person.incidents.filter(pk=incident_id).first()
    if found is None:
        raise CaseInputError("The person has no such incident.", fields={"incident": "Not found."})
    return found


def _recorded(restriction: ContactRestriction) -> str:
    if restriction.level == "warning":
        return f"Warning recorded: the behaviour must change by {restriction.review_on:%-d %B %Y}."
    appeal = f" Appeal by {restriction.appeal_by:%-d %B %Y}." if restriction.appeal_by else ""
    return f"Restriction recorded. Review due {restriction.review_on:%-d %B %Y}.{appeal}"


def _reviewed(restriction: ContactRestriction) -> str:
    if restriction.lifted_reason:
        return "Review recorded: the restriction is lifted."
    return f"Review recorded. Next review {restriction.review_on:%-d %B %Y}."


PERSON_ACTIONS: tuple[NestedAction, ...] = (
    NestedAction(
        "behaviour-record",
        "Record behaviour",
        "/people/{person_id}/behaviour",
        BehaviourIn,
        lambda _, person, actor, p, c: services.behaviour_record(
            person=person,
            categories=p.categories,
            description=p.description,
            occurred_on=p.occurred_on,
            witnesses=p.witnesses,
            actor=actor,
        ),
        lambda incident: "Behaviour recorded.",
        permission="behaviour-record",
        target="person",
    ),
    NestedAction(
        "concern-explain",
        "Record that the concern was explained",
        "/people/{person_id}/concerns",
        ConcernIn,
        lambda _, person, actor, p, c: services.concern_explain(
            person=person, summary=p.summary, occurred_at=c["occurred_at"], actor=actor
        ),
        lambda person: "Recorded that the concern was explained.",
        permission="concern-explain",
        target="person",
    ),
    NestedAction(
        "police-refer",
        "Record a police referral",
        "/people/{person_id}/police-referrals",
        PoliceIn,
        lambda _, person, actor, p, c: services.police_refer(
            person=person,
            referred_on=p.referred_on,
            reference=p.reference,
            incident=_incident(person, p.incident),
            actor=actor,
        ),
        lambda person: "Police referral recorded.",
        permission="police-refer",
        target="person",
    ),
    NestedAction(
        "restriction-record",
        "Warn or restrict",
        "/people/{person_id}/restrictions",
        RestrictionIn,
        lambda _, person, actor, p, c: _record(person, actor, p, c["occurred_at"]),
        _recorded,
        permission="",  # restriction-warn or restriction-impose, by kind: perform_person
        target="person",
    ),
    NestedAction(
        "restriction-review",
        "Review the restriction",
        "/people/{person_id}/restrictions/{restriction_id}/review",
        ReviewIn,
        lambda _, restriction, actor, p, c: services.restriction_review(
            restriction=restriction,
            outcome=p.outcome,
            explanation=p.explanation,
            review_days=p.review_days,
            review_on=p.review_on,
            measures=p.measures,
            channels=p.channels,
            issue_limit=p.issue_limit,
            issue_period_days=p.issue_period_days,
            contact_person=p.contact_person or None,
            reviewer=p.reviewer or None,
            occurred_at=c["occurred_at"],
            actor=actor,
        ),
        _reviewed,
        permission="restriction-review",
        target="restriction",
    ),
    NestedAction(
        "restriction-appeal",
        "Record an appeal",
        "/people/{person_id}/restrictions/{restriction_id}/appeal",
        AppealIn,
        lambda _, restriction, actor, p, c: services.restriction_appeal(
            restriction=restriction,
            grounds=p.grounds,
            decider=p.decider,
            received_at=c["occurred_at"],
            actor=actor,
        ),
        lambda restriction: f"Appeal recorded and given to {restriction.appeal_decider}.",
        permission="restriction-appeal",
        target="restriction",
    ),
    NestedAction(
        "restriction-decide-appeal",
        "Decide the appeal",
        "/people/{person_id}/restrictions/{restriction_id}/decide-appeal",
        AppealDecisionIn,
        lambda _, restriction, actor, p, c: services.restriction_decide_appeal(
            restriction=restriction,
            upheld=p.upheld,
            explanation=p.explanation,
            occurred_at=c["occurred_at"],
            actor=actor,
        ),
        lambda restriction: f"Appeal decided: {restriction.get_appeal_outcome_display().lower()}.",
        permission="restriction-decide-appeal",
        target="restriction",
    ),
    NestedAction(
        "restriction-lift",
        "Lift",
        "/people/{person_id}/restrictions/{restriction_id}/lift",
        LiftIn,
        lambda _, restriction, actor, p, c: services.restriction_lift(
            restriction=restriction, reason=p.reason, occurred_at=c["occurred_at"], actor=actor
        ),
        lambda restriction: "Lifted.",
        permission="restriction-lift",
        target="restriction",
        warning=True,
    ),
)

PERSON_ACTIONS += (
    NestedAction(
        "restriction-finish",
        "Finish the record",
        "/people/{person_id}/restrictions/{restriction_id}/finish",
        FinishIn,
        lambda _, restriction, actor, p, c: services.restriction_finish(
            restriction=restriction,
            categories=p.categories,
            measures=p.measures,
            channels=p.channels,
            issue_limit=p.issue_limit,
            issue_period_days=p.issue_period_days,
            contact_person=p.contact_person or None,
            actor=actor,
        ),
        lambda restriction: "Its kind of behaviour and measures are recorded.",
        permission="restriction-review",  # whoever may review it
        target="restriction",
    ),
)

PERSON_BY_NAME: dict[str, NestedAction] = {a.name: a for a in PERSON_ACTIONS}

#: The letter each entry of a person's history calls for, where the pack lists one.
LETTER_EVENTS = {
    "restriction-record": ("restriction_warning", "restriction_imposed"),
    "restriction-review": ("restriction_reviewed",),
    "restriction-decide-appeal": ("restriction_appeal_decided",),
}


def permission_of(action: NestedAction, payload: Any) -> str:
    """The ``ACTION_ROLES`` key this call needs."""
    if action.name == "restriction-record":
        return "restriction-warn" if payload.kind == "warning" else "restriction-impose"
    return action.permission


def perform_person(
    action: NestedAction, *, user: User, person: Person, target: Any, payload: In
) -> Any:
    """Take an action on a person as ``user``: their role, then the service, decide; then any
    letter the pack gives for it is issued and kept."""
    require_organisation_role(user, person.organisation, permission_of(action, payload))
    occurred_at = aware(getattr(payload, "occurred_at", None))
    actor = Actor(user)
    done = action.run(None, target, actor, payload, {"occurred_at": occurred_at})  # type: ignore[arg-type]
    if isinstance(done, ContactRestriction) and action.name in LETTER_EVENTS:
        from putright.letters.person_letters import issue_letter, listed

        if listed(done, action.name):
            issue_letter(done, action.name, actor)
    return done
