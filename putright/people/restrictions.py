"""Unacceptable behaviour: what a person did, the warning, the restriction, its reviews and the
appeal against it, each a change to the person recorded in their history.

The rules come from the pack in force for the person's organisation (``Restrictions`` in
``putright/domain/policy.py``): its categories and measures, the roles that decide, the review
periods and the appeal's timescales. Deadlines are timeline clocks on the person (record type
``"person"``), explained like a case's:

- ``restriction-{id}-review``: the review, in the pack's review days (the decider chooses
  where it offers several; where it sets none the decider gives the date); owned by the
  reviewer, listed on their My work and chased by the sweep;
- ``restriction-{id}-appeal-window``: the time to appeal, counted from the letter;
- ``restriction-{id}-appeal-decision``: the time to decide an appeal, counted from its
  receipt, owned by the senior manager who decides it.

A restriction never closes a complaint and never stops contact with the Ombudsman.
Only the roles ``ACTION_ROLES`` allows take each step; where the pack names a role, only those
holding it (``people_for_role``, which also applies the role's independence) decide, others
are refused with the rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from putright.accounts.access import require_organisation_role
from putright.accounts.actors import Actor
from putright.accounts.models import User
from putright.accounts.selectors import SYSTEM_ROLES, people_for_role
from putright.domain.clocks import ClockUnit
from putright.domain.policy import Counting, Pack, Restrictions
from putright.errors import CaseInputError, CaseStateError, NotPermittedError, PolicyRuleError
from putright.organisations.selectors import policy_in_force
from putright.policies.registry import get_pack
from putright.timeline.services import clock_start, clock_stop, record_event

from .models import (
    BehaviourIncident,
    ContactRestriction,
    ContactWay,
    Person,
    PersonLetter,
    RestrictionLevel,
)

RECORD_TYPE = "person"

# The kinds of entry in a person's history.
BEHAVIOUR_RECORDED = "behaviour_recorded"
CONCERN_EXPLAINED = "concern_explained"
POLICE_REFERRED = "police_referred"
WARNING_GIVEN = "restriction_warning"
RESTRICTION_IMPOSED = "restriction_imposed"
NEED_TO_KNOW = "restriction_notified"
RESTRICTION_REVIEWED = "restriction_reviewed"
APPEAL_RECEIVED = "restriction_appeal_received"
APPEAL_DECIDED = "restriction_appeal_decided"
RESTRICTION_LIFTED = "restriction_lifted"
RESTRICTION_FINISHED = "restriction_finished"
LETTER_ISSUED = "letter_issued"
CONTACT_ACCEPTED = "contact_accepted"

REVIEW_OUTCOMES = ("keep", "vary", "lift")

NO_POLICY = (
    "The policy in force ({pack}) sets out no process for unacceptable behaviour; the Code "
    "requires one (5.14). Record the behaviour and ask the complaints manager."
)
NO_TEXT = "Say what happened, in plain words."
NO_REASONS = "Give the reasons for the decision."
NO_EXPLANATION = "Explain the decision: it goes in the letter."
NO_CATEGORY = "Choose at least one kind of behaviour."
NO_MEASURE = "Choose at least one measure."
UNKNOWN_CHOICE = "{value!r} is not one of the policy's {what}: {choices}."
NO_CHANNEL = "Say which ways of contact stay open (a measure limits contact to them)."
NO_LIMIT = "Give how many issues, in how many days."
NO_CONTACT_PERSON = "Name the member of staff who is the single point of contact."
REVIEW_CHOICE = "The policy sets the review at {choices} days: choose one."
REVIEW_DATE = "The policy sets no review period: give the date of the first review."
REVIEW_PAST = "The review must be after the decision."
CHANGE_BY = "Give the day by which the behaviour must change (after today)."
NOT_IN_FORCE = "This {what} is not in force ({status}): there is nothing to {action}."
NOT_A_RESTRICTION = "A warning has no {what}: only a restriction does."
NO_APPEAL = "The policy gives no appeal against a restriction."
APPEAL_LATE = "The time to appeal ended on {on}: the appeal is late."
ALREADY_APPEALED = "An appeal was already received on {on}."
NO_APPEAL_PENDING = "No appeal is waiting for a decision."
NOT_DECIDER = "Only {title} may {what}; you do not hold that role here. (Those who may: {holders}.)"
NOT_INDEPENDENT = (
    "The appeal must be decided by {title}: {name} does not qualify (their directorate must "
    "be recorded and differ from that of whoever decided the restriction)."
)
UNKNOWN_USER = "There is no member of staff {username!r} here."
FUTURE_DATE = "That date is in the future."
NO_REFERENCE = "Give the police reference, or say why there is none."


# -- the pack -------------------------------------------------------------------------


def person_pack(person: Person, on: datetime.date | None = None) -> Pack:
    """The pack in force for the person's organisation today (or on ``on``)."""
    return get_pack(policy_in_force(person.organisation, on))


def rules_for(person: Person) -> tuple[Pack, Restrictions]:
    """The pack and its unacceptable-behaviour rules; refused where the pack has none."""
    pack = person_pack(person)
    if pack.restrictions is None:
        raise PolicyRuleError(NO_POLICY.format(pack=pack.id), rule="restrictions", source="5.14")
    return pack, pack.restrictions


