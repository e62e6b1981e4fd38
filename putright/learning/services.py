"""Every change to learning from complaints: lessons on a case and the rolling action plan.

Each service checks who may act (``putright.accounts.access`` and the pack's own roles), then
changes the records, their history and their clocks in one transaction: a lesson appends
``lessons_recorded`` to the case's chronology (closing waits for it where the pack says so);
an improvement action runs a clock to its due date on its owner's My work, then one to its
effectiveness review once completed; completing it tells each complainant whose case it came
from, where the pack gives a letter for that.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from putright.accounts.access import MANAGERS, require_action, roles_in
from putright.accounts.actors import Actor
from putright.accounts.models import User
from putright.accounts.selectors import people_for_role
from putright.cases.errors import (
    CaseInputError,
    CaseStateError,
    ConflictError,
    NotPermittedError,
    PolicyRuleError,
)
from putright.cases.models import Case, CaseIssue, Event, EventKind, Outcome
from putright.cases.selectors import case_pack, local_date
from putright.cases.services import case_record_event
from putright.cases.services.closing import LESSONS_RECORDED, lessons_recorded_in
from putright.domain.policy import Learning, Pack
from putright.organisations.models import Organisation
from putright.organisations.selectors import pack_for
from putright.policies.registry import get_pack
from putright.timeline.models import Clock
from putright.timeline.services import clock_start, clock_stop, record_event

from .access import require_plan_action
from .models import ActionStatus, ImprovementAction, Lesson, Publication, Scope, Source

logger = logging.getLogger(__name__)

RECORD_TYPE = "improvement_action"
#: Days after completion when an action's effectiveness is reviewed, where the policy is silent.
EFFECTIVENESS_DEFAULT_DAYS = 91
#: The clock on a case that asks for its review for lessons (where the pack names a reviewer).
REVIEW_STEP = "lessons_review"
#: The clocks on an improvement action.
COMPLETE_STEP = "complete"
EFFECTIVENESS_STEP = "effectiveness_review"
#: Case events written by this app (beside ``LESSONS_RECORDED``).
IMPROVEMENT_RAISED = "improvement_raised"
IMPROVEMENT_TOLD = "improvement_told"

UPHELD = (Outcome.UPHELD.value, Outcome.PARTLY_UPHELD.value)

NO_TEXT = "Say what was learnt."
NO_ACTION_TEXT = "Say what will change."
NO_NOTE = "Write the progress note."
BAD_SCOPE = "Choose individual (this case) or systemic (how we work)."
BAD_CAUSE = "Choose a root cause the policy lists: {choices}."
NO_ISSUE = "The case has no issue {number}."
ISSUE_NOT_UPHELD = (
    "Root causes are recorded for issues that were upheld or partly upheld; issue {number} "
    "was {outcome}."
)
NOT_LESSONS_BY = (
    "The policy has lessons recorded by the {title}; you do not hold that role ({holders} do)."
)
BAD_SOURCE = "Choose where the action comes from: case, ombudsman or review."
NEEDS_CASE = "Name the case the action comes from (its reference)."
NEEDS_REFERENCE = "Name the Ombudsman's case or the review the action comes from."
NO_CASE = "There is no case {reference} of {organisation}."
NO_OWNER = "There is no member of staff {username!r} at {organisation} to own the action."
PAST_DUE = "The due date cannot be in the past."
TOO_FAR = "Give a due date within the next five years."
NOT_OPEN = "The action was completed on {on}; it cannot change now."
NOT_COMPLETED = "The action is not completed yet: review its effectiveness once it is."
ALREADY_REVIEWED = "The action's effectiveness was already reviewed on {on}."
NO_EFFECTIVENESS_NOTE = "Say what the review found (did complaints of this cause fall?)."
NO_PUBLIC_TEXT = "Write what we learnt and changed, in plain words for residents."
PERSONAL_DATA = (
    "The text for residents must not identify anyone: remove {what}. Say what changed, not "
    "whose complaint it was."
)
NOT_AWAITING = "There is no text waiting for approval on this action."
OWN_TEXT = "Someone other than its writer approves the text for residents ({writer} wrote it)."
STALE = "The action was changed by someone else (version {current}, you saw {expected})."


def _input(message: str, field: str) -> CaseInputError:
    return CaseInputError(message, fields={field: message})


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise _input(message, field)
    return value


def _today() -> datetime.date:
    return timezone.localdate()


def learning_rules(pack: Pack) -> Learning:
    return pack.learning


def organisation_rules(organisation: Organisation, on: datetime.date | None = None) -> Learning:
    """The learning rules of the pack the organisation is under on a day (today by default)."""
    return get_pack(pack_for(organisation, on or _today())).learning


def effectiveness_days(rules: Learning) -> int:
    return rules.effectiveness_days or EFFECTIVENESS_DEFAULT_DAYS


# -- lessons on a case --------------------------------------------------------------------


def _lessons_by_holders(case: Case, pack: Pack) -> tuple[bool, list[User]]:
    """Whether the pack restricts who records lessons, and who may (the roles it names that
    somebody can hold; a role nobody can hold restricts nobody)."""
    holders: list[User] = []
    restricted = False
    for role_id in pack.learning.lessons_by:
        role = next((r for r in pack.roles if r.id == role_id), None)
        if role is None:
            continue
        found = people_for_role(organisation=case.organisation, pack=pack, role_id=role_id)
        if role.team or role.acts_as or found:
            restricted = True
        holders += found
    return restricted, holders


def _require_lessons_by(case: Case, pack: Pack, actor: Actor) -> None:
    """Where the pack names who records lessons, only they (or a manager) do."""
    user = actor.user
    if user is None:
        return
    restricted, holders = _lessons_by_holders(case, pack)
    if not restricted or user.pk in {h.pk for h in holders}:
        return
    if roles_in(user, case.organisation_id) & MANAGERS:
        return
    title = " or ".join(pack.role_title(r) for r in pack.learning.lessons_by)
    raise NotPermittedError(
        NOT_LESSONS_BY.format(title=title, holders=", ".join(map(str, holders)) or "nobody"),
        rule="learning.lessons_by",
        source=pack.learning.lessons_source,
    )


def _cause(rules: Learning, cause: str) -> str:
    if rules.cause(cause) is None:
        choices = ", ".join(c.id for c in rules.all_causes())
        raise _input(BAD_CAUSE.format(choices=choices), "cause")
    return cause


def _issue(case: Case, number: int | None) -> CaseIssue | None:
    if number is None:
        return None
    issue = case.issues.filter(number=number).order_by("-pk").first()
    if issue is None:
        raise _input(NO_ISSUE.format(number=number), "issue")
    if issue.outcome not in UPHELD:
        outcome = issue.get_outcome_display().lower() if issue.outcome else "not answered yet"
        raise _input(ISSUE_NOT_UPHELD.format(number=number, outcome=outcome), "issue")
    return issue


@dataclass(frozen=True)
class ActionToRaise:
    """An improvement action raised with a lesson."""

    text: str
    owner: str  # username
    due_on: datetime.date


@transaction.atomic
def lesson_record(
    *,
    case: Case,
    actor: Actor,
    cause: str,
    scope: str,
    text: str,
    issue: int | None = None,
    service_area: str = "",
    actions: Sequence[ActionToRaise] = (),
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Lesson:
    """Record a lesson learnt from the case, with its root cause from the pack's taxonomy, and
    raise any improvement actions it calls for; the case's lessons review (if any) is done."""
    if actor.user is not None:
        require_action(actor.user, case, "lessons")
    pack = case_pack(case)
    _require_lessons_by(case, pack, actor)
    rules = pack.learning
    cause = _cause(rules, cause)
    if scope not in Scope.values:
        raise _input(BAD_SCOPE, "scope")
    text = _text(text, "text", NO_TEXT)
    found = _issue(case, issue)
    for k, raised in enumerate(actions):
        _text(raised.text, f"actions[{k}].text", NO_ACTION_TEXT)
    cause_label = c.label if (c := rules.cause(cause)) else cause
    where = f"issue {found.number}, " if found else ""
    case = case_record_event(
        case=case,
        actor=actor,
        kind=EventKind.NOTE,
        data={
            "learning": LESSONS_RECORDED,
            "cause": cause,
            "scope": scope,
            "issue": found.number if found else None,
            "text": f"Lesson learnt ({where}{cause_label.lower()}, {scope}): {text}",
        },
        expected_version=expected_version,
        occurred_at=occurred_at,
    )
    moment = case.events.order_by("-sequence").values_list("occurred_at", flat=True).first()
    lesson = Lesson.objects.create(
        organisation=case.organisation,
        case=case,
        issue=found,
        cause=cause,
        service_area=(service_area or case.service_area).strip(),
        scope=scope,
        text=text,
        recorded_by=actor.user,
        recorded_at=moment or timezone.now(),
    )
    for k, raised in enumerate(actions):
        _raise(
            organisation=case.organisation,
            actor=actor,
            source=Source.CASE,
            text=raised.text,
            owner=_owner(case.organisation, raised.owner, f"actions[{k}].owner"),
            due_on=raised.due_on,
            cause=cause,
            service_area=lesson.service_area,
            case=case,
            lesson=lesson,
            field_prefix=f"actions[{k}].",
        )
    if Clock.objects.filter(
        record_type="case", record_id=case.pk, step=REVIEW_STEP, completed_at__isnull=True
    ).exists():
        clock_stop(
            record_type="case",
            record_id=case.pk,
            organisation=case.organisation,
            step=REVIEW_STEP,
            actor=actor,
        )
    return lesson


