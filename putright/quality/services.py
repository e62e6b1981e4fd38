"""The quality review: each quarter a sample of formal responses, chosen as the organisation
says, scored by a reviewer who did not send them."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from putright.accounts.access import (
    AccessDeniedError,
    NotVisibleError,
    may_review_quality,
    roles_in,
)
from putright.accounts.models import User
from putright.cases.errors import CaseInputError, CaseStateError
from putright.cases.models import CaseIssue, ComplaintPoint, Event, EventKind
from putright.cases.selectors import case_pack
from putright.domain.calendar import describe
from putright.organisations.models import Organisation, QualitySelection

from .checklist import CHECKLIST_KEYS, HIGHEST, LOWEST, STANDARDS, score
from .models import ResponseReview, ReviewSample

NOT_A_REVIEWER = "Only a manager reviews the quality of responses."
NO_ORGANISATION = "There is no organisation {organisation} that you work for."
ALREADY_DRAWN = "The sample for {quarter} was drawn on {on}; it is reviewed as drawn."
FUTURE_QUARTER = "{quarter} has not started yet: choose a quarter that has."
OWN_RESPONSE = "You sent this response; someone else must review it."
NOT_A_MARK = f"Choose a mark from {LOWEST} to {HIGHEST}."


def _require_reviewer(user: User, organisation: Organisation) -> None:
    """Refuse (404 outside the organisation, 403 within it) anyone who is not a reviewer."""
    if not roles_in(user, organisation.pk):
        raise NotVisibleError(NO_ORGANISATION.format(organisation=organisation.slug))
    if not may_review_quality(user, organisation):
        raise AccessDeniedError(NOT_A_REVIEWER)


def quarter_of(day: datetime.date) -> datetime.date:
    """The first day of the calendar quarter holding ``day``."""
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_after(start: datetime.date) -> datetime.date:
    month = start.month + 3
    return datetime.date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def quarter_label(start: datetime.date) -> str:
    """``Apr-Jun 2026``."""
    end = quarter_after(start) - datetime.timedelta(days=1)
    return f"{start:%b}-{end:%b} {start.year}"


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def formal_responses(organisation: Organisation, quarter_start: datetime.date) -> list[Event]:
    """The responses at a formal stage (stage 1 or later) sent in the quarter, in order."""
    events = (
        Event.objects.filter(
            case__organisation=organisation,
            kind=EventKind.RESPONDED,
            occurred_at__gte=_midnight(quarter_start),
            occurred_at__lt=_midnight(quarter_after(quarter_start)),
        )
        .select_related("case", "actor")
        .order_by("occurred_at", "pk")
    )
    formal = []
    for event in events:
        pack = case_pack(event.case)
        stage = next((s for s in pack.stages if s.id == event.stage), None)
        if stage is not None and stage.level >= 1:
            formal.append(event)
    return formal


def choose(events: Sequence[Event], *, size: int, selection: str, seed: str) -> list[Event]:
    """The sample: at random, or spread evenly (in turn) across handlers or service areas.
    The same seed chooses the same responses."""
    rng = random.Random(seed)
    events = sorted(events, key=lambda e: (e.occurred_at, e.pk))
    if len(events) <= size:
        return list(events)
    if selection == QualitySelection.RANDOM:
        return sorted(rng.sample(list(events), size), key=lambda e: (e.occurred_at, e.pk))

    def key(event: Event) -> str:
        if selection == QualitySelection.BY_HANDLER:
            return str(event.actor_id or event.actor_label)
        return event.case.service_area or ""

    groups: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        groups[key(event)].append(event)
    queues = [rng.sample(items, len(items)) for _k, items in sorted(groups.items())]
    chosen: list[Event] = []
    while len(chosen) < size:
        for queue in queues:
            if queue and len(chosen) < size:
                chosen.append(queue.pop())
    return sorted(chosen, key=lambda e: (e.occurred_at, e.pk))


@transaction.atomic
def sample_draw(
    *, organisation: Organisation, quarter_start: datetime.date, actor: User
) -> ReviewSample:
    """Choose the quarter's formal responses to review, as the organisation's settings say:
    once a quarter."""
    _require_reviewer(actor, organisation)
    quarter_start = quarter_of(quarter_start)
    label = quarter_label(quarter_start)
    if quarter_start > timezone.localdate():
        message = FUTURE_QUARTER.format(quarter=label)
        raise CaseInputError(message, fields={"quarter": message})
    drawn = ReviewSample.objects.filter(
        organisation=organisation, quarter_start=quarter_start
    ).first()
    if drawn is not None:
        raise CaseStateError(
            ALREADY_DRAWN.format(quarter=label, on=describe(timezone.localdate(drawn.drawn_at)))
        )
    events = formal_responses(organisation, quarter_start)
    size = organisation.quality_sample_size
    selection = organisation.quality_sample_selection
    chosen = choose(
        events, size=size, selection=selection, seed=f"{organisation.pk}:{quarter_start}"
    )
    try:
        with transaction.atomic():
            sample = ReviewSample.objects.create(
                organisation=organisation,
                quarter_start=quarter_start,
                size=size,
                selection=selection,
                responses_in_quarter=len(events),
                drawn_by=actor,
                drawn_at=timezone.now(),
            )
    except IntegrityError:
        raise CaseStateError(
            ALREADY_DRAWN.format(quarter=label, on=describe(timezone.localdate()))
        ) from None
    for event in chosen:
        pack = case_pack(event.case)
        stage = next(s for s in pack.stages if s.id == event.stage)
        ResponseReview.objects.create(
            sample=sample,
            case=event.case,
            response_sequence=event.sequence,
            stage=event.stage,
            stage_level=stage.level,
            responded_on=timezone.localdate(event.occurred_at),
            handler=event.actor,
            service_area=event.case.service_area,
        )
    return sample


def suggested_checklist(review: ResponseReview) -> dict[str, bool]:
    """What the record shows of the Code's checklist, for the reviewer to confirm."""
    case = review.case
    issues = list(CaseIssue.objects.filter(case=case, stage=review.stage).select_related("point"))
    defined = [p for p in case.points.all() if not p.added_at_response]
    answered = {i.point.number for i in issues if i.point is not None and i.outcome}
    in_force = {p.number for p in _defined_at(defined, review.stage)}
    event = case.events.filter(sequence=review.response_sequence).first()
    text = str((event.data or {}).get("text", "")) if event else ""
    letter_sent = case.events.filter(
        kind=EventKind.LETTER_SENT, data__about_event=review.response_sequence
    ).exists()
    actions = [a for i in issues for a in i.actions or []]
    return {
        "stage": letter_sent,
        "definition": bool(in_force),
        "decision": bool(issues or text) and in_force <= answered,
        "reasons": all(i.reasons.strip() for i in issues) if issues else bool(text.strip()),
        "remedy": all(
            i.remedy.strip() or i.actions
            for i in issues
            if i.outcome in ("upheld", "partly_upheld")
        ),
        "actions": all(a.get("due_on") for a in actions),
        "escalation": letter_sent,
    }


