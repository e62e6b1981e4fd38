"""Every change to a review meeting and to the review it serves: one transaction each.

A meeting (record type ``meeting``) keeps its own history on the timeline; each change is
also a fact in its case's chronology (a note carrying ``data["meeting"]``), so the case tells
the whole story. What the policy asks comes from the pack's ``[[reviews]]``
(``putright.domain.policy.Review``): which meetings a review holds, the step booking the
meeting marks done and the date it must not pass (the step's deadline, extensions
included), who sits on a panel and how many, the step the report or the summary sheet
completes, and whether the panel agrees its decision letter before it is sent.

Who may take each action is checked here (``require_action`` with the ``meeting-*``,
``review-*`` and ``panel-*`` keys of ``ACTION_ROLES``), so no interface can differ. The
invitations and papers are e-mailed by tasks queued with the change.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from putright.accounts.access import can_see_case, require_action
from putright.accounts.actors import Actor
from putright.accounts.models import Role, User
from putright.cases.models import Case, EventKind
from putright.cases.selectors import case_deadlines, case_pack, local_date
from putright.cases.services import (
    case_add_member,
    case_mark_step_done,
    case_record_event,
    case_respond,
    lock_for_change,
)
from putright.domain.calendar import describe
from putright.domain.deadlines import Deadline
from putright.domain.policy import Pack
from putright.domain.policy import Review as ReviewRule
from putright.errors import (
    CaseInputError,
    CaseStateError,
    ConflictError,
    NotPermittedError,
    PolicyRuleError,
)
from putright.people.models import Person
from putright.queueing import enqueue_with_change
from putright.timeline.services import record_event

from .invitations import recipients
from .models import PANEL_PARTS, Attendee, Kind, LetterAgreement, Meeting, Part, Review, Status

RECORD_TYPE = "meeting"

# Messages (asserted exactly by the tests).
STALE = "Someone else changed this meeting since you opened it. Check it and try again."
ENDS_FIRST = "The meeting must end after it starts."
IN_PAST = "That time has passed. Book the meeting for a time still to come."
NO_ATTENDEES = "Name at least one person attending."
ATTENDEE_NEEDS = "Give a member of staff's username, or a person's name (with an e-mail address to send the invitation to)."
UNKNOWN_STAFF = "There is no member of staff {username!r} here."
UNKNOWN_PERSON = "There is no person {person_id} here."
KIND_NOT_HERE = "A {kind} is held only in {where}; this case is not at that stage."
NOT_OPEN = "This meeting is {status}: it can no longer be changed."
NOT_HELD = "Record that the meeting was held first."
ALREADY_HELD = "This meeting was held on {when}."
HELD_IN_FUTURE = "The meeting has not started yet ({when})."
NO_MINUTES = "Write the minutes."
NOT_NOTE_TAKER = "Only the note-taker, {name}, writes this meeting's minutes."
NO_REASON = "Say why."
NO_REVIEW = "This case is not at a review that {what} ({stage})."
NO_WISH = "Choose one of: {choices}."
NO_REPORT_TO = "Name the {role} the report goes to (a username)."
ALREADY_SENT = "That was sent on {when}."
NO_PANEL = "Book the panel meeting first: the {what} goes to the panel."
PANEL_NOT_HELD = "The panel has not met yet: the decision letter is drafted once it has."
NO_DRAFT = "There is no draft letter to {what} yet."
NOT_ON_PANEL = "{name} does not sit on this panel."
ONLY_THEMSELVES = "{name} agrees for themselves: only they may record it."
STAFF_FOR_RESIDENT = "A caseworker records the agreement of a member who has no account."
ALREADY_AGREED = "{name} has already agreed draft {draft}."
NOT_AGREED = "The panel has not agreed draft {draft}: waiting for {names}."
BAD_OUTCOME = "Choose upheld, partly_upheld or not_upheld."
NO_TEXT = "Write the letter."
NO_CHAIR = "Choose the chair from those sitting on the panel."

# The kinds of entry in a meeting's history.
BOOKED = "meeting_booked"
REBOOKED = "meeting_rebooked"
CANCELLED = "meeting_cancelled"
HELD = "meeting_held"
MINUTED = "meeting_minuted"
INVITED = "invitations_sent"

#: Kinds that may be booked on any case, without a review (a call, a visit, petitioners).
ANY_CASE = frozenset({Kind.CALL, Kind.VISIT, Kind.PETITIONERS_MEETING})
#: Kinds whose attendees fill a panel's seats.
PANEL_KINDS = frozenset({Kind.PANEL_MEETING, Kind.PRE_MEETING})


@dataclass(frozen=True)
class AttendeeIn:
    """Someone to invite: staff by ``username``, a known person by ``person_id``, or anyone
    else by ``name`` and ``email``; ``part`` is what they do there and ``seat`` the pack role
    of the panel seat they fill."""

    part: str
    username: str = ""
    person_id: int | None = None
    name: str = ""
    email: str = ""
    seat: str = ""


# -- reading the pack ------------------------------------------------------------------


def review_rule(case: Case, pack: Pack | None = None) -> ReviewRule | None:
    """The pack's review the case is at now (its stage, and its route where one is set)."""
    pack = pack or case_pack(case)
    for review in pack.reviews:
        if review.stage == case.stage and review.route in (None, case.route or None):
            return review
    return None