def _today() -> datetime.date:
    return timezone.localdate()


def _record(
    person: Person,
    kind: str,
    actor: Actor,
    data: dict[str, Any],
    occurred_at: datetime.datetime | None = None,
) -> None:
    record_event(
        record_type=RECORD_TYPE,
        record_id=person.pk,
        organisation=person.organisation,
        kind=kind,
        actor=actor,
        occurred_at=occurred_at,
        data=data,
    )


def _require(actor: Actor, person: Person, action: str) -> None:
    """The role check of ``ACTION_ROLES`` for a caller that skips the catalogue."""
    if actor.user is not None:
        require_organisation_role(actor.user, person.organisation, action)


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise CaseInputError(message, fields={field: message})
    return value


def _choices(
    given: Sequence[str], known: Iterable[Any], *, field: str, what: str, empty: str
) -> list[str]:
    ids = [item.id for item in known]
    chosen = list(dict.fromkeys(v.strip() for v in given if v and v.strip()))
    if not chosen and ids:
        raise CaseInputError(empty, fields={field: empty})
    for value in chosen:
        if ids and value not in ids:
            message = UNKNOWN_CHOICE.format(value=value, what=what, choices=", ".join(ids))
            raise CaseInputError(message, fields={field: message})
    return chosen


def _staff(person: Person, username: str | None, field: str) -> User | None:
    from putright.accounts.access import roles_in

    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or not roles_in(user, person.organisation_id):
        message = UNKNOWN_USER.format(username=username)
        raise CaseInputError(message, fields={field: message})
    return user


def role_titles(pack: Pack, roles: Iterable[str]) -> str:
    return " or ".join(pack.role_title(r) for r in roles) or "a manager"


def _holds_one(
    user: User, person: Person, pack: Pack, roles: Sequence[str], handlers: Iterable[User] = ()
) -> tuple[bool, list[User]]:
    """Whether the user holds one of the pack roles (with their independence), and who does.

    A role nobody can hold (no PutRight role or team behind it) restricts nobody: the
    organisation's managers act for it, as where the policy names no one. A role that can be
    held but that nobody holds refuses everyone.
    """
    known = {role.id: role for role in pack.roles}
    holdable = [
        r for r in roles if r in known and (known[r].team or known[r].acts_as or r in SYSTEM_ROLES)
    ]
    if not holdable:
        return True, []
    holders: list[User] = []
    for role in holdable:
        holders += people_for_role(
            organisation=person.organisation, pack=pack, role_id=role, case_handlers=handlers
        )
    return user.pk in {h.pk for h in holders}, holders


#: The pack field naming who takes each decision, for the rule a refusal cites.
_ROLE_FIELDS = {
    "warn about behaviour": "restrictions.warned_by",
    "decide a restriction": "restrictions.decided_by",
    "review a restriction": "restrictions.reviewed_by",
}


def _require_pack_role(
    actor: Actor, person: Person, pack: Pack, roles: Sequence[str], what: str, source: str
) -> None:
    if actor.user is None or not roles:
        return
    held, holders = _holds_one(actor.user, person, pack, roles)
    if not held:
        message = NOT_DECIDER.format(
            title=role_titles(pack, roles),
            what=what,
            holders=", ".join(str(h) for h in holders) or "nobody",
        )
        raise NotPermittedError(message, rule=_ROLE_FIELDS[what], source=source)


def _counting(counts: Counting) -> str:
    return ClockUnit.WORKING_DAYS if counts == Counting.WORKING else ClockUnit.CALENDAR_DAYS


def _step(restriction: ContactRestriction, name: str) -> str:
    return f"restriction-{restriction.pk}-{name}"


def _start(
    restriction: ContactRestriction,
    name: str,
    *,
    label: str,
    unit: str,
    amount: int,
    started_at: datetime.datetime,
    owner: User | None,
    source: str,
    counted_from: str,
    actor: Actor,
    receipt: bool = False,
) -> Any:
    return clock_start(
        record_type=RECORD_TYPE,
        record_id=restriction.person_id,
        organisation=restriction.person.organisation,
        step=_step(restriction, name),
        label=label,
        unit=unit,
        amount=amount,
        started_at=started_at,
        owner=owner,
        source=source,
        counted_from=counted_from,
        receipt=receipt,
        actor=actor,
    )


def _stop(
    restriction: ContactRestriction, name: str, actor: Actor, at: datetime.datetime | None
) -> None:
    from putright.timeline.models import Clock

    if Clock.objects.filter(
        record_type=RECORD_TYPE,
        record_id=restriction.person_id,
        step=_step(restriction, name),
        completed_at__isnull=True,
    ).exists():
        clock_stop(
            record_type=RECORD_TYPE,
            record_id=restriction.person_id,
            organisation=restriction.person.organisation,
            step=_step(restriction, name),
            actor=actor,
            completed_at=at,
        )


def _on_time(restriction: ContactRestriction, name: str, moment: datetime.datetime) -> bool | None:
    """Whether the step's running clock is stopped in time at ``moment`` (None: no clock)."""
    from putright.timeline.models import Clock

    clock = Clock.objects.filter(
        record_type=RECORD_TYPE,
        record_id=restriction.person_id,
        step=_step(restriction, name),
        completed_at__isnull=True,
    ).first()
    return None if clock is None else moment < clock.due_at


