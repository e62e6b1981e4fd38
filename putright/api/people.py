"""A person's warnings and restrictions, and the actions on them (``putright/actions/people.py``).

``GET /people/{id}`` (in ``reference.py``) answers with ``person_detail``: the record and its
``restrictions``, each with its deadlines explained like a case's. Each action is
``POST /people/{id}/...`` at the path its declaration names; only those who may read the
organisation's customers reach a person (404 otherwise), and the role rules answer 403.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from putright.accounts.access import NotVisibleError, people_visible_to
from putright.accounts.models import User
from putright.actions.people import (
    PERSON_BY_NAME,
    AppealDecisionIn,
    AppealIn,
    BehaviourIn,
    ConcernIn,
    FinishIn,
    LiftIn,
    PoliceIn,
    RestrictionIn,
    ReviewIn,
    perform_person,
)
from putright.people.models import ContactRestriction, Person
from putright.people.selectors import restrictions_of

from .schemas import errors

router = Router(tags=["people"])

NO_PERSON = "There is no person {person_id} that you can see."
NO_RESTRICTION = "The person has no restriction {restriction_id}."


class ClockOut(Schema):
    step: str
    label: str
    due: datetime.date
    state: str  # open, overdue, done, done_late
    owner: str | None = None
    explanation: str
    rule: str
    source: str
    start: datetime.date


class RestrictionOut(Schema):
    id: int
    kind: str
    categories: list[str]
    measures: list[str]
    channels: list[str]
    issue_limit: int | None = None
    issue_period_days: int | None = None
    decided_on: datetime.date
    decided_by: str | None = None
    review_on: datetime.date
    appeal_by: datetime.date | None = None
    appeal_outcome: str = ""
    ends_on: datetime.date | None = None
    status: str
    needs_finishing: bool = False
    deadlines: list[ClockOut]


class DoneOut(Schema):
    id: int
    message: str


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _person(request: HttpRequest, person_id: int) -> Person:
    person = (
        Person.objects.select_related("organisation")
        .filter(pk=person_id, organisation_id__in=people_visible_to(user_of(request)))
        .first()
    )
    if person is None:
        raise NotVisibleError(NO_PERSON.format(person_id=person_id))
    return person


def _restriction(person: Person, restriction_id: int) -> ContactRestriction:
    found = person.contact_restrictions.filter(pk=restriction_id).first()
    if found is None:
        raise NotVisibleError(NO_RESTRICTION.format(restriction_id=restriction_id))
    return found


def _take(request: HttpRequest, name: str, person: Person, target: Any, payload: Any) -> Any:
    action = PERSON_BY_NAME[name]
    done = perform_person(
        action, user=user_of(request), person=person, target=target, payload=payload
    )
    return Status(201, {"id": getattr(done, "pk", person.pk), "message": action.done(done)})


OK = {201: DoneOut, **errors(403, 404, 409, 422)}


@router.post("/people/{person_id}/behaviour", response=OK, operation_id="people_behaviour")
def behaviour(request: HttpRequest, person_id: int, payload: BehaviourIn) -> Any:
    """Record behaviour against the person, in the pack's categories (it restricts nothing)."""
    person = _person(request, person_id)
    return _take(request, "behaviour-record", person, person, payload)


@router.post("/people/{person_id}/concerns", response=OK, operation_id="people_concern")
def concern(request: HttpRequest, person_id: int, payload: ConcernIn) -> Any:
    """Record that the concern was explained to the person and a change asked for."""
    person = _person(request, person_id)
    return _take(request, "concern-explain", person, person, payload)


@router.post("/people/{person_id}/police-referrals", response=OK, operation_id="people_police")
def police(request: HttpRequest, person_id: int, payload: PoliceIn) -> Any:
    """Record a referral to the police."""
    person = _person(request, person_id)
    return _take(request, "police-refer", person, person, payload)


@router.post("/people/{person_id}/restrictions", response=OK, operation_id="people_restrict")
def restrict(request: HttpRequest, person_id: int, payload: RestrictionIn) -> Any:
    """A warning (``change_by``) or a restriction (``measures``, ``review_days`` where the pack
    offers a choice), with its letter; only the roles the pack names may impose one."""
    person = _person(request, person_id)
    return _take(request, "restriction-record", person, person, payload)


def _on_restriction(request: HttpRequest, name: str, person_id: int, rid: int, payload: Any) -> Any:
    person = _person(request, person_id)
    return _take(request, name, person, _restriction(person, rid), payload)


@router.post(
    "/people/{person_id}/restrictions/{restriction_id}/review",
    response=OK,
    operation_id="people_restriction_review",
)
def review(request: HttpRequest, person_id: int, restriction_id: int, payload: ReviewIn) -> Any:
    """Keep, vary or lift the restriction with an explanation, and set the next review."""
    return _on_restriction(request, "restriction-review", person_id, restriction_id, payload)


@router.post(
    "/people/{person_id}/restrictions/{restriction_id}/appeal",
    response=OK,
    operation_id="people_restriction_appeal",
)
def appeal(request: HttpRequest, person_id: int, restriction_id: int, payload: AppealIn) -> Any:
    """An appeal received, given to the senior manager who decides it."""
    return _on_restriction(request, "restriction-appeal", person_id, restriction_id, payload)


@router.post(
    "/people/{person_id}/restrictions/{restriction_id}/decide-appeal",
    response=OK,
    operation_id="people_restriction_decide_appeal",
)
def decide_appeal(
    request: HttpRequest, person_id: int, restriction_id: int, payload: AppealDecisionIn
) -> Any:
    """The appeal decided by whoever it was given to; upheld lifts the restriction."""
    return _on_restriction(request, "restriction-decide-appeal", person_id, restriction_id, payload)


@router.post(
    "/people/{person_id}/restrictions/{restriction_id}/finish",
    response=OK,
    operation_id="people_restriction_finish",
)
def finish(request: HttpRequest, person_id: int, restriction_id: int, payload: FinishIn) -> Any:
    """Give a restriction recorded before as free text its categories and measures."""
    return _on_restriction(request, "restriction-finish", person_id, restriction_id, payload)


@router.post(
    "/people/{person_id}/restrictions/{restriction_id}/lift",
    response=OK,
    operation_id="people_restriction_lift",
)
def lift(request: HttpRequest, person_id: int, restriction_id: int, payload: LiftIn) -> Any:
    """Lift a warning or a restriction now, with the reason."""
    return _on_restriction(request, "restriction-lift", person_id, restriction_id, payload)


__all__ = ["RestrictionOut", "restrictions_of", "router"]