def step_deadline(case: Case, step: str) -> Deadline | None:
    """The deadline of a step at the case's current stage, derived afresh."""
    for deadline in case_deadlines(case):
        if deadline.stage == case.stage and deadline.step == step:
            return deadline
    return None


def _rule(review: ReviewRule, part: str) -> str:
    return f"reviews.{review.id}.{part}"


# -- the mechanics ---------------------------------------------------------------------


def _allowed(actor: Actor, case: Case, action: str) -> None:
    if actor.user is not None:
        require_action(actor.user, case, action)


def _lock(meeting: Meeting, expected_version: int | None) -> Meeting:
    locked = (
        Meeting.objects.select_for_update()
        .select_related("case", "organisation")
        .get(pk=meeting.pk)
    )
    if expected_version is not None and expected_version != locked.version:
        raise ConflictError(STALE)
    return locked


def _save(meeting: Meeting, *fields: str) -> Meeting:
    meeting.version += 1
    meeting.save(update_fields=[*fields, "version"])
    return meeting


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{describe(local.date())} at {local:%H:%M}"


def _history(
    meeting: Meeting, entry: str, actor: Actor, at: datetime.datetime, **data: Any
) -> None:
    record_event(
        record_type=RECORD_TYPE,
        record_id=meeting.pk,
        organisation=meeting.organisation,
        kind=entry,
        actor=actor,
        occurred_at=at,
        data={"case": meeting.case.reference, **data},
    )


def _chronology(
    case: Case, actor: Actor, text: str, data: dict[str, Any], at: datetime.datetime
) -> Case:
    return case_record_event(
        case=case, actor=actor, kind=EventKind.NOTE, data={"text": text, **data}, occurred_at=at
    )


def _summary(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "starts_at": meeting.starts_at.isoformat(),
        "location": meeting.location,
        "status": meeting.status,
        "sequence": meeting.sequence,
    }


def _invite(meeting: Meeting, actor: Actor, at: datetime.datetime) -> None:
    """Queue the invitation to everyone invited, and record to whom it goes."""
    to = recipients(meeting)
    method = "CANCEL" if meeting.status == Status.CANCELLED else "REQUEST"
    _history(
        meeting,
        INVITED,
        actor,
        at,
        method=method,
        sequence=meeting.sequence,
        uid=meeting.uid,
        to=[r.name for r in to],
        without_address=[
            a.name for a in meeting.attendees.all() if a.name not in {r.name for r in to}
        ],
    )
    from .tasks import send_invitations

    enqueue_with_change(send_invitations, meeting.pk, meeting.sequence)


def _times(
    starts_at: datetime.datetime, ends_at: datetime.datetime, now: datetime.datetime
) -> None:
    if ends_at <= starts_at:
        raise CaseInputError(ENDS_FIRST, fields={"ends_at": ENDS_FIRST})
    if starts_at < now:
        raise CaseInputError(IN_PAST, fields={"starts_at": IN_PAST})


def _check_date(
    case: Case, review: ReviewRule | None, kind: str, starts_at: datetime.datetime
) -> None:
    """A review's meeting falls on or before its step's due date (extensions included)."""
    if review is None or not review.meeting_by_step or review.meeting_step is None:
        return
    if kind == Kind.PRE_MEETING:
        return
    deadline = step_deadline(case, review.meeting_step)
    if deadline is None or local_date(starts_at) <= deadline.due:
        return
    message = (
        f"{review.label}: the meeting must be on or before {describe(deadline.due)} "
        f"({deadline.explanation.text()}) Choose an earlier date, or extend the deadline first."
    )
    raise PolicyRuleError(
        message,
        rule=_rule(review, "meeting_step"),
        source=deadline.explanation.source or review.source,
        fields={"starts_at": f"On or before {describe(deadline.due)}."},
    )