def _moment(occurred_at: datetime.datetime | None) -> datetime.datetime:
    if occurred_at is None:
        return timezone.now()
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    if occurred_at > timezone.now() + datetime.timedelta(minutes=1):
        raise CaseInputError(FUTURE_DATE, fields={"occurred_at": FUTURE_DATE})
    return occurred_at


def _lock(restriction: ContactRestriction) -> ContactRestriction:
    return (
        ContactRestriction.objects.select_for_update(of=("self",))
        .select_related("person__organisation", "decided_by")
        .get(pk=restriction.pk)
    )


def _summary(restriction: ContactRestriction) -> dict[str, Any]:
    """What the history keeps of a restriction: ids and dates, never the behaviour's text."""
    return {
        "restriction_id": restriction.pk,
        "level": restriction.level,
        "categories": list(restriction.categories),
        "measures": list(restriction.measures),
        "review_on": restriction.review_on.isoformat(),
        "ends_on": restriction.ends_on.isoformat() if restriction.ends_on else None,
    }


# -- recognising the behaviour ----------------------------------------------------------


@transaction.atomic
def behaviour_record(
    *,
    person: Person,
    categories: Sequence[str],
    description: str,
    occurred_on: datetime.date,
    witnesses: str = "",
    actor: Actor,
) -> BehaviourIncident:
    """Behaviour recorded against the person, in the pack's categories; it restricts nothing."""
    _require(actor, person, "behaviour-record")
    _pack, rules = rules_for(person)
    if occurred_on > _today():
        raise CaseInputError(FUTURE_DATE, fields={"occurred_on": FUTURE_DATE})
    incident = BehaviourIncident.objects.create(
        person=person,
        occurred_on=occurred_on,
        categories=_choices(
            categories, rules.categories, field="categories", what="categories", empty=NO_CATEGORY
        ),
        description=_text(description, "description", NO_TEXT),
        witnesses=witnesses.strip(),
        recorded_by=actor.user,
    )
    _record(
        person,
        BEHAVIOUR_RECORDED,
        actor,
        {
            "incident_id": incident.pk,
            "categories": incident.categories,
            "occurred_on": occurred_on.isoformat(),
        },
    )
    return incident


@transaction.atomic
def concern_explain(
    *,
    person: Person,
    summary: str,
    occurred_at: datetime.datetime | None = None,
    actor: Actor,
) -> Person:
    """The informal step: the concern explained to the person and a change asked for."""
    _require(actor, person, "concern-explain")
    rules_for(person)
    _record(
        person,
        CONCERN_EXPLAINED,
        actor,
        {"summary": _text(summary, "summary", NO_TEXT)},
        occurred_at=_moment(occurred_at),
    )
    return person


@transaction.atomic
def police_refer(
    *,
    person: Person,
    referred_on: datetime.date,
    reference: str,
    incident: BehaviourIncident | None = None,
    actor: Actor,
) -> Person:
    """A referral to the police, against an incident if there is one."""
    _require(actor, person, "police-refer")
    rules_for(person)
    if referred_on > _today():
        raise CaseInputError(FUTURE_DATE, fields={"referred_on": FUTURE_DATE})
    reference = _text(reference, "reference", NO_REFERENCE)
    if incident is not None:
        if incident.person_id != person.pk:
            raise CaseInputError("No such incident.", fields={"incident": "Not found."})
        incident.police_referred_on = referred_on
        incident.police_reference = reference[:60]
        incident.save(update_fields=["police_referred_on", "police_reference"])
    _record(
        person,
        POLICE_REFERRED,
        actor,
        {
            "incident_id": incident.pk if incident else None,
            "referred_on": referred_on.isoformat(),
            "reference": reference[:60],
        },
    )
    return person


# -- a warning ---------------------------------------------------------------------------


@transaction.atomic
def restriction_warn(
    *,
    person: Person,
    categories: Sequence[str],
    behaviour: str,
    change_by: datetime.date,
    reasons: str = "",
    occurred_at: datetime.datetime | None = None,
    actor: Actor,
) -> ContactRestriction:
    """A warning letter: the behaviour, the risk of formal action and the time to change."""
    _require(actor, person, "restriction-warn")
    pack, rules = rules_for(person)
    _require_pack_role(
        actor, person, pack, rules.warned_by, "warn about behaviour", rules.warning_source
    )
    moment = _moment(occurred_at)
    today = timezone.localtime(moment).date()
    if change_by <= today:
        raise CaseInputError(CHANGE_BY, fields={"change_by": CHANGE_BY})
    restriction = ContactRestriction.objects.create(
        person=person,
        level=RestrictionLevel.WARNING,
        pack=pack.id,
        categories=_choices(
            categories, rules.categories, field="categories", what="categories", empty=NO_CATEGORY
        ),
        behaviour=_text(behaviour, "behaviour", NO_TEXT),
        arrangements="No restriction yet: formal action may follow if the behaviour continues.",
        reasons=reasons.strip(),
        adjustments=person.reasonable_adjustments,
        starts_on=today,
        review_on=change_by,
        ends_on=change_by,
        letter_on=today,
        decided_by=actor.user,
    )
    _record(person, WARNING_GIVEN, actor, _summary(restriction), occurred_at=moment)
    _start(
        restriction,
        "change",
        label="Look again at the behaviour: the time to change is over",
        unit=ClockUnit.CALENDAR_DAYS,
        amount=(change_by - today).days,
        started_at=moment,
        owner=actor.user,
        source=rules.warning_source,
        counted_from="the warning letter",
        actor=actor,
    )
    return restriction