def _defined_at(points: Sequence[ComplaintPoint], stage: str) -> list[ComplaintPoint]:
    """The defined points a response at ``stage`` answered: this stage's, else the latest
    earlier stage's (as ``definition_in_force``)."""
    here = [p for p in points if p.stage == stage]
    if here or not points:
        return here
    latest = points[-1].stage
    return [p for p in points if p.stage == latest]


@transaction.atomic
def review_record(
    *,
    review: ResponseReview,
    actor: User,
    checklist: Mapping[str, bool],
    marks: Mapping[str, int | None],
    comments: str = "",
) -> ResponseReview:
    """Score a response against the Code's checklist and the standards; never one's own."""
    review = ResponseReview.objects.select_for_update().select_related("sample").get(pk=review.pk)
    _require_reviewer(actor, review.sample.organisation)
    if review.handler_id is not None and review.handler_id == actor.pk:
        raise AccessDeniedError(OWN_RESPONSE)
    problems = {
        s.key: NOT_A_MARK
        for s in STANDARDS
        if not isinstance(marks.get(s.key), int) or not LOWEST <= int(marks[s.key] or 0) <= HIGHEST
    }
    if problems:
        raise CaseInputError("Give a mark for each of the landlord's standards.", fields=problems)
    given = {s.key: int(marks[s.key] or 0) for s in STANDARDS}
    met = {key: bool(checklist.get(key)) for key in CHECKLIST_KEYS}
    result = score(met, given)
    review.checklist = met
    review.tone = given["tone"]
    review.plain_english = given["plain_english"]
    review.accuracy = given["accuracy"]
    review.comments = comments.strip()
    review.code_score = result.code
    review.standards_score = result.standards
    review.score = result.overall
    review.reviewer = actor
    review.reviewed_at = timezone.now()
    review.save()
    return review


@transaction.atomic
def settings_update(
    *, organisation: Organisation, actor: User, size: int, selection: str
) -> Organisation:
    """How many responses the quarter's sample holds and how they are chosen."""
    _require_reviewer(actor, organisation)
    problems = {}
    if not 1 <= size <= 200:
        problems["size"] = "Give a number from 1 to 200."
    if selection not in QualitySelection.values:
        problems["selection"] = "Choose how the responses are chosen."
    if problems:
        raise CaseInputError("Check the sample's settings.", fields=problems)
    organisation.quality_sample_size = size
    organisation.quality_sample_selection = selection
    organisation.save(update_fields=["quality_sample_size", "quality_sample_selection"])
    return organisation


__all__ = [
    "quarter_label",
    "quarter_of",
    "review_record",
    "sample_draw",
    "settings_update",
    "suggested_checklist",
]