def _previous_outcome(case: Case) -> str:
    """The outcome of the answer the customer escalated from (the last before the escalation)."""
    outcome, escalated_from = "", ""
    for event in case.events.order_by("sequence"):
        if event.kind == EventKind.RESPONDED:
            outcome = str((event.data or {}).get("outcome", ""))
        elif event.kind == EventKind.ESCALATION_REQUESTED:
            escalated_from = outcome
    return escalated_from or outcome


def _check_panel_allowed(case: Case, review: ReviewRule) -> None:
    if not review.only_after:
        return
    outcome = _previous_outcome(case)
    if outcome not in {o.value for o in review.only_after}:
        wanted = " or ".join(o.value.replace("_", " ") for o in review.only_after)
        said = outcome.replace("_", " ") or "not answered"
        raise PolicyRuleError(
            f"A {review.label} is only for a complaint whose earlier answer was {wanted}; "
            f"this one was {said}.",
            rule=_rule(review, "only_after"),
            source=review.source,
        )


def _resolve(case: Case, wanted: AttendeeIn, index: int) -> Attendee:
    where = f"attendees[{index}]"
    if wanted.part not in Part.values:
        message = f"Choose one of: {', '.join(Part.values)}."
        raise CaseInputError(message, fields={f"{where}.part": message})
    if wanted.username:
        user = User.objects.filter(username=wanted.username, is_active=True).first()
        if user is None or not user.memberships.filter(organisation=case.organisation).exists():
            message = UNKNOWN_STAFF.format(username=wanted.username)
            raise CaseInputError(message, fields={f"{where}.username": message})
        name = str(user)
        return Attendee(user=user, name=name, part=wanted.part, seat=wanted.seat)
    if wanted.person_id is not None:
        person = Person.objects.filter(pk=wanted.person_id, organisation=case.organisation).first()
        if person is None:
            message = UNKNOWN_PERSON.format(person_id=wanted.person_id)
            raise CaseInputError(message, fields={f"{where}.person_id": message})
        return Attendee(
            person=person, name=person.name, email=person.email, part=wanted.part, seat=wanted.seat
        )
    if wanted.name.strip():
        return Attendee(
            name=wanted.name.strip(), email=wanted.email.strip(), part=wanted.part, seat=wanted.seat
        )
    raise CaseInputError(ATTENDEE_NEEDS, fields={f"{where}.name": ATTENDEE_NEEDS})


def _check_seats(review: ReviewRule, kind: str, people: list[Attendee]) -> None:
    """A panel's seats: each filled at least ``min`` and at most ``max`` times."""
    if not review.is_panel or kind not in PANEL_KINDS:
        return
    for index, person in enumerate(people):
        if person.seat and review.seat(person.seat) is None:
            seats = ", ".join(s.role for s in review.seats)
            message = f"{review.label} has no seat {person.seat!r}; its seats: {seats}."
            raise CaseInputError(message, fields={f"attendees[{index}].seat": message})
    for seat in review.seats:
        filled = sum(1 for p in people if p.seat == seat.role)
        if filled > seat.max:
            raise PolicyRuleError(
                f"A {review.label} has at most {seat.max} {seat.label}: {filled} were named.",
                rule=_rule(review, f"seats.{seat.role}.max"),
                source=seat.source or review.source,
                fields={"attendees": f"At most {seat.max} {seat.label}."},
            )
        if kind == Kind.PANEL_MEETING and filled < seat.min:
            raise PolicyRuleError(
                f"A {review.label} needs {seat.min} {seat.label}: {filled} named.",
                rule=_rule(review, f"seats.{seat.role}.min"),
                source=seat.source or review.source,
                fields={"attendees": f"Name {seat.min} {seat.label}."},
            )


def _review_record(case: Case, review: ReviewRule, at: datetime.datetime) -> Review:
    found, _ = Review.objects.select_for_update().get_or_create(
        case=case,
        review=review.id,
        defaults={"organisation": case.organisation, "created_at": at},
    )
    return found


def _name_panel_members_on_case(case: Case, people: list[Attendee], actor: Actor) -> None:
    """A staff panel member who cannot see the case is named on it, so that they may (and see
    it without the customer's contact details, as the access rules give panel members)."""
    for person in people:
        user = person.user
        if user is None or person.part not in PANEL_PARTS or can_see_case(user, case):
            continue
        if Role.PANEL_MEMBER in {
            m.role for m in user.memberships.filter(organisation=case.organisation)
        }:
            case_add_member(case=case, actor=actor, user=user, role="panel_member")