# -- a restriction -----------------------------------------------------------------------


def measure_labels(rules: Restrictions | None, ids: Iterable[str]) -> list[str]:
    """The measures in the policy's words (an id the pack no longer lists, as it is)."""
    found = [(rules.measure(m) if rules else None, m) for m in ids]
    return [measure.label if measure else m for measure, m in found]


def enforced_by(rules: Restrictions | None, ids: Iterable[str]) -> set[str]:
    """What PutRight enforces of these measures (``Measure.enforces``)."""
    found = [rules.measure(m) for m in ids] if rules else []
    return {measure.enforces for measure in found if measure}


def _measures(
    person: Person,
    rules: Restrictions,
    measures: Sequence[str],
    *,
    channels: Sequence[str],
    issue_limit: int | None,
    issue_period_days: int | None,
    contact_person: str | None,
) -> dict[str, Any]:
    """The measures chosen, with what each enforceable one needs."""
    chosen = _choices(measures, rules.measures, field="measures", what="measures", empty=NO_MEASURE)
    if not chosen:
        raise CaseInputError(NO_MEASURE, fields={"measures": NO_MEASURE})
    enforced = enforced_by(rules, chosen)
    values: dict[str, Any] = {
        "measures": chosen,
        "channels": [],
        "issue_limit": None,
        "issue_period_days": None,
        "contact_person": None,
    }
    if "channels" in enforced:
        ways = list(dict.fromkeys(c for c in channels if c))
        for way in ways:
            if way not in ContactWay.values:
                message = UNKNOWN_CHOICE.format(
                    value=way, what="ways of contact", choices=", ".join(ContactWay.values)
                )
                raise CaseInputError(message, fields={"channels": message})
        if not ways:
            raise CaseInputError(NO_CHANNEL, fields={"channels": NO_CHANNEL})
        values["channels"] = ways
    if "issue_limit" in enforced:
        if not issue_limit or not issue_period_days:
            raise CaseInputError(NO_LIMIT, fields={"issue_limit": NO_LIMIT})
        values["issue_limit"], values["issue_period_days"] = issue_limit, issue_period_days
    if "single_contact" in enforced:
        user = _staff(person, contact_person, "contact_person")
        if user is None:
            raise CaseInputError(NO_CONTACT_PERSON, fields={"contact_person": NO_CONTACT_PERSON})
        values["contact_person"] = user
    return values


def _review_period(
    rules: Restrictions,
    review_days: int | None,
    review_on: datetime.date | None,
    today: datetime.date,
) -> tuple[int, str]:
    """The review period in days and where it comes from."""
    if rules.review_days:
        if len(rules.review_days) == 1 and review_days is None:
            return rules.review_days[0], rules.review_source
        if review_days not in rules.review_days:
            message = REVIEW_CHOICE.format(choices=", ".join(map(str, rules.review_days)))
            raise PolicyRuleError(
                message,
                rule="restrictions.review_days",
                source=rules.review_source,
                fields={"review_days": message},
            )
        return int(review_days), rules.review_source
    if review_on is None:
        raise CaseInputError(REVIEW_DATE, fields={"review_on": REVIEW_DATE})
    if review_on <= today:
        raise CaseInputError(REVIEW_PAST, fields={"review_on": REVIEW_PAST})
    return (review_on - today).days, "set by the decider: the policy sets no review period"


def _reviewer(person: Person, username: str | None, actor: Actor) -> User | None:
    return _staff(person, username, "reviewer") or actor.user


def _start_review(
    restriction: ContactRestriction,
    rules: Restrictions,
    days: int,
    source: str,
    moment: datetime.datetime,
    reviewer: User | None,
    actor: Actor,
) -> None:
    clock = _start(
        restriction,
        "review",
        label="Review the restriction",
        unit=_counting(rules.review_counts) if rules.review_days else ClockUnit.CALENDAR_DAYS,
        amount=days,
        started_at=moment,
        owner=reviewer,
        source=source,
        counted_from="the decision",
        actor=actor,
    )
    restriction.review_days = days
    restriction.review_on = clock.due_on