def lessons_report_due(case: Case, events: Iterable[Event] | None = None) -> bool:
    """Whether the case still needs its lessons-learned report to close (the pack's rule)."""
    rules = case_pack(case).learning
    if not rules.report_closes or case.kind not in rules.report_kinds:
        return False
    found = list(events if events is not None else case.events.all())
    answered = any(e.kind == EventKind.RESPONDED for e in found)
    return answered and not lessons_recorded_in(found)


# -- the action plan ------------------------------------------------------------------------


def _owner(organisation: Organisation, username: str, field: str) -> User:
    user = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if user is None or not roles_in(user, organisation.pk):
        raise _input(NO_OWNER.format(username=username, organisation=organisation.name), field)
    return user


def _lock(action: ImprovementAction, expected_version: int | None) -> ImprovementAction:
    locked = (
        ImprovementAction.objects.select_for_update(of=("self",))
        .select_related("organisation", "owner", "case", "lesson")
        .get(pk=action.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(STALE.format(current=locked.version, expected=expected_version))
    return locked


def _save(action: ImprovementAction, *fields: str) -> None:
    action.version += 1
    action.save(update_fields=[*fields, "version"])


def _history(
    action: ImprovementAction,
    kind: str,
    actor: Actor,
    data: dict[str, Any],
    occurred_at: datetime.datetime | None = None,
) -> None:
    record_event(
        record_type=RECORD_TYPE,
        record_id=action.pk,
        organisation=action.organisation,
        kind=kind,
        actor=actor,
        occurred_at=occurred_at,
        data=data,
    )


def _days_until(day: datetime.date, today: datetime.date) -> int:
    return max(1, (day - today).days)


def _raise(
    *,
    organisation: Organisation,
    actor: Actor,
    source: str,
    text: str,
    owner: User,
    due_on: datetime.date,
    cause: str = "",
    service_area: str = "",
    case: Case | None = None,
    lesson: Lesson | None = None,
    source_reference: str = "",
    field_prefix: str = "",
) -> ImprovementAction:
    rules = organisation_rules(organisation)
    text = _text(text, f"{field_prefix}text", NO_ACTION_TEXT)
    today = _today()
    if due_on < today:
        raise _input(PAST_DUE, f"{field_prefix}due_on")
    if due_on > today + datetime.timedelta(days=5 * 366):
        raise _input(TOO_FAR, f"{field_prefix}due_on")
    now = timezone.now()
    action = ImprovementAction.objects.create(
        organisation=organisation,
        source=source,
        case=case,
        lesson=lesson,
        source_reference=source_reference.strip(),
        cause=cause,
        service_area=service_area.strip(),
        text=text,
        owner=owner,
        due_on=due_on,
        created_by=actor.user,
        created_at=now,
    )
    _history(
        action,
        "raised",
        actor,
        {
            "text": text,
            "source": source,
            "case": case.reference if case else "",
            "owner_id": owner.pk,
            "due_on": due_on.isoformat(),
        },
    )
    clock_start(
        record_type=RECORD_TYPE,
        record_id=action.pk,
        organisation=organisation,
        step=COMPLETE_STEP,
        label="Complete the improvement action",
        unit="calendar_days",
        amount=_days_until(due_on, today),
        started_at=now,
        owner=owner,
        source=rules.action_plan_source,
        counted_from="the day it was raised",
        actor=actor,
    )
    if case is not None:
        case_record_event(
            case=case,
            actor=actor,
            kind=EventKind.NOTE,
            data={
                "learning": IMPROVEMENT_RAISED,
                "action_id": action.pk,
                "due_on": due_on.isoformat(),
                "text": f"Improvement action raised, due {due_on:%-d %B %Y}: {text}",
            },
        )
    return action


@transaction.atomic
def improvement_raise(
    *,
    organisation: Organisation,
    actor: Actor,
    source: str,
    text: str,
    owner: str,
    due_on: datetime.date,
    cause: str = "",
    service_area: str = "",
    case_reference: str = "",
    source_reference: str = "",
) -> ImprovementAction:
    """Raise an improvement action on the organisation's plan, from a complaint, an Ombudsman
    order or recommendation, or a review, with its owner and due date."""
    if actor.user is not None:
        require_plan_action(actor.user, organisation.pk, "improvement-raise")
    if source not in Source.values:
        raise _input(BAD_SOURCE, "source")
    case = None
    if source == Source.CASE:
        if not case_reference.strip():
            raise _input(NEEDS_CASE, "case")
        case = Case.objects.filter(
            organisation=organisation, reference=case_reference.strip()
        ).first()
        if case is None:
            message = NO_CASE.format(reference=case_reference, organisation=organisation.name)
            raise _input(message, "case")
    elif not source_reference.strip():
        raise _input(NEEDS_REFERENCE, "source_reference")
    if cause:
        _cause(organisation_rules(organisation), cause)
    return _raise(
        organisation=organisation,
        actor=actor,
        source=source,
        text=text,
        owner=_owner(organisation, owner, "owner"),
        due_on=due_on,
        cause=cause,
        service_area=service_area or (case.service_area if case else ""),
        case=case,
        source_reference=source_reference,
    )


def _require_open(action: ImprovementAction) -> None:
    if action.status != ActionStatus.OPEN:
        raise CaseStateError(NOT_OPEN.format(on=f"{action.completed_on:%-d %B %Y}"))


@transaction.atomic
def improvement_progress(
    *,
    action: ImprovementAction,
    actor: Actor,
    text: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> ImprovementAction:
    """Add a progress note to an open action (its owner, or a manager)."""
    if actor.user is not None:
        require_plan_action(actor.user, action.organisation_id, "improvement-progress", action)
    action = _lock(action, expected_version)
    _require_open(action)
    text = _text(text, "text", NO_NOTE)
    _history(action, "progress", actor, {"text": text}, occurred_at)
    _save(action)
    return action


@transaction.atomic
def improvement_complete(
    *,
    action: ImprovementAction,
    actor: Actor,
    note: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> ImprovementAction:
    """Complete the action: its clock stops, its effectiveness review is set for a set time
    later, and each complainant whose case it came from is told where the pack says so."""
    if actor.user is not None:
        require_plan_action(actor.user, action.organisation_id, "improvement-complete", action)
    action = _lock(action, expected_version)
    _require_open(action)
    note = _text(note, "note", "Say what was done.")
    moment = occurred_at or timezone.now()
    rules = organisation_rules(action.organisation)
    days = effectiveness_days(rules)
    action.status = ActionStatus.COMPLETED
    action.completed_on = local_date(moment)
    action.completion_note = note
    action.review_due_on = action.completed_on + datetime.timedelta(days=days)
    _save(action, "status", "completed_on", "completion_note", "review_due_on")
    _history(action, "completed", actor, {"text": note}, occurred_at)
    clock_stop(
        record_type=RECORD_TYPE,
        record_id=action.pk,
        organisation=action.organisation,
        step=COMPLETE_STEP,
        actor=actor,
        completed_at=occurred_at,
    )
    source = rules.effectiveness_source or (
        f"the policy sets no time: PutRight reviews {days} days after completion"
    )
    clock_start(
        record_type=RECORD_TYPE,
        record_id=action.pk,
        organisation=action.organisation,
        step=EFFECTIVENESS_STEP,
        label="Review whether the improvement worked",
        unit="calendar_days",
        amount=days,
        started_at=moment,
        owner=action.owner,
        source=source,
        counted_from="its completion",
        actor=actor,
    )
    from .letters import tell_complainants

    tell_complainants(action, actor)
    return action


@transaction.atomic
def improvement_review(
    *,
    action: ImprovementAction,
    actor: Actor,
    effective: bool,
    note: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> ImprovementAction:
    """Record whether the completed action worked (did complaints of its cause fall?)."""
    if actor.user is not None:
        require_plan_action(actor.user, action.organisation_id, "improvement-review", action)
    action = _lock(action, expected_version)
    if action.status != ActionStatus.COMPLETED:
        raise CaseStateError(NOT_COMPLETED)
    if action.effective is not None:
        raise CaseStateError(ALREADY_REVIEWED.format(on=f"{action.reviewed_on:%-d %B %Y}"))
    note = _text(note, "note", NO_EFFECTIVENESS_NOTE)
    moment = occurred_at or timezone.now()
    figures = effectiveness_figures(action, today=local_date(moment))
    action.effective = effective
    action.effectiveness_note = note
    action.reviewed_on = local_date(moment)
    _save(action, "effective", "effectiveness_note", "reviewed_on")
    _history(
        action,
        "reviewed",
        actor,
        {"effective": effective, "text": note, "before": figures.before, "after": figures.after},
        occurred_at,
    )
    if (
        Clock.objects.filter(record_type=RECORD_TYPE, record_id=action.pk, step=EFFECTIVENESS_STEP)
        .filter(completed_at__isnull=True)
        .exists()
    ):
        clock_stop(
            record_type=RECORD_TYPE,
            record_id=action.pk,
            organisation=action.organisation,
            step=EFFECTIVENESS_STEP,
            actor=actor,
            completed_at=occurred_at,
        )
    return action


@dataclass(frozen=True)
class Effectiveness:
    """Lessons of the action's cause (and service area) before and after its completion."""

    cause: str
    service_area: str
    days: int
    before: int
    after: int

    @property
    def fell(self) -> bool:
        return self.after < self.before


def effectiveness_figures(
    action: ImprovementAction, *, today: datetime.date | None = None
) -> Effectiveness:
    """How many lessons of the action's cause were recorded in the same number of days before
    its completion and after it (up to today): the evidence for the effectiveness review."""
    today = today or _today()
    completed = action.completed_on or today
    days = max(0, (today - completed).days) if action.completed_on else 0
    lessons = Lesson.objects.filter(organisation=action.organisation)
    if action.cause:
        lessons = lessons.filter(cause=action.cause)
    if action.service_area:
        lessons = lessons.filter(service_area=action.service_area)
    start = completed - datetime.timedelta(days=days)
    before = lessons.filter(
        case__received_at__date__gte=start, case__received_at__date__lt=completed
    ).count()
    after = lessons.filter(
        case__received_at__date__gte=completed, case__received_at__date__lte=today
    ).count()
    return Effectiveness(action.cause, action.service_area, days, before, after)


# -- telling residents what changed ---------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?:\+44\s?|0)\d(?:[\s-]?\d){8,10}")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)


def personal_data_in(text: str, cases: Iterable[Case]) -> str:
    """What in a text for residents could identify someone ('' if nothing): a case reference,
    an e-mail address, a phone number, a postcode, or the name of a customer of the cases."""
    if match := _EMAIL.search(text):
        return f"the e-mail address {match[0]}"
    if match := _PHONE.search(text):
        return f"the phone number {match[0]}"
    if match := _POSTCODE.search(text):
        return f"the postcode {match[0]}"
    lowered = text.casefold()
    for case in cases:
        if case.reference.casefold() in lowered:
            return f"the case reference {case.reference}"
        customer = case.customer
        if customer is None:
            continue
        for part in customer.name.split():
            if len(part) > 2 and re.search(rf"\b{re.escape(part.casefold())}\b", lowered):
                return f"the name {part}"
    return ""


def _linked_cases(action: ImprovementAction) -> list[Case]:
    cases = [action.case] if action.case else []
    if action.lesson is not None and action.lesson.case not in cases:
        cases.append(action.lesson.case)
    return [c for c in cases if c is not None]


@transaction.atomic
def improvement_write_public(
    *,
    action: ImprovementAction,
    actor: Actor,
    text: str,
    expected_version: int | None = None,
) -> ImprovementAction:
    """Write what we learnt and changed for the public page, from a completed action; it waits
    for approval and must identify nobody."""
    if actor.user is not None:
        require_plan_action(actor.user, action.organisation_id, "improvement-write-public")
    action = _lock(action, expected_version)
    if action.status != ActionStatus.COMPLETED:
        raise CaseStateError("Write what changed for residents once the action is completed.")
    text = _text(text, "public_text", NO_PUBLIC_TEXT)
    found = personal_data_in(text, _linked_cases(action))
    if found:
        raise _input(PERSONAL_DATA.format(what=found), "public_text")
    action.public_text = text
    action.publication = Publication.AWAITING
    action.public_written_by = actor.user
    action.published_on = None
    action.approved_by = None
    _save(action, "public_text", "publication", "public_written_by", "published_on", "approved_by")
    _history(action, "public_text_written", actor, {"text": text})
    return action


@transaction.atomic
def improvement_approve_public(
    *,
    action: ImprovementAction,
    actor: Actor,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
) -> ImprovementAction:
    """Approve the text for residents (it is published on the portal) or send it back;
    never one's own text."""
    if actor.user is not None:
        require_plan_action(actor.user, action.organisation_id, "improvement-approve-public")
    action = _lock(action, expected_version)
    if action.publication != Publication.AWAITING:
        raise CaseStateError(NOT_AWAITING)
    if actor.user is not None and action.public_written_by_id == actor.user.pk:
        raise PolicyRuleError(OWN_TEXT.format(writer=actor.user), rule="approval by another person")
    if approve:
        action.publication = Publication.PUBLISHED
        action.published_on = _today()
        action.approved_by = actor.user
    else:
        if not note.strip():
            raise _input("Say what needs to change before it can be published.", "note")
        action.publication = Publication.NONE
    _save(action, "publication", "published_on", "approved_by")
    _history(
        action,
        "public_text_approved" if approve else "public_text_sent_back",
        actor,
        {"text": note.strip()},
    )
    return action


# -- the review of each upheld complaint, where the pack names a reviewer -------------------


def _quarter_end(day: datetime.date) -> datetime.date:
    month = ((day.month - 1) // 3 + 1) * 3
    following = datetime.date(day.year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _reviewer(case: Case, pack: Pack, role_id: str) -> User | None:
    holders = people_for_role(organisation=case.organisation, pack=pack, role_id=role_id)
    for candidate in (case.handler, *holders):
        if candidate is not None and candidate.pk in {h.pk for h in holders}:
            return candidate
    return None


def start_lessons_reviews(*, since: datetime.timedelta = datetime.timedelta(days=120)) -> int:
    """Give each upheld (or partly upheld) complaint answered lately a review for lessons on
    its reviewer's My work, where the pack names one; once each. Returns how many started."""
    now = timezone.now()
    answered = (
        Event.objects.filter(
            kind=EventKind.RESPONDED,
            data__outcome__in=list(UPHELD),
            occurred_at__gte=now - since,
        )
        .values_list("case_id", "occurred_at")
        .order_by("occurred_at")
    )
    started = 0
    seen: set[int] = set()
    for case_id, answered_at in answered:
        if case_id in seen:
            continue
        seen.add(case_id)
        try:
            started += _start_review(case_id, answered_at)
        except Exception:
            # One case's failure rolls back that case only; the next run retries it.
            logger.exception("starting the lessons review of case %s failed", case_id)
    return started


@transaction.atomic(durable=True)
def _start_review(case_id: int, answered_at: datetime.datetime) -> int:
    case = Case.objects.select_related("organisation", "handler").get(pk=case_id)
    pack = case_pack(case)
    rules = pack.learning
    if rules.review_upheld_by is None:
        return 0
    if Clock.objects.filter(record_type="case", record_id=case.pk, step=REVIEW_STEP).exists():
        return 0
    if Lesson.objects.filter(case=case).exists():
        return 0
    owner = _reviewer(case, pack, rules.review_upheld_by)
    if owner is None:
        return 0
    if rules.review_upheld_days is not None:
        unit, amount, counted = "working_days", rules.review_upheld_days, "the response"
    else:
        day = local_date(answered_at)
        unit, amount = "calendar_days", _days_until(_quarter_end(day), day)
        counted = "the response, to the end of its quarter (for the quarterly lessons review)"
    clock_start(
        record_type="case",
        record_id=case.pk,
        organisation=case.organisation,
        step=REVIEW_STEP,
        label="Review the upheld complaint for lessons",
        unit=unit,
        amount=amount,
        started_at=answered_at,
        owner=owner,
        source=rules.review_upheld_source,
        counted_from=counted,
    )
    return 1