def _book_pre_meeting(
    meeting: Meeting,
    review: ReviewRule,
    people: list[Attendee],
    actor: Actor,
    moment: datetime.datetime,
) -> Meeting:
    """The panel's own meeting just before the panel meeting, to go through the papers and
    appoint a chair (the pack's ``pre_meeting_minutes``), with the panel's members only."""
    assert review.pre_meeting_minutes is not None
    minutes = review.pre_meeting_minutes
    pre = Meeting.objects.create(
        organisation=meeting.organisation,
        case=meeting.case,
        review=review.id,
        kind=Kind.PRE_MEETING,
        starts_at=meeting.starts_at - datetime.timedelta(minutes=minutes),
        ends_at=meeting.starts_at,
        location=meeting.location,
        notes=f"The panel meets {minutes} minutes before the meeting to go through the papers "
        f"and appoint a chair ({review.source}).",
        prepares=meeting,
        uid=f"{uuid.uuid4()}@putright",
        created_by=actor.user,
        created_at=moment,
    )
    for person in people:
        if person.seat or person.part in PANEL_PARTS:
            Attendee.objects.create(
                meeting=pre,
                user=person.user,
                person=person.person,
                name=person.name,
                email=person.email,
                part=person.part,
                seat=person.seat,
            )
    _history(pre, BOOKED, actor, moment, **_summary(pre))
    _invite(pre, actor, moment)
    text = f"Panel pre-meeting booked for {_when(pre.starts_at)} ({pre.location})."
    _chronology(meeting.case, actor, text, {"meeting": _summary(pre)}, moment)
    return pre


def _follow(
    meeting: Meeting,
    actor: Actor,
    moment: datetime.datetime,
    *,
    reason: str,
    cancel: bool = False,
) -> None:
    """A panel meeting's open pre-meetings move with it, or are cancelled with it."""
    for pre in Meeting.objects.select_for_update().filter(prepares=meeting):
        if not pre.is_open:
            continue
        if cancel:
            pre.status, pre.cancelled_at, pre.cancel_reason = Status.CANCELLED, moment, reason
            fields = ["status", "cancelled_at", "cancel_reason", "sequence"]
        else:
            length = pre.ends_at - pre.starts_at
            pre.ends_at = meeting.starts_at
            pre.starts_at = meeting.starts_at - length
            pre.location = meeting.location
            pre.status = Status.REBOOKED
            fields = ["starts_at", "ends_at", "location", "status", "sequence"]
        pre.sequence += 1
        pre.case = meeting.case
        _save(pre, *fields)
        _history(
            pre, CANCELLED if cancel else REBOOKED, actor, moment, reason=reason, **_summary(pre)
        )
        _invite(pre, actor, moment)


# -- booking, rebooking, cancelling ----------------------------------------------------