@transaction.atomic
def restriction_impose(
    *,
    person: Person,
    categories: Sequence[str],
    measures: Sequence[str],
    behaviour: str,
    reasons: str,
    channels: Sequence[str] = (),
    issue_limit: int | None = None,
    issue_period_days: int | None = None,
    contact_person: str | None = None,
    contact_times: str = "",
    review_days: int | None = None,
    review_on: datetime.date | None = None,
    reviewer: str | None = None,
    occurred_at: datetime.datetime | None = None,
    actor: Actor,
) -> ContactRestriction:
    """A formal restriction, decided by the role the pack names, with its review and appeal.

    The letter that sets it out (with the appeal process) is issued the day it is decided,
    so the time to appeal counts from that day.
    """
    _require(actor, person, "restriction-impose")
    pack, rules = rules_for(person)
    _require_pack_role(
        actor, person, pack, rules.decided_by, "decide a restriction", rules.decision_source
    )
    moment = _moment(occurred_at)
    today = timezone.localtime(moment).date()
    values = _measures(
        person,
        rules,
        measures,
        channels=channels,
        issue_limit=issue_limit,
        issue_period_days=issue_period_days,
        contact_person=contact_person,
    )
    days, source = _review_period(rules, review_days, review_on, today)
    labels = measure_labels(rules, values["measures"])
    restriction = ContactRestriction.objects.create(
        person=person,
        level=RestrictionLevel.RESTRICTION,
        pack=pack.id,
        categories=_choices(
            categories, rules.categories, field="categories", what="categories", empty=NO_CATEGORY
        ),
        behaviour=_text(behaviour, "behaviour", NO_TEXT),
        arrangements="; ".join(labels) or "See the measures.",
        reasons=_text(reasons, "reasons", NO_REASONS),
        adjustments=person.reasonable_adjustments,
        contact_times=contact_times.strip(),
        starts_on=today,
        review_on=today,
        letter_on=today,
        decided_by=actor.user,
        **values,
    )
    _start_review(
        restriction, rules, days, source, moment, _reviewer(person, reviewer, actor), actor
    )
    # Formal action follows any warning: its time to change is looked at no more.
    for warning in person.contact_restrictions.filter(level=RestrictionLevel.WARNING):
        _stop(warning, "change", actor, moment)
    if rules.appeal_days:
        window = _start(
            restriction,
            "appeal-window",
            label="The time to appeal against the restriction",
            unit=_counting(rules.appeal_counts),
            amount=rules.appeal_days,
            started_at=moment,
            owner=None,
            source=rules.appeal_source,
            counted_from="the issue of the letter setting out the restriction",
            actor=actor,
        )
        restriction.appeal_by = window.due_on
    restriction.save(update_fields=["review_days", "review_on", "appeal_by"])
    _record(
        person,
        RESTRICTION_IMPOSED,
        actor,
        {
            **_summary(restriction),
            "appeal_by": restriction.appeal_by.isoformat() if restriction.appeal_by else None,
            "decided_by_id": actor.user.pk if actor.user else None,
        },
        occurred_at=moment,
    )
    _notify(restriction, "imposed", actor, moment)
    return restriction


def _notify(
    restriction: ContactRestriction, what: str, actor: Actor, moment: datetime.datetime
) -> None:
    """The need-to-know notice (HPG 14.13.3): that the person is restricted and how, never
    the complaint; who is told is recorded now, the e-mails go once this commits."""
    from .notices import need_to_know

    told = [user.pk for user in need_to_know(restriction, decided_by=actor.user)]
    _record(
        restriction.person,
        NEED_TO_KNOW,
        actor,
        {"restriction_id": restriction.pk, "what": what, "told_ids": told},
        occurred_at=moment,
    )
    if told:
        from putright.queueing import enqueue_with_change

        from .tasks import tell_need_to_know

        enqueue_with_change(tell_need_to_know, restriction.pk, what, told)


def need_to_know_notice(restriction: ContactRestriction, pack: Pack | None = None) -> str:
    """What those who need to know are told: who, the measures and the next review; no
    detail of any complaint or of the behaviour."""
    pack = pack or get_pack(restriction.pack or restriction.person.organisation.policy_pack)
    rules = pack.restrictions
    words = measure_labels(rules, restriction.measures)
    text = (
        f"{restriction.person.name} (person {restriction.person_id}) has restrictions on "
        f"contact from {restriction.starts_on:%-d %B %Y}: {'; '.join(words) or restriction.arrangements}."
    )
    if restriction.channels:
        ways = ", ".join(ContactWay(c).label.lower() for c in restriction.channels)
        text += f" Contact only by: {ways}."
    if restriction.contact_person:
        text += f" Single point of contact: {restriction.contact_person}."
    return text + f" Next review: {restriction.review_on:%-d %B %Y}."


# -- its review --------------------------------------------------------------------------


def _in_force(restriction: ContactRestriction, action: str, today: datetime.date) -> None:
    status = restriction.status(today)
    if status not in ("in_force", "under_appeal"):
        what = restriction.get_level_display().lower()
        raise CaseStateError(NOT_IN_FORCE.format(what=what, status=status, action=action))


@transaction.atomic
def restriction_review(
    *,
    restriction: ContactRestriction,
    outcome: str,
    explanation: str,
    review_days: int | None = None,
    review_on: datetime.date | None = None,
    measures: Sequence[str] | None = None,
    channels: Sequence[str] = (),
    issue_limit: int | None = None,
    issue_period_days: int | None = None,
    contact_person: str | None = None,
    reviewer: str | None = None,
    occurred_at: datetime.datetime | None = None,
    actor: Actor,
) -> ContactRestriction:
    """The review lifts, varies or keeps the restriction, with an explanation, and sets the
    next date (HPG 14.14.2: why it stays, pending the next review)."""
    restriction = _lock(restriction)
    person = restriction.person
    _require(actor, person, "restriction-review")
    pack, rules = rules_for(person)
    _require_pack_role(
        actor, person, pack, rules.reviewed_by, "review a restriction", rules.review_source
    )
    moment = _moment(occurred_at)
    today = timezone.localtime(moment).date()
    if restriction.level != RestrictionLevel.RESTRICTION:
        message = NOT_A_RESTRICTION.format(what="review")
        raise CaseStateError(message)
    _in_force(restriction, "review", today)
    if outcome not in REVIEW_OUTCOMES:
        message = UNKNOWN_CHOICE.format(
            value=outcome, what="review outcomes", choices=", ".join(REVIEW_OUTCOMES)
        )
        raise CaseInputError(message, fields={"outcome": message})
    explanation = _text(explanation, "explanation", NO_EXPLANATION)
    on_time = _on_time(restriction, "review", moment)
    _stop(restriction, "review", actor, moment)
    changed = [
        "review_on",
        "review_days",
        "ends_on",
        "lifted_reason",
        "measures",
        "channels",
        "issue_limit",
        "issue_period_days",
        "contact_person",
        "arrangements",
    ]
    if outcome == "lift":
        restriction.ends_on = today
        restriction.lifted_reason = explanation
        _stop(restriction, "appeal-window", actor, moment)
    else:
        if outcome == "vary":
            values = _measures(
                person,
                rules,
                measures or [],
                channels=channels,
                issue_limit=issue_limit,
                issue_period_days=issue_period_days,
                contact_person=contact_person,
            )
            for field, value in values.items():
                setattr(restriction, field, value)
            restriction.arrangements = "; ".join(measure_labels(rules, values["measures"]))
        days, source = _review_period(rules, review_days, review_on, today)
        _start_review(
            restriction, rules, days, source, moment, _reviewer(person, reviewer, actor), actor
        )
    restriction.save(update_fields=changed)
    _record(
        person,
        RESTRICTION_REVIEWED,
        actor,
        {
            **_summary(restriction),
            "outcome": outcome,
            "explanation": explanation,
            "on_time": on_time,
        },
        occurred_at=moment,
    )
    if outcome != "keep":  # what those who need to know were told has changed
        _notify(restriction, "lifted" if outcome == "lift" else "imposed", actor, moment)
    return restriction


# -- the appeal --------------------------------------------------------------------------


@transaction.atomic
def restriction_appeal(
    *,
    restriction: ContactRestriction,
    grounds: str,
    decider: str,
    received_at: datetime.datetime | None = None,
    actor: Actor,
) -> ContactRestriction:
    """An appeal received, within the pack's time from the letter, and given to a senior
    manager who qualifies (another directorate, HPG 14.14.4) to decide within its time."""
    restriction = _lock(restriction)
    person = restriction.person
    _require(actor, person, "restriction-appeal")
    pack, rules = rules_for(person)
    if restriction.level != RestrictionLevel.RESTRICTION:
        raise CaseStateError(NOT_A_RESTRICTION.format(what="appeal"))
    if rules.appeal_days is None:
        raise PolicyRuleError(NO_APPEAL, rule="restrictions.appeal", source=rules.source)
    moment = _moment(received_at)
    today = timezone.localtime(moment).date()
    _in_force(restriction, "appeal against", today)
    if restriction.appeal_received_at is not None:
        on = timezone.localtime(restriction.appeal_received_at)
        raise CaseStateError(ALREADY_APPEALED.format(on=f"{on:%-d %B %Y}"))
    if restriction.appeal_by is not None and today > restriction.appeal_by:
        raise PolicyRuleError(
            APPEAL_LATE.format(on=f"{restriction.appeal_by:%a %-d %b %Y}"),
            rule="restrictions.appeal_days",
            source=rules.appeal_source,
            fields={"received_at": "After the time to appeal."},
        )
    grounds = _text(grounds, "grounds", "Say what the appeal says.")
    user = _staff(person, decider, "decider")
    if user is None:
        raise CaseInputError("Name who decides the appeal.", fields={"decider": "Required."})
    if rules.appeal_decided_by:
        handlers = [restriction.decided_by] if restriction.decided_by else []
        held, _holders = _holds_one(user, person, pack, [rules.appeal_decided_by], handlers)
        if not held:
            message = NOT_INDEPENDENT.format(
                title=pack.role_title(rules.appeal_decided_by), name=user
            )
            raise PolicyRuleError(
                message,
                rule="restrictions.appeal_decided_by",
                source=rules.appeal_source,
                fields={"decider": message},
            )
    _stop(restriction, "appeal-window", actor, moment)
    restriction.appeal_received_at = moment
    restriction.appeal_grounds = grounds
    restriction.appeal_decider = user
    restriction.save(update_fields=["appeal_received_at", "appeal_grounds", "appeal_decider"])
    if rules.appeal_decision_days:
        _start(
            restriction,
            "appeal-decision",
            label="Decide the appeal against the restriction",
            unit=_counting(rules.appeal_counts),
            amount=rules.appeal_decision_days,
            started_at=moment,
            owner=user,
            source=rules.appeal_source,
            counted_from="the receipt of the appeal",
            receipt=True,
            actor=actor,
        )
    _record(
        person,
        APPEAL_RECEIVED,
        actor,
        {"restriction_id": restriction.pk, "decider_id": user.pk},
        occurred_at=moment,
    )
    return restriction