@transaction.atomic
def meeting_book(
    *,
    case: Case,
    kind: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    location: str,
    attendees: list[AttendeeIn],
    notes: str = "",
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Meeting:
    """Book a meeting or call on a case and invite everyone; a review's booking marks its step
    done, and its date must not pass that step's deadline."""
    _allowed(actor, case, "meeting-book")
    case, moment = lock_for_change(case, expected_version=expected_version, occurred_at=occurred_at)
    if kind not in Kind.values:
        message = f"Choose one of: {', '.join(Kind.values)}."
        raise CaseInputError(message, fields={"kind": message})
    if not location.strip():
        raise CaseInputError("Say where, or how.", fields={"location": "Say where, or how."})
    _times(starts_at, ends_at, moment)
    if not attendees:
        raise CaseInputError(NO_ATTENDEES, fields={"attendees": NO_ATTENDEES})
    pack = case_pack(case)
    review = review_rule(case, pack)
    if review is None or kind not in review.meeting_kinds:
        if kind not in ANY_CASE:
            where = [f"{r.label} ({r.stage})" for r in pack.reviews if kind in r.meeting_kinds]
            message = KIND_NOT_HERE.format(
                kind=Kind(kind).label.lower(),
                where=" or ".join(where) or "no review of this policy",
            )
            raise CaseStateError(message, fields={"kind": message})
        review = None
    if review is not None:
        if review.is_panel:
            _check_panel_allowed(case, review)
        _check_date(case, review, kind, starts_at)
    people = [_resolve(case, a, i) for i, a in enumerate(attendees)]
    if review is not None:
        _check_seats(review, kind, people)
    meeting = Meeting.objects.create(
        organisation=case.organisation,
        case=case,
        review=review.id if review else "",
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        notes=notes,
        uid=f"{uuid.uuid4()}@putright",
        created_by=actor.user,
        created_at=moment,
    )
    for person in people:
        person.meeting = meeting
        person.save()
    if review is not None:
        _review_record(case, review, moment)
    _history(meeting, BOOKED, actor, moment, **_summary(meeting))
    _invite(meeting, actor, moment)
    text = f"{meeting.get_kind_display()} booked for {_when(starts_at)} ({meeting.location})."
    case = _chronology(case, actor, text, {"meeting": _summary(meeting)}, moment)
    _name_panel_members_on_case(case, people, actor)
    if review is not None and kind == Kind.PANEL_MEETING and review.pre_meeting_minutes:
        _book_pre_meeting(meeting, review, people, actor, moment)
    if review is not None and review.meeting_step and kind != Kind.PRE_MEETING:
        deadline = step_deadline(case, review.meeting_step)
        if deadline is not None and deadline.completed_on is None:
            case_mark_step_done(
                case=case, actor=actor, step=review.meeting_step, occurred_at=moment
            )
    return meeting


@transaction.atomic
def meeting_rebook(
    *,
    meeting: Meeting,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    location: str = "",
    reason: str,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Meeting:
    """Move a meeting: everyone gets the updated invitation (same UID, next sequence)."""
    _allowed(actor, meeting.case, "meeting-rebook")
    meeting = _lock(meeting, expected_version)
    case, moment = lock_for_change(meeting.case, expected_version=None, occurred_at=occurred_at)
    if not meeting.is_open:
        raise CaseStateError(NOT_OPEN.format(status=meeting.get_status_display().lower()))
    if not reason.strip():
        raise CaseInputError(NO_REASON, fields={"reason": NO_REASON})
    _times(starts_at, ends_at, moment)
    review = next((r for r in case_pack(case).reviews if r.id == meeting.review), None)
    _check_date(case, review, meeting.kind, starts_at)
    before = _when(meeting.starts_at)
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.location = location.strip() or meeting.location
    meeting.status = Status.REBOOKED
    meeting.sequence += 1
    _save(meeting, "starts_at", "ends_at", "location", "status", "sequence")
    _history(meeting, REBOOKED, actor, moment, reason=reason, was=before, **_summary(meeting))
    _invite(meeting, actor, moment)
    _follow(meeting, actor, moment, reason=reason)
    text = (
        f"{meeting.get_kind_display()} moved from {before} to {_when(starts_at)} "
        f"({meeting.location}): {reason}"
    )
    _chronology(case, actor, text, {"meeting": _summary(meeting)}, moment)
    return meeting


@transaction.atomic
def meeting_cancel(
    *,
    meeting: Meeting,
    reason: str,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Meeting:
    """Cancel a meeting: everyone gets the cancellation (same UID, METHOD:CANCEL)."""
    _allowed(actor, meeting.case, "meeting-cancel")
    meeting = _lock(meeting, expected_version)
    case, moment = lock_for_change(meeting.case, expected_version=None, occurred_at=occurred_at)
    if not meeting.is_open:
        raise CaseStateError(NOT_OPEN.format(status=meeting.get_status_display().lower()))
    if not reason.strip():
        raise CaseInputError(NO_REASON, fields={"reason": NO_REASON})
    meeting.status = Status.CANCELLED
    meeting.cancelled_at = moment
    meeting.cancel_reason = reason.strip()
    meeting.sequence += 1
    _save(meeting, "status", "cancelled_at", "cancel_reason", "sequence")
    _history(meeting, CANCELLED, actor, moment, reason=reason, **_summary(meeting))
    _invite(meeting, actor, moment)
    _follow(meeting, actor, moment, reason=reason, cancel=True)
    text = f"{meeting.get_kind_display()} of {_when(meeting.starts_at)} cancelled: {reason}"
    _chronology(case, actor, text, {"meeting": _summary(meeting)}, moment)
    return meeting


# -- holding and minuting --------------------------------------------------------------


@transaction.atomic
def meeting_hold(
    *,
    meeting: Meeting,
    chair: int | None = None,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Meeting:
    """Record that the meeting took place (and, for a panel, who chaired it)."""
    _allowed(actor, meeting.case, "meeting-hold")
    meeting = _lock(meeting, expected_version)
    case, moment = lock_for_change(meeting.case, expected_version=None, occurred_at=occurred_at)
    if meeting.status == Status.HELD and meeting.held_at:
        raise CaseStateError(ALREADY_HELD.format(when=_when(meeting.held_at)))
    if not meeting.is_open:
        raise CaseStateError(NOT_OPEN.format(status=meeting.get_status_display().lower()))
    if moment < meeting.starts_at:
        raise CaseStateError(HELD_IN_FUTURE.format(when=_when(meeting.starts_at)))
    if chair is not None:
        chosen = meeting.attendees.filter(pk=chair).first()
        if chosen is None or (chosen.part not in PANEL_PARTS and not chosen.seat):
            raise CaseInputError(NO_CHAIR, fields={"chair": NO_CHAIR})
        chosen.part = Part.CHAIR
        chosen.save(update_fields=["part"])
        if meeting.prepares_id:
            # The chair appointed at the pre-meeting chairs the panel meeting (4.8.4).
            meeting.prepares.attendees.filter(  # type: ignore[union-attr]
                user=chosen.user, person=chosen.person, name=chosen.name
            ).update(part=Part.CHAIR)
    meeting.status = Status.HELD
    meeting.held_at = moment
    _save(meeting, "status", "held_at")
    _history(meeting, HELD, actor, moment, chair=chair, **_summary(meeting))
    text = f"{meeting.get_kind_display()} held on {_when(moment)}."
    _chronology(case, actor, text, {"meeting": _summary(meeting)}, moment)
    return meeting


@transaction.atomic
def meeting_minutes(
    *,
    meeting: Meeting,
    minutes: str,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Meeting:
    """Record the minutes of a meeting held, by its note-taker where one is staff."""
    _allowed(actor, meeting.case, "meeting-minutes")
    meeting = _lock(meeting, expected_version)
    case, moment = lock_for_change(meeting.case, expected_version=None, occurred_at=occurred_at)
    if meeting.status != Status.HELD:
        raise CaseStateError(NOT_HELD)
    if not minutes.strip():
        raise CaseInputError(NO_MINUTES, fields={"minutes": NO_MINUTES})
    note_taker = meeting.attendees.filter(part=Part.NOTE_TAKER, user__isnull=False).first()
    if note_taker is not None and actor.user is not None and actor.user.pk != note_taker.user_id:
        message = NOT_NOTE_TAKER.format(name=note_taker.name)
        raise NotPermittedError(message, rule="meeting.note_taker", source="")
    meeting.minutes = minutes.strip()
    meeting.minuted_by = actor.user
    meeting.minuted_at = moment
    _save(meeting, "minutes", "minuted_by", "minuted_at")
    _history(meeting, MINUTED, actor, moment, words=len(meeting.minutes.split()))
    text = f"Minutes of the {meeting.get_kind_display().lower()} of {_when(meeting.starts_at)} recorded."
    _chronology(case, actor, text, {"meeting": _summary(meeting)}, moment)
    return meeting


# -- the review: the customer's wish, the report, the summary sheet --------------------


def _require_review(case: Case, what: str, wanted: str) -> ReviewRule:
    review = review_rule(case)
    if review is None or not getattr(review, wanted):
        stage = f"{case.stage}{' / ' + case.route if case.route else ''}"
        message = NO_REVIEW.format(what=what, stage=stage)
        raise CaseStateError(message)
    return review


@transaction.atomic
def review_wish(
    *,
    case: Case,
    wish: str,
    note: str = "",
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Review:
    """Record what the customer asked for: a call or a visit (Senior Manager Review)."""
    _allowed(actor, case, "meeting-wish")
    review = _require_review(case, "asks the customer for a call or a visit", "customer_chooses")
    case, moment = lock_for_change(case, expected_version=expected_version, occurred_at=occurred_at)
    if wish not in review.customer_chooses:
        message = NO_WISH.format(choices=", ".join(review.customer_chooses))
        raise CaseInputError(message, fields={"wish": message})
    record = _review_record(case, review, moment)
    record.wish, record.wish_note = wish, note
    record.version += 1
    record.save(update_fields=["wish", "wish_note", "version"])
    text = f"The customer asked for a {Kind(wish).label.lower()} ({review.label})."
    if note:
        text += f" {note}"
    _chronology(case, actor, text, {"review": {"id": review.id, "wish": wish}}, moment)
    return record


@transaction.atomic
def review_report_send(
    *,
    case: Case,
    to: str = "",
    html: str,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Review:
    """Send the review report (generated from the case) to the reviewer; marks its step done."""
    _allowed(actor, case, "review-report-send")
    review = _require_review(case, "sends a report", "report_step")
    case, moment = lock_for_change(case, expected_version=expected_version, occurred_at=occurred_at)
    record = _review_record(case, review, moment)
    if record.report_sent_at:
        raise CaseStateError(ALREADY_SENT.format(when=_when(record.report_sent_at)))
    reviewer = _reviewer(case, to)
    if reviewer is None:
        role = next(
            (r.title for r in case_pack(case).roles if r.id == review.report_to), "reviewer"
        )
        message = NO_REPORT_TO.format(role=role)
        raise CaseInputError(message, fields={"to": message})
    record.report_sent_at, record.report_html = moment, html
    record.version += 1
    record.save(update_fields=["report_sent_at", "report_html", "version"])
    _papers(
        f"{review.label} report: complaint {case.reference}",
        f"The {review.label} report for complaint {case.reference} is ready for you to read "
        "before the call with the customer.",
        [reviewer.email],
    )
    text = f"{review.label} report sent to {reviewer}."
    case = _chronology(
        case, actor, text, {"review": {"id": review.id, "report_to": reviewer.pk}}, moment
    )
    assert review.report_step is not None
    case_mark_step_done(case=case, actor=actor, step=review.report_step, occurred_at=moment)
    return record


def _reviewer(case: Case, username: str) -> User | None:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None or not user.memberships.filter(organisation=case.organisation).exists():
            message = UNKNOWN_STAFF.format(username=username)
            raise CaseInputError(message, fields={"to": message})
        return user
    attendee = (
        Attendee.objects.filter(meeting__case=case, part=Part.SENIOR_MANAGER, user__isnull=False)
        .exclude(meeting__status=Status.CANCELLED)
        .select_related("user")
        .first()
    )
    return attendee.user if attendee else None


def _papers(subject: str, body: str, emails: list[str]) -> None:
    from .tasks import send_papers

    wanted = [e for e in emails if e]
    if wanted:
        enqueue_with_change(send_papers, subject, body, wanted)


def panel_meeting(case: Case, review: ReviewRule) -> Meeting | None:
    """The review's panel meeting still standing (booked, rebooked or held)."""
    return (
        Meeting.objects.filter(case=case, review=review.id, kind=Kind.PANEL_MEETING)
        .exclude(status=Status.CANCELLED)
        .order_by("-pk")
        .first()
    )


def panel_members(meeting: Meeting) -> list[Attendee]:
    """Those sitting on the panel: its seats, and its chair."""
    return [a for a in meeting.attendees.select_related("user") if a.seat or a.part in PANEL_PARTS]


def _email_of(attendee: Attendee) -> str:
    if attendee.user is not None:
        return str(attendee.user.email)
    return attendee.email


@transaction.atomic
def panel_summary_send(
    *,
    case: Case,
    html: str,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Review:
    """Send the panel's summary sheet to the panel and the customer; marks its step done."""
    _allowed(actor, case, "panel-summary-send")
    review = _require_review(case, "sends a summary sheet", "summary_step")
    case, moment = lock_for_change(case, expected_version=expected_version, occurred_at=occurred_at)
    record = _review_record(case, review, moment)
    if record.summary_sent_at:
        raise CaseStateError(ALREADY_SENT.format(when=_when(record.summary_sent_at)))
    meeting = panel_meeting(case, review)
    if meeting is None:
        raise CaseStateError(NO_PANEL.format(what="summary sheet"))
    record.summary_sent_at, record.summary_html = moment, html
    record.version += 1
    record.save(update_fields=["summary_sent_at", "summary_html", "version"])
    members = panel_members(meeting)
    customer = case.customer.email if case.customer_id and case.customer else ""
    _papers(
        f"{review.label}: summary sheet for complaint {case.reference}",
        f"The {review.label} summary sheet for complaint {case.reference} is ready, for the "
        f"meeting on {_when(meeting.starts_at)}.",
        [_email_of(m) for m in members] + [customer],
    )
    told = [m.name for m in members] + (["the customer"] if case.customer_id else [])
    text = f"{review.label} summary sheet sent to {', '.join(told)}."
    case = _chronology(case, actor, text, {"review": {"id": review.id, "summary_to": told}}, moment)
    assert review.summary_step is not None
    case_mark_step_done(case=case, actor=actor, step=review.summary_step, occurred_at=moment)
    return record


# -- the panel's decision letter -------------------------------------------------------


@transaction.atomic
def panel_letter_draft(
    *,
    case: Case,
    outcome: str,
    text: str,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Review:
    """Draft (or redraft) the decision letter and circulate it to the panel to agree."""
    _allowed(actor, case, "panel-letter-draft")
    review = _require_review(case, "has a panel agree its letter", "letter_agreed_by_panel")
    case, moment = lock_for_change(case, expected_version=expected_version, occurred_at=occurred_at)
    meeting = panel_meeting(case, review)
    if meeting is None or meeting.status != Status.HELD:
        raise CaseStateError(PANEL_NOT_HELD)
    if outcome not in ("upheld", "partly_upheld", "not_upheld"):
        raise CaseInputError(BAD_OUTCOME, fields={"outcome": BAD_OUTCOME})
    if not text.strip():
        raise CaseInputError(NO_TEXT, fields={"text": NO_TEXT})
    record = _review_record(case, review, moment)
    if record.letter_sent_at:
        raise CaseStateError(ALREADY_SENT.format(when=_when(record.letter_sent_at)))
    record.letter_outcome, record.letter_text = outcome, text.strip()
    record.letter_draft += 1
    record.version += 1
    record.save(update_fields=["letter_outcome", "letter_text", "letter_draft", "version"])
    members = panel_members(meeting)
    _papers(
        f"{review.label}: draft decision letter {record.letter_draft} for complaint {case.reference}",
        f"Draft {record.letter_draft} of the decision letter for complaint {case.reference} "
        "is ready for you to read and agree in PutRight.",
        [_email_of(m) for m in members],
    )
    words = f"Draft decision letter {record.letter_draft} circulated to the panel"
    _chronology(
        case,
        actor,
        f"{words} ({', '.join(m.name for m in members)}).",
        {"review": {"id": review.id, "draft": record.letter_draft}},
        moment,
    )
    return record


@transaction.atomic
def panel_letter_agree(
    *,
    case: Case,
    attendee: int | None = None,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Review:
    """Record a panel member's agreement to the current draft: their own, or, for a member
    without an account, recorded by a caseworker."""
    _allowed(actor, case, "panel-letter-agree")
    review = _require_review(case, "has a panel agree its letter", "letter_agreed_by_panel")
    case, moment = lock_for_change(case, expected_version=expected_version, occurred_at=occurred_at)
    record = _review_record(case, review, moment)
    meeting = panel_meeting(case, review)
    if meeting is None or not record.letter_draft:
        raise CaseStateError(NO_DRAFT.format(what="agree"))
    if record.letter_sent_at:
        raise CaseStateError(ALREADY_SENT.format(when=_when(record.letter_sent_at)))
    members = panel_members(meeting)
    if attendee is None:
        member = next((m for m in members if actor.user and m.user_id == actor.user.pk), None)
        if member is None:
            name = actor.label
            raise NotPermittedError(
                NOT_ON_PANEL.format(name=name), rule=_rule(review, "seats"), source=review.source
            )
    else:
        member = next((m for m in members if m.pk == attendee), None)
        if member is None:
            raise CaseInputError(
                NOT_ON_PANEL.format(name=f"Attendee {attendee}"),
                fields={"attendee": "Not on this panel."},
            )
        if member.user_id and (actor.user is None or actor.user.pk != member.user_id):
            raise NotPermittedError(
                ONLY_THEMSELVES.format(name=member.name),
                rule=_rule(review, "letter_agreed_by_panel"),
                source=review.source,
            )
        if not member.user_id and actor.user is not None:
            require_action(actor.user, case, "panel-letter-draft")
    _, created = LetterAgreement.objects.get_or_create(
        review=record,
        attendee=member,
        draft=record.letter_draft,
        defaults={"agreed_at": moment, "recorded_by": actor.user},
    )
    if not created:
        raise CaseStateError(ALREADY_AGREED.format(name=member.name, draft=record.letter_draft))
    record.version += 1
    record.save(update_fields=["version"])
    _chronology(
        case,
        actor,
        f"{member.name} agreed draft decision letter {record.letter_draft}.",
        {"review": {"id": review.id, "draft": record.letter_draft, "agreed_by": member.pk}},
        moment,
    )
    return record


def waiting_for(record: Review, meeting: Meeting) -> list[Attendee]:
    """The panel members who have not agreed the current draft."""
    agreed = set(
        record.agreements.filter(draft=record.letter_draft).values_list("attendee_id", flat=True)
    )
    return [m for m in panel_members(meeting) if m.pk not in agreed]


@transaction.atomic
def panel_letter_send(
    *,
    case: Case,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Review:
    """Send the agreed decision letter: the stage's response, once every member agreed."""
    _allowed(actor, case, "panel-letter-send")
    review = _require_review(case, "has a panel agree its letter", "letter_agreed_by_panel")
    case, moment = lock_for_change(case, expected_version=expected_version, occurred_at=occurred_at)
    record = _review_record(case, review, moment)
    meeting = panel_meeting(case, review)
    if meeting is None or not record.letter_draft:
        raise CaseStateError(NO_DRAFT.format(what="send"))
    if record.letter_sent_at:
        raise CaseStateError(ALREADY_SENT.format(when=_when(record.letter_sent_at)))
    missing = waiting_for(record, meeting)
    if missing:
        raise PolicyRuleError(
            NOT_AGREED.format(draft=record.letter_draft, names=", ".join(m.name for m in missing)),
            rule=_rule(review, "letter_agreed_by_panel"),
            source=review.source,
        )
    record.letter_sent_at = moment
    record.version += 1
    record.save(update_fields=["letter_sent_at", "version"])
    case_respond(
        case=case,
        actor=actor,
        outcome=record.letter_outcome,
        text=record.letter_text,
        occurred_at=moment,
    )
    return record