@transaction.atomic
def restriction_decide_appeal(
    *,
    restriction: ContactRestriction,
    upheld: bool,
    explanation: str,
    occurred_at: datetime.datetime | None = None,
    actor: Actor,
) -> ContactRestriction:
    """The appeal decided by whoever it was given to: upheld lifts the restriction."""
    restriction = _lock(restriction)
    person = restriction.person
    _require(actor, person, "restriction-decide-appeal")
    pack, rules = rules_for(person)
    if restriction.appeal_received_at is None or restriction.appeal_decided_at is not None:
        raise CaseStateError(NO_APPEAL_PENDING)
    if actor.user is not None and restriction.appeal_decider_id != actor.user.pk:
        title = pack.role_title(rules.appeal_decided_by) if rules.appeal_decided_by else "a manager"
        raise NotPermittedError(
            f"The appeal was given to {restriction.appeal_decider} ({title}) to decide, not to you.",
            rule="restrictions.appeal_decided_by",
            source=rules.appeal_source,
        )
    moment = _moment(occurred_at)
    restriction.appeal_outcome = "upheld" if upheld else "not_upheld"
    restriction.appeal_explanation = _text(explanation, "explanation", NO_EXPLANATION)
    restriction.appeal_decided_at = moment
    fields = ["appeal_outcome", "appeal_explanation", "appeal_decided_at"]
    on_time = _on_time(restriction, "appeal-decision", moment)
    _stop(restriction, "appeal-decision", actor, moment)
    if upheld:
        restriction.ends_on = timezone.localtime(moment).date()
        restriction.lifted_reason = "The appeal was upheld."
        fields += ["ends_on", "lifted_reason"]
        _stop(restriction, "review", actor, moment)
    restriction.save(update_fields=fields)
    _record(
        person,
        APPEAL_DECIDED,
        actor,
        {
            "restriction_id": restriction.pk,
            "outcome": restriction.appeal_outcome,
            "on_time": on_time,
        },
        occurred_at=moment,
    )
    if upheld:
        _notify(restriction, "lifted", actor, moment)
    return restriction


# -- finishing one carried over from free text ---------------------------------------------


@transaction.atomic
def restriction_finish(
    *,
    restriction: ContactRestriction,
    categories: Sequence[str],
    measures: Sequence[str],
    channels: Sequence[str] = (),
    issue_limit: int | None = None,
    issue_period_days: int | None = None,
    contact_person: str | None = None,
    actor: Actor,
) -> ContactRestriction:
    """Give a restriction recorded before as free text its categories and measures, from the
    pack in force; its text, dates and decider stay as they were."""
    restriction = _lock(restriction)
    person = restriction.person
    _require(actor, person, "restriction-review")
    pack, rules = rules_for(person)
    if not restriction.needs_finishing:
        raise CaseStateError("This restriction has its categories and measures already.")
    restriction.categories = _choices(
        categories, rules.categories, field="categories", what="categories", empty=NO_CATEGORY
    )
    if restriction.level == RestrictionLevel.RESTRICTION:
        values = _measures(
            person,
            rules,
            measures,
            channels=channels,
            issue_limit=issue_limit,
            issue_period_days=issue_period_days,
            contact_person=contact_person,
        )
        for name, value in values.items():
            setattr(restriction, name, value)
    restriction.pack = pack.id
    restriction.needs_finishing = False
    restriction.save()
    _record(person, RESTRICTION_FINISHED, actor, _summary(restriction))
    return restriction


# -- lifting -----------------------------------------------------------------------------


@transaction.atomic
def restriction_lift(
    *,
    restriction: ContactRestriction,
    reason: str,
    occurred_at: datetime.datetime | None = None,
    actor: Actor,
) -> ContactRestriction:
    """Lift a warning or restriction now, with the reason; its clocks stop."""
    restriction = _lock(restriction)
    person = restriction.person
    _require(actor, person, "restriction-lift")
    moment = _moment(occurred_at)
    today = timezone.localtime(moment).date()
    if restriction.status(today) != "expired":  # a warning whose time is over: closed
        _in_force(restriction, "lift", today)
    restriction.ends_on = min(restriction.ends_on or today, today)
    restriction.lifted_reason = _text(reason, "reason", NO_REASONS)
    restriction.save(update_fields=["ends_on", "lifted_reason"])
    for name in ("review", "appeal-window", "change"):
        _stop(restriction, name, actor, moment)
    _record(person, RESTRICTION_LIFTED, actor, _summary(restriction), occurred_at=moment)
    if restriction.level == RestrictionLevel.RESTRICTION:
        _notify(restriction, "lifted", actor, moment)
    return restriction


# -- letters -----------------------------------------------------------------------------


@transaction.atomic
def letter_keep(
    *,
    person: Person,
    restriction: ContactRestriction | None,
    template: str,
    subject: str,
    html: str,
    actor: Actor,
) -> PersonLetter:
    """Keep a letter about the person as issued, with an entry in their history."""
    letter = PersonLetter.objects.create(
        person=person, restriction=restriction, template=template, subject=subject, html=html
    )
    _record(
        person,
        LETTER_ISSUED,
        actor,
        {
            "letter_id": letter.pk,
            "template": template,
            "restriction_id": restriction.pk if restriction else None,
        },
    )
    return letter


# -- what staff see and what is enforced ---------------------------------------------------


def in_force(person: Person | int, today: datetime.date | None = None) -> list[ContactRestriction]:
    """The warnings and restrictions in force on the person today (an expired one is not)."""
    person_id = person if isinstance(person, int) else person.pk
    return list(
        ContactRestriction.objects.filter(person_id=person_id)
        .in_force(today or _today())
        .select_related("contact_person")
    )


def channel_flag(
    restrictions: Iterable[ContactRestriction], channel: str, pack: Pack | None = None
) -> str:
    """Why a contact on ``channel`` goes against a restriction in force ('' if it does not).

    Contact through the Ombudsman is never flagged.
    """
    if channel == "ombudsman":
        return ""
    for restriction in restrictions:
        if restriction.level != RestrictionLevel.RESTRICTION:
            continue
        rules = pack.restrictions if pack else None
        enforced = enforced_by(rules, restriction.measures)
        if "no_contact" in enforced:
            return (
                f"All contact is stopped by the restriction of "
                f"{restriction.starts_on:%-d %B %Y}. Record why this contact was accepted."
            )
        if restriction.channels and channel not in restriction.channels:
            ways = ", ".join(ContactWay(c).label.lower() for c in restriction.channels)
            return (
                f"The restriction of {restriction.starts_on:%-d %B %Y} allows contact only by "
                f"{ways}. Record why this contact was accepted."
            )
    return ""


def issue_limit_flag(restrictions: Iterable[ContactRestriction], open_cases: int) -> str:
    """Why another issue goes over the restriction's limit ('' if it does not)."""
    for restriction in restrictions:
        if restriction.issue_limit and open_cases >= restriction.issue_limit:
            return (
                f"The restriction of {restriction.starts_on:%-d %B %Y} limits the person to "
                f"{restriction.issue_limit} issue{'s' if restriction.issue_limit != 1 else ''} "
                f"in {restriction.issue_period_days} days; {open_cases} are open. "
                "A complaint is never refused for this alone: record why it was accepted."
            )
    return ""


def to_finish(organisation_ids: Iterable[int] | None = None) -> list[ContactRestriction]:
    """Restrictions carried over from free text, still to have categories and measures."""
    found = ContactRestriction.objects.filter(needs_finishing=True).select_related(
        "person__organisation"
    )
    if organisation_ids is not None:
        found = found.filter(person__organisation_id__in=list(organisation_ids))
    return list(found.order_by("person__name", "pk"))


def restricted_people(
    organisation_id: int,
    *,
    name: str = "",
    email: str = "",
    postcode: str = "",
    today: datetime.date | None = None,
) -> dict[Person, list[ContactRestriction]]:
    """People of the organisation matching a new contact (the same e-mail, or the same name
    and postcode) who have a warning or restriction in force, with those in force."""
    from django.db.models import Q

    from .services import normalise_postcode

    match = Q(pk__in=[])
    if email.strip():
        match |= Q(person__email__iexact=email.strip())
    if name.strip() and postcode.strip():
        match |= Q(person__name__iexact=name.strip(), person__postcode=normalise_postcode(postcode))
    found: dict[Person, list[ContactRestriction]] = {}
    for restriction in (
        ContactRestriction.objects.in_force(today or _today())
        .filter(person__organisation_id=organisation_id)
        .filter(match)
        .select_related("person", "contact_person")
    ):
        found.setdefault(restriction.person, []).append(restriction)
    return found


@transaction.atomic
def contact_accepted(
    *, person: Person, channel: str, reason: str, reference: str, actor: Actor
) -> Person:
    """A contact that goes against a restriction, accepted with the reason (the restriction
    never stops a complaint by itself)."""
    _record(
        person,
        CONTACT_ACCEPTED,
        actor,
        {
            "channel": channel,
            "reason": _text(reason, "accepted_because", "Say why the contact was accepted."),
            "case": reference,
        },
    )
    return person


def how_to_write(
    person: Person | None, today: datetime.date | None = None
) -> dict[str, Any] | None:
    """For the portal: the restriction in force that leaves the person only ways of contact
    other than the portal, with its letter's date and the ways left, as the letter said
    them; None if the person may write online."""
    if person is None:
        return None
    for restriction in in_force(person, today):
        if restriction.level != RestrictionLevel.RESTRICTION or not restriction.channels:
            continue
        if ContactWay.WEB_FORM in restriction.channels:
            continue
        return {
            "ways": restriction.channel_words,
            "letter_on": restriction.letter_on or restriction.starts_on,
            "contact_person": str(restriction.contact_person or ""),
        }
    return None


def appeal_deciders(restriction: ContactRestriction) -> list[User]:
    """Who may decide an appeal against the restriction: holders of the pack's role, with its
    independence from whoever decided it (the organisation's senior managers and complaints
    managers where the pack names no one)."""
    from putright.accounts.selectors import staff_with_roles

    pack = get_pack(restriction.pack or restriction.person.organisation.policy_pack)
    rules = pack.restrictions
    organisation = restriction.person.organisation
    if rules is None or not rules.appeal_decided_by:
        return staff_with_roles(
            organisation=organisation, roles=["senior_manager", "complaints_manager"]
        )
    handlers = [restriction.decided_by] if restriction.decided_by else []
    return people_for_role(
        organisation=organisation,
        pack=pack,
        role_id=rules.appeal_decided_by,
        case_handlers=handlers,
    )
