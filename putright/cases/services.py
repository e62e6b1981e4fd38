"""Every change to a case: one transaction each, each appending events to the chronology.

A service locks the case, checks the caller's version (two people acting at once:
the second is refused), asks the pack what is allowed, saves, appends its events
and recomputes the case's cached next dates. Nothing here is undone by hand: a
crash rolls the whole action back.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from putright.accounts.access import may_act, role_names
from putright.accounts.models import User
from putright.domain.actions import ActionKind, DueAction
from putright.domain.deadlines import State, check_extension
from putright.domain.errors import RuleViolationError
from putright.domain.policy import Escalation, Pack, Stage
from putright.organisations.models import Organisation, ReferenceCounter
from putright.organisations.services import organisation_calendar
from putright.people.models import Person, Representative
from putright.policies.registry import get_pack

from . import errors
from .errors import (
    CaseInputError,
    CaseStateError,
    ConflictError,
    NotPermittedError,
    PolicyRuleError,
)
from .models import (
    CLOSED_STAGE,
    Attachment,
    Case,
    CaseIssue,
    CaseLink,
    CaseMember,
    Channel,
    ClosureReason,
    Eligibility,
    Event,
    EventKind,
    Kind,
    LinkKind,
    Outcome,
    Status,
    SweepAction,
)
from .selectors import case_deadlines, case_due_actions, case_events, local_date, stage_events

SYSTEM = "deadline sweep"
logger = logging.getLogger(__name__)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/heic",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/plain",
}


@dataclass(frozen=True)
class Actor:
    """Who acts: a user, or the system with a label."""

    user: User | None = None
    label: str = ""

    @classmethod
    def system(cls, label: str = SYSTEM) -> Actor:
        return cls(user=None, label=label)


@dataclass(frozen=True)
class IssueOutcome:
    description: str
    outcome: str
    reasons: str = ""


# -- the mechanics every service shares ---------------------------------------------


def _moment(occurred_at: datetime.datetime | None, case: Case | None = None) -> datetime.datetime:
    """When it happened: now by default; never in the future, never before receipt."""
    now = timezone.now()
    if occurred_at is None:
        return now
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    if occurred_at > now + datetime.timedelta(minutes=1):
        raise CaseInputError(errors.FUTURE, fields={"occurred_at": errors.FUTURE})
    if case is not None and occurred_at < case.received_at:
        message = errors.BEFORE_RECEIPT.format(received=local_date(case.received_at).isoformat())
        raise CaseInputError(message, fields={"occurred_at": message})
    return occurred_at


def _lock(case: Case, expected_version: int | None) -> Case:
    """The case row locked for this transaction, refused if someone changed it meanwhile."""
    locked = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            errors.STALE_VERSION.format(current=locked.version, expected=expected_version)
        )
    return locked


def _append(
    case: Case,
    kind: str,
    actor: Actor,
    occurred_at: datetime.datetime,
    data: dict[str, Any] | None = None,
    *,
    stage: str | None = None,
    events: list[Event] | None = None,
) -> Event:
    """Append one event; ``events``, when given, is the case's chronology so far (kept up to date)."""
    if events is not None:
        last = events[-1].sequence if events else 0
    else:
        last = case.events.aggregate(last=Max("sequence"))["last"] or 0
    event = Event.objects.create(
        case=case,
        sequence=last + 1,
        kind=kind,
        stage=case.stage if stage is None else stage,
        actor=actor.user,
        actor_label=actor.label,
        occurred_at=occurred_at,
        recorded_at=timezone.now(),
        data=data or {},
    )
    if events is not None:
        events.append(event)
    if kind in (EventKind.CHASED, EventKind.ALERTED, EventKind.ACTION_OVERDUE):
        transaction.on_commit(partial(_tell_staff, event.pk), robust=True)
    return event


def _tell_staff(event_id: int) -> None:
    """Once the event is committed: e-mail the people it concerns, in the background."""
    from .tasks import tell_staff_of

    tell_staff_of.enqueue(event_id)


def _save(
    case: Case,
    *fields: str,
    events: Sequence[Event] | None = None,
    done: set[str] | None = None,
) -> None:
    """Save the changed fields, bump the version and recompute the cached dates."""
    case.version += 1
    _refresh_cached_dates(case, events, done=done)
    case.save(
        update_fields=[
            *fields,
            "version",
            "next_due_on",
            "next_due_step",
            "next_action_on",
            "updated_at",
        ]
    )


def _refresh_cached_dates(
    case: Case, events: Sequence[Event] | None = None, *, done: set[str] | None = None
) -> None:
    """The earliest open customer deadline and the next automatic action, for queues and the sweep."""
    if case.is_closed or not case.stage:
        case.next_due_on = None
        case.next_due_step = ""
        case.next_action_on = None
        return
    events = list(case_events(case) if events is None else events)
    today = timezone.localdate()
    deadlines = case_deadlines(case, today=today, events=events)
    open_deadlines = [
        d for d in deadlines if d.completed_on is None and d.state in (State.PENDING, State.MISSED)
    ]
    first = min(open_deadlines, key=lambda d: d.due, default=None)
    case.next_due_on = first.due if first else None
    case.next_due_step = f"{first.stage}:{first.step}" if first else ""
    if done is None:
        done = set(case.sweep_actions.values_list("key", flat=True))
    actions = case_due_actions(case, today=today, events=events, deadlines=deadlines)
    pending = [a for a in actions if a.key not in done]
    case.next_action_on = min((a.on for a in pending), default=None)


def _require_open(case: Case) -> None:
    if case.is_closed:
        raise CaseStateError(errors.CLOSED)


def _stage(case: Case) -> tuple[Pack, Stage]:
    pack = get_pack(case.policy_pack)
    if not case.stage or case.stage == CLOSED_STAGE:
        raise CaseStateError(errors.NO_STAGES.format(kind=case.get_kind_display(), action="do"))
    return pack, pack.stage(case.stage)


def _rule_error(error: RuleViolationError, field: str | None = None) -> PolicyRuleError:
    return PolicyRuleError(
        str(error),
        rule=error.rule,
        source=error.source,
        fields={field: str(error)} if field else None,
    )


def _next_reference(organisation: Organisation, year: int) -> str:
    """The next case number of the organisation's year, taken atomically in one statement."""
    table = ReferenceCounter._meta.db_table
    sql = (
        f"UPDATE {table} SET last = last + 1 "
        "WHERE organisation_id = %s AND year = %s RETURNING last"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation.pk, year])
        row = cursor.fetchone()
        if row is None:
            ReferenceCounter.objects.get_or_create(organisation=organisation, year=year)
            cursor.execute(sql, [organisation.pk, year])
            row = cursor.fetchone()
    return f"{organisation.reference_prefix}-{year}-{row[0]:05d}"


# -- intake -----------------------------------------------------------------------------


@transaction.atomic
def case_receive(
    *,
    organisation: Organisation,
    kind: str,
    channel: str,
    received_at: datetime.datetime,
    summary: str,
    actor: Actor,
    details: str = "",
    desired_outcome: str = "",
    customer: Person | None = None,
    representative: Representative | None = None,
    service_area: str = "",
    category: str = "",
    matter_occurred_on: datetime.date | None = None,
    flags: Iterable[str] = (),
) -> Case:
    """Record a contact as a case under the organisation's pack, with its first deadlines."""
    pack = get_pack(organisation.policy_pack)
    problems: dict[str, str] = {}
    if kind not in Kind.values:
        problems["kind"] = f"Choose one of: {', '.join(Kind.values)}."
    if channel not in Channel.values:
        problems["channel"] = f"Choose one of: {', '.join(Channel.values)}."
    if not summary.strip():
        problems["summary"] = "Say in a few words what the case is about."
    if pack.service_areas and service_area and service_area not in pack.service_areas:
        problems["service_area"] = f"Choose one of: {', '.join(pack.service_areas)}."
    if pack.categories and category and category not in pack.categories:
        problems["category"] = f"Choose one of: {', '.join(pack.categories)}."
    flag_set = set(flags)
    unknown_flags = flag_set - FLAGS
    if unknown_flags:
        problems["flags"] = f"Unknown flags: {', '.join(sorted(unknown_flags))}."
    if customer is not None and customer.organisation_id != organisation.pk:
        problems["customer"] = "That customer belongs to another organisation."
    if "anonymous" not in flag_set and customer is None:
        problems["customer"] = "Give the customer's details, or mark the case anonymous."
    if problems:
        raise CaseInputError("Some details are missing or wrong.", fields=problems)
    rule = pack.kind(kind)
    if rule is None:
        message = errors.KIND_NOT_ACCEPTED.format(pack=pack.id, kind=kind.replace("_", " "))
        raise PolicyRuleError(message, rule="kinds", fields={"kind": message})
    received_at = _moment(received_at)
    receipt = organisation_calendar(organisation).deemed_receipt(received_at)
    case = Case(
        reference=_next_reference(organisation, receipt.deemed.year),
        organisation=organisation,
        policy_pack=pack.id,
        kind=kind,
        channel=channel,
        received_at=received_at,
        deemed_received_on=receipt.deemed,
        matter_occurred_on=matter_occurred_on,
        summary=summary.strip(),
        details=details,
        desired_outcome=desired_outcome,
        customer=customer,
        representative=representative,
        service_area=service_area,
        category=category,
        stage=rule.starts_at or "",
        **{flag: True for flag in flag_set},
    )
    received = Event(
        sequence=1,
        kind=EventKind.RECEIVED,
        stage=case.stage,
        actor=actor.user,
        actor_label=actor.label,
        occurred_at=received_at,
        data={
            "channel": channel,
            "kind": kind,
            "deemed_received_on": receipt.deemed.isoformat(),
            "deemed_reason": receipt.reason,
            "start_stage": case.stage,
            "pack": pack.id,
            "pack_version": pack.version,
        },
    )
    # The first deadlines are known before anything is written: one insert each.
    _refresh_cached_dates(case, [received], done=set())
    case.save()
    received.case = case
    received.recorded_at = timezone.now()
    received.save()
    if rule.redirect_to:
        _close(
            case,
            ClosureReason.REDIRECTED,
            actor,
            received_at,
            note=f"Redirected to {rule.redirect_to}",
        )
        _save(case, "status", "closure_reason", "closed_at")
    return case


FLAGS = frozenset({"health_and_safety", "safeguarding", "vulnerability", "conduct", "anonymous"})


@transaction.atomic
def case_classify(
    *,
    case: Case,
    kind: str,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Change what kind of case this is, before any step of its stage has been taken."""
    case = _lock(case, expected_version)
    _require_open(case)
    pack = get_pack(case.policy_pack)
    rule = pack.kind(kind)
    if rule is None:
        message = errors.KIND_NOT_ACCEPTED.format(pack=pack.id, kind=kind.replace("_", " "))
        raise PolicyRuleError(message, rule="kinds", fields={"kind": message})
    moment = _moment(occurred_at, case)
    progressed = case.events.exclude(
        kind__in=[EventKind.RECEIVED, EventKind.CLASSIFIED, EventKind.NOTE, EventKind.ASSIGNED]
    ).exists()
    if progressed and rule.starts_at != case.stage:
        raise CaseStateError(
            "The case has moved on at its stage; record a new case, or make it formal instead."
        )
    previous = case.kind
    case.kind = kind
    case.stage = rule.starts_at or ""
    _append(
        case,
        EventKind.CLASSIFIED,
        actor,
        moment,
        {"from": previous, "kind": kind, "start_stage": case.stage},
    )
    if rule.redirect_to:
        _close(
            case, ClosureReason.REDIRECTED, actor, moment, note=f"Redirected to {rule.redirect_to}"
        )
        _save(case, "kind", "stage", "status", "closure_reason", "closed_at")
        return case
    _save(case, "kind", "stage")
    return case


@transaction.atomic
def case_decide_eligibility(
    *,
    case: Case,
    accepted: bool,
    actor: Actor,
    reason: str = "",
    exclusion: str = "",
    exception: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Accept the case, or refuse it under one of the pack's exclusions (and close it)."""
    case = _lock(case, expected_version)
    _require_open(case)
    pack = get_pack(case.policy_pack)
    moment = _moment(occurred_at, case)
    data: dict[str, Any] = {"accepted": accepted, "reason": reason}
    if exclusion:
        rule = next((e for e in pack.exclusions if e.id == exclusion), None)
        if rule is None:
            known = ", ".join(e.id for e in pack.exclusions) or "none"
            raise CaseInputError(
                f"The policy has no exclusion {exclusion!r} (it has: {known}).",
                fields={"exclusion": "Choose one of the policy's exclusions."},
            )
        data.update(exclusion=rule.id, exclusion_label=rule.label, source=rule.source)
        if exception:
            if exception not in {e.id for e in rule.exceptions}:
                raise CaseInputError(
                    f"{exception!r} is not an exception to {rule.id}.",
                    fields={"exception": "Choose one of the exclusion's exceptions."},
                )
            data["exception"] = exception
    if not accepted:
        if not exclusion:
            raise CaseInputError(
                "Name the exclusion in the policy that applies.",
                fields={"exclusion": "Required when the case is not accepted."},
            )
        if exception:
            raise CaseInputError(
                "An exception to the exclusion applies, so the case must be accepted.",
                fields={"exception": "An exception means the case is accepted."},
            )
        if not reason.strip():
            raise CaseInputError(
                "Explain the decision in words the customer will read.",
                fields={"reason": "Required when the case is not accepted."},
            )
    data["ombudsman_route"] = case.organisation.ombudsman_route
    case.eligibility = Eligibility.ACCEPTED if accepted else Eligibility.REFUSED
    case.eligibility_reason = reason
    _append(case, EventKind.ELIGIBILITY_DECIDED, actor, moment, data)
    fields = ["eligibility", "eligibility_reason"]
    if not accepted:
        _close(case, ClosureReason.REFUSED, actor, moment, note=reason)
        fields += ["status", "closure_reason", "closed_at"]
    _save(case, *fields)
    return case


# -- the steps of a stage ---------------------------------------------------------------


@transaction.atomic
def case_acknowledge(
    *,
    case: Case,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
    method: str = "",
) -> Case:
    """Acknowledge the case at its current stage (once per stage)."""
    case = _lock(case, expected_version)
    _require_open(case)
    _stage(case)
    moment = _moment(occurred_at, case)
    done = next(
        (e for e in stage_events(case, case_events(case)) if e.kind == EventKind.ACKNOWLEDGED), None
    )
    if done is not None:
        raise CaseStateError(
            errors.ALREADY_ACKNOWLEDGED.format(on=local_date(done.occurred_at).isoformat())
        )
    _append(case, EventKind.ACKNOWLEDGED, actor, moment, {"method": method} if method else {})
    _save(case)
    return case


@transaction.atomic
def case_assign(
    *,
    case: Case,
    actor: Actor,
    handler: User | None = None,
    investigator: User | None = None,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Give the case a handler or an investigator; stage 2 may need someone new."""
    case = _lock(case, expected_version)
    _require_open(case)
    if handler is None and investigator is None:
        raise CaseInputError(
            "Choose a handler or an investigator.", fields={"handler": "Required."}
        )
    moment = _moment(occurred_at, case)
    if handler is not None:
        _check_different_handler(case, handler)
    data: dict[str, Any] = {}
    fields = []
    if handler is not None:
        case.handler = handler
        data["handler_id"] = handler.pk
        fields.append("handler")
    if investigator is not None:
        case.investigator = investigator
        data["investigator_id"] = investigator.pk
        fields.append("investigator")
    _append(case, EventKind.ASSIGNED, actor, moment, data)
    _save(case, *fields)
    return case


def _earlier_handlers(case: Case) -> set[int]:
    """Everyone who handled the case at an earlier stage."""
    handlers: set[int] = set()
    for event in case_events(case):
        if event.kind == EventKind.ASSIGNED and event.stage != case.stage:
            handler_id = (event.data or {}).get("handler_id")
            if handler_id:
                handlers.add(int(handler_id))
    return handlers


def _check_different_handler(case: Case, handler: User) -> None:
    pack = get_pack(case.policy_pack)
    for stage in pack.stages:
        rule = stage.escalation
        if (
            rule
            and rule.different_handler
            and rule.to == case.stage
            and handler.pk in _earlier_handlers(case)
        ):
            raise PolicyRuleError(
                f"{handler} handled this case at {stage.label}; the policy says someone "
                f"else considers {pack.stage(case.stage).label}.",
                rule="escalation.different_handler",
                source=rule.source,
                fields={"handler": "Choose someone who did not handle the earlier stage."},
            )


def may_answer(case: Case, user: User, events: Sequence[Event]) -> bool:
    """Whether the user may answer the case at its stage (see ``_check_different_responder``)."""
    try:
        _check_different_responder(case, user, events)
    except NotPermittedError:
        return False
    return True


def _check_different_responder(case: Case, user: User, events: Sequence[Event]) -> None:
    """Where the pack says someone else considers this stage, whoever handled or answered an
    earlier stage may not answer it (the Code, 6.13)."""
    pack = get_pack(case.policy_pack)
    rule = next(
        (
            s.escalation
            for s in pack.stages
            if s.escalation and s.escalation.different_handler and s.escalation.to == case.stage
        ),
        None,
    )
    if rule is None:
        return
    for event in events:
        if event.stage == case.stage or event.stage not in {s.id for s in pack.stages}:
            continue
        answered = event.kind == EventKind.RESPONDED and event.actor_id == user.pk
        handled = (
            event.kind == EventKind.ASSIGNED and (event.data or {}).get("handler_id") == user.pk
        )
        if answered or handled:
            message = errors.SAME_RESPONDER.format(
                person=user,
                did="answered" if answered else "handled",
                earlier=pack.stage(event.stage).label,
                stage=pack.stage(case.stage).label,
            )
            raise NotPermittedError(
                message,
                rule="escalation.different_handler",
                source=rule.source,
                fields={"outcome": "Someone who did not handle the earlier stage must answer."},
            )


@transaction.atomic
def case_request_investigation(
    *,
    case: Case,
    actor: Actor,
    team: str,
    investigator: User | None = None,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Ask a team to investigate; the pack's investigator deadline and chase ladder start."""
    case = _lock(case, expected_version)
    _require_open(case)
    _stage(case)
    if not team.strip():
        raise CaseInputError("Name the team asked to investigate.", fields={"team": "Required."})
    moment = _moment(occurred_at, case)
    case.investigating_team = team.strip()
    fields = ["investigating_team"]
    data: dict[str, Any] = {"team": case.investigating_team}
    if investigator is not None:
        case.investigator = investigator
        data["investigator_id"] = investigator.pk
        fields.append("investigator")
    _append(case, EventKind.INVESTIGATION_REQUESTED, actor, moment, data)
    _save(case, *fields)
    return case


@transaction.atomic
def case_record_investigation(
    *,
    case: Case,
    actor: Actor,
    summary: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Record the investigating team's reply to the request at this stage."""
    case = _lock(case, expected_version)
    _require_open(case)
    _stage(case)
    moment = _moment(occurred_at, case)
    kinds = [e.kind for e in stage_events(case, case_events(case))]
    if EventKind.INVESTIGATION_REQUESTED not in kinds:
        raise CaseStateError(errors.NO_INVESTIGATION)
    _append(case, EventKind.INVESTIGATOR_REPLIED, actor, moment, {"summary": summary})
    _save(case)
    return case


@transaction.atomic
def case_chase(
    *,
    case: Case,
    actor: Actor,
    note: str = "",
    roles: Sequence[str] = (),
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Record a chase of whoever owes the next step."""
    case = _lock(case, expected_version)
    _require_open(case)
    moment = _moment(occurred_at, case)
    _append(case, EventKind.CHASED, actor, moment, {"note": note, "roles": list(roles)})
    _save(case)
    return case


@transaction.atomic
def case_extend(
    *,
    case: Case,
    actor: Actor,
    working_days: int,
    reason: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Extend the response deadline with a reason the pack allows, never past its cap."""
    case = _lock(case, expected_version)
    _require_open(case)
    pack, stage = _stage(case)
    moment = _moment(occurred_at, case)
    events = list(case_events(case))
    here = stage_events(case, events)
    if any(e.kind == EventKind.RESPONDED for e in here):
        raise CaseStateError(
            "The response at this stage has been sent; there is nothing to extend."
        )
    already = sum(int(e.data.get("working_days", 0)) for e in here if e.kind == EventKind.EXTENDED)
    try:
        check_extension(
            pack,
            stage_id=stage.id,
            route=case.route or None,
            already=already,
            requested=working_days,
            reason=reason,
        )
    except RuleViolationError as error:
        field = "reason" if error.rule == "extension.reasons" else "working_days"
        raise _rule_error(error, field) from None
    before = _response_due(case, events)
    data: dict[str, Any] = {"working_days": working_days, "reason": reason}
    planned = Event(
        case=case, kind=EventKind.EXTENDED, stage=case.stage, occurred_at=moment, data=data
    )
    after = _response_due(case, [*events, planned])
    rule = stage.extension_for(case.route or None)
    data.update(
        new_due=after.isoformat() if after else None,
        previous_due=before.isoformat() if before else None,
        tell=list(rule.tell) if rule else [],
        source=rule.source if rule else "",
    )
    _append(case, EventKind.EXTENDED, actor, moment, data)
    _save(case)
    return case


def _response_due(case: Case, events: Sequence[Event]) -> datetime.date | None:
    for deadline in case_deadlines(case, events=events):
        if deadline.stage == case.stage and deadline.step == "respond":
            return deadline.due
    return None


@transaction.atomic
def case_respond(
    *,
    case: Case,
    actor: Actor,
    outcome: str,
    text: str,
    issues: Sequence[IssueOutcome] = (),
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Send the response at this stage with an outcome (overall and per issue) and reasons."""
    case = _lock(case, expected_version)
    _require_open(case)
    _pack, stage = _stage(case)
    problems: dict[str, str] = {}
    if outcome not in Outcome.values:
        problems["outcome"] = "Choose upheld, partly_upheld or not_upheld."
    if not text.strip():
        problems["text"] = "Give the reasons for the decision."
    for index, issue in enumerate(issues):
        if issue.outcome not in Outcome.values:
            problems[f"issues[{index}].outcome"] = "Choose upheld, partly_upheld or not_upheld."
    if problems:
        raise CaseInputError("The response is incomplete.", fields=problems)
    moment = _moment(occurred_at, case)
    events = list(case_events(case))
    done = next((e for e in stage_events(case, events) if e.kind == EventKind.RESPONDED), None)
    if done is not None:
        raise CaseStateError(
            errors.ALREADY_RESPONDED.format(on=local_date(done.occurred_at).isoformat())
        )
    if actor.user is not None:
        _check_different_responder(case, actor.user, events)
    numbered = []
    first = case.issues.count() + 1
    for number, issue in enumerate(issues, start=first):
        CaseIssue.objects.create(
            case=case,
            number=number,
            description=issue.description,
            stage=case.stage,
            outcome=issue.outcome,
            reasons=issue.reasons,
        )
        numbered.append({"issue": number, "outcome": issue.outcome})
    _append(
        case,
        EventKind.RESPONDED,
        actor,
        moment,
        {"outcome": outcome, "text": text, "issues": numbered, "final": stage.final},
    )
    if stage.escalation is not None:
        case.status = Status.AWAITING_ESCALATION
    _save(case, "status")
    return case


# -- escalation -----------------------------------------------------------------------


def route_allowed(
    stage: Stage, route_id: str, *, previous_outcome: str, about: Sequence[str]
) -> str | None:
    """Why a route cannot be taken for this case, or None when it can."""
    route = stage.route(route_id)
    if route is None:
        return f"{stage.label} has no route {route_id!r}; it has: {', '.join(r.id for r in stage.routes)}."
    when = route.when
    if when.previous_outcomes and previous_outcome not in {o.value for o in when.previous_outcomes}:
        wanted = " or ".join(o.value.replace("_", " ") for o in when.previous_outcomes)
        return f"{route.label} is only for cases whose earlier outcome was {wanted}."
    if when.about and not set(when.about) & set(about):
        return f"{route.label} is only for dissatisfaction about {' or '.join(when.about)}."
    return None


@transaction.atomic
def case_escalate(
    *,
    case: Case,
    actor: Actor,
    route: str = "",
    reasons: str = "",
    about: Sequence[str] = (),
    accept_late: bool = False,
    late_reason: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Escalate at the customer's request, inside the window, to a route the pack allows."""
    case = _lock(case, expected_version)
    _require_escalatable(case)
    pack, stage = _stage(case)
    rule = stage.escalation
    if rule is None:
        raise CaseStateError(errors.FINAL_STAGE.format(stage=stage.label))
    moment = _moment(occurred_at, case)
    events = list(case_events(case))
    responded = next((e for e in stage_events(case, events) if e.kind == EventKind.RESPONDED), None)
    if responded is None:
        raise CaseStateError(errors.NOT_RESPONDED)
    target = pack.stage(rule.to)
    if rule.reasons_required and not reasons.strip():
        raise PolicyRuleError(
            "This policy asks the customer to say why they remain dissatisfied.",
            rule="escalation.reasons_required",
            source=rule.source,
            fields={"reasons": "Required by the policy."},
        )
    # Without a route (a resident asking through the portal), the handler chooses one later.
    if route:
        problem = route_allowed(
            target,
            route,
            previous_outcome=str(responded.data.get("outcome", "")),
            about=about,
        )
        if problem:
            raise PolicyRuleError(
                problem, rule="routes.when", source=target.source, fields={"route": problem}
            )
    late = False
    window = next(
        (
            d
            for d in case_deadlines(case, events=events)
            if d.stage == stage.id and d.step == "escalation_window"
        ),
        None,
    )
    if window is not None and local_date(moment) > window.due:
        late = True
        if rule.late_requests == "refuse":
            raise PolicyRuleError(
                f"The window to escalate closed on {window.due.isoformat()}; this policy refuses late requests.",
                rule="escalation.window_days",
                source=rule.source,
            )
        if rule.late_requests == "discretion" and not accept_late:
            raise PolicyRuleError(
                f"The window to escalate closed on {window.due.isoformat()}. A manager may accept "
                "the request late: record that decision with its reason.",
                rule="escalation.window_days",
                source=rule.source,
                fields={"accept_late": "A manager's decision is needed."},
            )
        if rule.late_requests == "discretion":
            _require_decision(case, actor, "accept-late-escalation", rule, window.due)
    data: dict[str, Any] = {
        "to_stage": target.id,
        "route": route,
        "reasons": reasons,
        "about": list(about),
        "late": late,
    }
    if late:
        data["late_reason"] = late_reason
    if case.is_closed:
        # The lapsed window closed the case; accepting a late request reopens it.
        _append(case, EventKind.REOPENED, actor, moment, {"reason": "late escalation accepted"})
        case.closure_reason = ""
        case.closed_at = None
    _append(case, EventKind.ESCALATION_REQUESTED, actor, moment, data)
    case.stage = target.id
    case.route = route
    case.status = Status.OPEN
    _save(case, "stage", "route", "status", "closure_reason", "closed_at")
    return case


def _require_decision(
    case: Case, actor: Actor, decision: str, rule: Escalation, closed: datetime.date
) -> None:
    """A late escalation is accepted only by a role the access rules give that decision to."""
    if actor.user is None or may_act(actor.user, case, decision):
        return
    roles = role_names(actor.user, case.organisation_id)
    message = errors.LATE_ESCALATION.format(closed=closed.isoformat(), roles=roles)
    raise NotPermittedError(
        message,
        rule="escalation.late_requests",
        source=rule.source,
        fields={"accept_late": "A manager's decision."},
    )


def _require_escalatable(case: Case) -> None:
    """Open, or closed only because the escalation window lapsed (a late request)."""
    if case.is_closed and case.closure_reason != ClosureReason.WINDOW_LAPSED:
        raise CaseStateError(errors.CLOSED)


@transaction.atomic
def case_choose_route(
    *,
    case: Case,
    actor: Actor,
    route: str,
    about: Sequence[str] = (),
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Choose the route of the current stage, among those the pack allows for this case."""
    case = _lock(case, expected_version)
    _require_open(case)
    _, stage = _stage(case)
    if not stage.routes:
        raise CaseStateError(f"{stage.label} has no routes to choose from.")
    outcome = ""
    for event in reversed(list(case_events(case))):
        if event.kind == EventKind.RESPONDED:
            outcome = str(event.data.get("outcome", ""))
            break
    problem = route_allowed(stage, route, previous_outcome=outcome, about=about)
    if problem:
        raise PolicyRuleError(
            problem, rule="routes.when", source=stage.source, fields={"route": problem}
        )
    moment = _moment(occurred_at, case)
    case.route = route
    _append(case, EventKind.ROUTE_CHOSEN, actor, moment, {"route": route, "about": list(about)})
    _save(case, "route")
    return case


@transaction.atomic
def case_refuse_escalation(
    *,
    case: Case,
    actor: Actor,
    ground: str,
    explanation: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Refuse to escalate on one of the pack's grounds; the case closes and the customer is told."""
    case = _lock(case, expected_version)
    _require_escalatable(case)
    _pack, stage = _stage(case)
    rule = stage.escalation
    if rule is None:
        raise CaseStateError(errors.FINAL_STAGE.format(stage=stage.label))
    grounds = {g.id: g for g in rule.refusal_grounds}
    if ground not in grounds:
        known = ", ".join(grounds) or "none"
        raise PolicyRuleError(
            f"{ground!r} is not a ground this policy gives for refusing escalation (it gives: {known}).",
            rule="escalation.refusal_grounds",
            source=rule.source,
            fields={"ground": "Choose one of the policy's grounds."},
        )
    if not explanation.strip():
        raise CaseInputError(
            "Explain the refusal in words the customer will read.",
            fields={"explanation": "Required."},
        )
    moment = _moment(occurred_at, case)
    _append(
        case,
        EventKind.ESCALATION_REFUSED,
        actor,
        moment,
        {
            "ground": ground,
            "ground_label": grounds[ground].label,
            "explanation": explanation,
            "source": grounds[ground].source or rule.source,
            "ombudsman_route": case.organisation.ombudsman_route,
        },
    )
    if not case.is_closed:
        _close(case, ClosureReason.REFUSED, actor, moment, note=explanation)
    _save(case, "status", "closure_reason", "closed_at")
    return case


@transaction.atomic
def case_make_formal(
    *,
    case: Case,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Turn an informal case into a formal complaint at the pack's first formal stage."""
    case = _lock(case, expected_version)
    _require_open(case)
    pack, stage = _stage(case)
    if stage.formal and stage.level >= 1:
        raise CaseStateError(errors.NOT_INFORMAL)
    target = pack.stage(stage.escalation.to) if stage.escalation else pack.first_formal_stage()
    if target is None:
        raise CaseStateError("The policy has no formal stage to move to.")
    moment = _moment(occurred_at, case)
    _make_formal(case, target, actor, moment, reason)
    _save(case, "stage", "kind", "status")
    return case


def _make_formal(
    case: Case,
    target: Stage,
    actor: Actor,
    moment: datetime.datetime,
    reason: str,
    events: list[Event] | None = None,
) -> None:
    _append(
        case,
        EventKind.MADE_FORMAL,
        actor,
        moment,
        {"to_stage": target.id, "reason": reason},
        events=events,
    )
    case.stage = target.id
    case.status = Status.OPEN
    if case.kind == Kind.DISSATISFACTION:
        case.kind = Kind.COMPLAINT


# -- closing and reopening -------------------------------------------------------------


def _close(
    case: Case,
    reason: str,
    actor: Actor,
    moment: datetime.datetime,
    *,
    note: str = "",
    events: list[Event] | None = None,
) -> None:
    _append(case, EventKind.CLOSED, actor, moment, {"reason": reason, "note": note}, events=events)
    case.status = Status.CLOSED
    case.closure_reason = reason
    case.closed_at = moment


@transaction.atomic
def case_close(
    *,
    case: Case,
    actor: Actor,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Close the case for one of the recognised reasons."""
    case = _lock(case, expected_version)
    _require_open(case)
    if reason not in ClosureReason.values:
        raise CaseInputError(
            f"Choose a reason: {', '.join(ClosureReason.values)}.", fields={"reason": "Required."}
        )
    moment = _moment(occurred_at, case)
    _close(case, reason, actor, moment, note=note)
    _save(case, "status", "closure_reason", "closed_at")
    return case


@transaction.atomic
def case_reopen(
    *,
    case: Case,
    actor: Actor,
    reason: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Reopen a closed case, for example on new evidence; the reason is recorded."""
    case = _lock(case, expected_version)
    if not case.is_closed:
        raise CaseStateError(errors.NOT_CLOSED)
    if not reason.strip():
        raise CaseInputError("Say why the case is reopened.", fields={"reason": "Required."})
    moment = _moment(occurred_at, case)
    _append(case, EventKind.REOPENED, actor, moment, {"reason": reason})
    case.status = _status_after_reopening(case)
    case.closure_reason = ""
    case.closed_at = None
    _save(case, "status", "closure_reason", "closed_at")
    return case


def _status_after_reopening(case: Case) -> str:
    """Open, or waiting for escalation when the current stage was answered and can escalate."""
    if not case.stage:
        return Status.OPEN
    stage = get_pack(case.policy_pack).stage(case.stage)
    answered = any(e.kind == EventKind.RESPONDED for e in stage_events(case, case_events(case)))
    return Status.AWAITING_ESCALATION if answered and stage.escalation else Status.OPEN


@transaction.atomic
def case_withdraw(
    *,
    case: Case,
    actor: Actor,
    note: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """The customer withdraws the case; it closes."""
    case = _lock(case, expected_version)
    _require_open(case)
    moment = _moment(occurred_at, case)
    _append(case, EventKind.WITHDRAWN, actor, moment, {"note": note})
    _close(case, ClosureReason.WITHDRAWN, actor, moment, note=note)
    _save(case, "status", "closure_reason", "closed_at")
    return case


# -- related cases --------------------------------------------------------------------


@transaction.atomic
def case_split(
    *,
    case: Case,
    actor: Actor,
    summaries: Sequence[str],
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> list[Case]:
    """Split a contact that raises several issues into linked cases, one per issue."""
    case = _lock(case, expected_version)
    _require_open(case)
    clean = [s.strip() for s in summaries if s.strip()]
    if not clean:
        raise CaseInputError(
            "Give the summary of each new case.", fields={"summaries": "Required."}
        )
    moment = _moment(occurred_at, case)
    created = []
    for summary in clean:
        child = case_receive(
            organisation=case.organisation,
            kind=case.kind,
            channel=case.channel,
            received_at=case.received_at,
            summary=summary,
            actor=actor,
            details=case.details,
            desired_outcome=case.desired_outcome,
            customer=case.customer,
            representative=case.representative,
            service_area=case.service_area,
            category=case.category,
            matter_occurred_on=case.matter_occurred_on,
            flags=[f for f in FLAGS if getattr(case, f)],
        )
        CaseLink.objects.create(from_case=child, to_case=case, kind=LinkKind.SPLIT_FROM)
        _append(
            child,
            EventKind.LINKED,
            actor,
            moment,
            {"kind": LinkKind.SPLIT_FROM, "case": case.reference},
        )
        _save(child)
        created.append(child)
    _append(case, EventKind.SPLIT, actor, moment, {"into": [c.reference for c in created]})
    _save(case)
    return created


@transaction.atomic
def case_link(
    *,
    case: Case,
    actor: Actor,
    other: Case,
    kind: str = LinkKind.RELATED,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Link two cases; a repeat dissatisfaction may become a complaint, as the pack says."""
    case = _lock(case, expected_version)
    if other.pk == case.pk:
        raise CaseInputError(
            "A case cannot be linked to itself.", fields={"other": "Choose another case."}
        )
    if other.organisation_id != case.organisation_id:
        raise CaseInputError(
            "Only cases of the same organisation can be linked.", fields={"other": "Not found."}
        )
    if kind not in LinkKind.values:
        raise CaseInputError(
            f"Choose a link: {', '.join(LinkKind.values)}.", fields={"kind": "Required."}
        )
    moment = _moment(occurred_at, case)
    _, created = CaseLink.objects.get_or_create(from_case=case, to_case=other, kind=kind)
    if not created:
        raise CaseStateError(f"{case.reference} is already linked to {other.reference}.")
    _append(case, EventKind.LINKED, actor, moment, {"kind": kind, "case": other.reference})
    fields = []
    pack = get_pack(case.policy_pack)
    rule = pack.kind(case.kind)
    if (
        kind == LinkKind.REPEAT_OF
        and rule is not None
        and rule.repeat_becomes_complaint
        and not case.is_closed
        and case.stage
        and not pack.stage(case.stage).formal
    ):
        target = pack.first_formal_stage()
        if target is not None:
            _make_formal(
                case,
                target,
                actor,
                moment,
                f"A repeat of {other.reference}: the policy treats it as a complaint.",
            )
            fields = ["stage", "kind", "status"]
    _save(case, *fields)
    return case


@transaction.atomic
def case_add_note(
    *,
    case: Case,
    actor: Actor,
    text: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Add a note to the chronology."""
    case = _lock(case, expected_version)
    if not text.strip():
        raise CaseInputError("Write the note.", fields={"text": "Required."})
    moment = _moment(occurred_at, case)
    _append(case, EventKind.NOTE, actor, moment, {"text": text})
    _save(case)
    return case


@transaction.atomic
def case_record_event(
    *,
    case: Case,
    actor: Actor,
    kind: str,
    data: dict[str, Any],
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Append a fact that another part of PutRight owns (a remedy, an award) to the chronology.

    Locks the case and checks its version like every other action, so the caller's change
    and the event commit together or not at all.
    """
    case = _lock(case, expected_version)
    moment = _moment(occurred_at, case)
    _append(case, kind, actor, moment, data)
    _save(case)
    return case


@transaction.atomic
def case_record_letter(
    *,
    case: Case,
    actor: Actor,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> Case:
    """Record in the chronology that a letter or e-mail went out (or a call is to be made)."""
    case = _lock(case, expected_version)
    _append(case, EventKind.LETTER_SENT, actor, timezone.now(), data)
    _save(case)
    return case


@transaction.atomic
def case_add_member(
    *,
    case: Case,
    actor: Actor,
    user: User,
    role: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Name someone on the case (a panel member, say), so that they may see it."""
    if role not in ("panel_member", "investigating_officer", "complaint_handler", "manager"):
        raise CaseInputError(
            "Choose the role they have on this case.", fields={"role": "Not recognised."}
        )
    case = _lock(case, expected_version)
    moment = _moment(occurred_at, case)
    _, created = CaseMember.objects.get_or_create(case=case, user=user, defaults={"role": role})
    if not created:
        raise CaseStateError(f"{user} is already named on {case.reference}.")
    _append(case, EventKind.MEMBER_ADDED, actor, moment, {"user_id": user.pk, "role": role})
    _save(case)
    return case


@transaction.atomic
def case_record_contact(
    *,
    case: Case,
    actor: Actor,
    summary: str,
    direction: str = "inbound",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Record contact with the customer (it resets a 'no contact' closure clock)."""
    case = _lock(case, expected_version)
    moment = _moment(occurred_at, case)
    _append(case, EventKind.CONTACTED, actor, moment, {"summary": summary, "direction": direction})
    _save(case)
    return case


@transaction.atomic
def case_mark_step_done(
    *,
    case: Case,
    actor: Actor,
    step: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Mark a milestone of the current stage as done (a panel meeting held, a report sent)."""
    case = _lock(case, expected_version)
    _require_open(case)
    _, stage = _stage(case)
    steps = {s.id for s in stage.steps_for(case.route or None)}
    if step not in steps:
        raise CaseInputError(
            f"{stage.label} has no step {step!r}.",
            fields={"step": f"Choose one of: {', '.join(sorted(steps))}."},
        )
    moment = _moment(occurred_at, case)
    _append(case, EventKind.STEP_DONE, actor, moment, {"step": step})
    _save(case)
    return case


@transaction.atomic
def case_attach(
    *,
    case: Case,
    actor: Actor,
    upload: UploadedFile[bytes],
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Attachment:
    """Attach a document (PDF, image, Office document or text; at most 10 MB)."""
    case = _lock(case, expected_version)
    stored_name = check_attachment(upload)
    content_type = (upload.content_type or "").split(";")[0].strip()
    moment = _moment(occurred_at, case)
    name = (upload.name or "attachment").rsplit("/", 1)[-1][:200]
    attachment = Attachment(
        case=case,
        name=name,
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor.user,
    )
    # Stored under the extension of the type its contents were recognised as, never the
    # extension it was sent with (``evil.html`` that is plain text is kept as ``evil.txt``).
    attachment.file.save(stored_name, upload, save=False)
    attachment.save()
    _append(
        case, EventKind.ATTACHMENT, actor, moment, {"attachment_id": attachment.pk, "name": name}
    )
    _save(case)
    return attachment


_MAGIC = {
    "application/pdf": (b"%PDF",),
    "image/png": (b"\x89PNG",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
    "application/msword": (b"\xd0\xcf\x11\xe0",),
    "application/vnd.ms-excel": (b"\xd0\xcf\x11\xe0",),
}


# The extension a file is stored under, from the type its contents were recognised as.
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/heic": ".heic",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/plain": ".txt",
}
_BLANK = b" \t\r\n\f\v"
_UTF8_BOM = b"\xef\xbb\xbf"


def _looks_like_markup(upload: UploadedFile[bytes]) -> bool:
    """Text whose first non-blank character opens a tag (``<html``, ``<svg``, ``<?xml``...).

    A browser that meets such a file may render it as a page; plain text never needs it.
    """
    upload.seek(0)
    try:
        first = True
        while chunk := bytes(upload.read(8192)):
            if first and chunk.startswith(_UTF8_BOM):
                chunk = chunk[len(_UTF8_BOM) :]
            first = False
            chunk = chunk.lstrip(_BLANK)
            if chunk:
                return chunk.startswith(b"<")
        return False
    finally:
        upload.seek(0)


def _stored_name(name: str | None, content_type: str) -> str:
    """The name a file is stored under: its own stem, the extension of its recognised type."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in stem).strip("_")
    return f"{safe[:100] or 'attachment'}{_EXTENSIONS[content_type]}"


def _content_matches(upload: UploadedFile[bytes], content_type: str) -> bool:
    """The first bytes of the file agree with the type it claims."""
    signatures = _MAGIC.get(content_type)
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    if content_type == "image/heic":
        return head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"mif1", b"msf1"}
    if signatures is None:
        return b"\x00" not in head  # text: no binary content
    return any(head.startswith(s) for s in signatures)


# -- the deadline sweep -------------------------------------------------------------------


@dataclass
class SweepReport:
    cases: int = 0
    actions: int = 0
    failures: int = 0


def sweep_case(case_id: int, *, today: datetime.date | None = None) -> int:
    """Take every due automatic action on one case, each exactly once; returns how many."""
    today = today or timezone.localdate()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=case_id)
        )
        if case.is_closed:
            return 0
        events = list(case_events(case))
        done = set(case.sweep_actions.values_list("key", flat=True))
        taken = 0
        for action in case_due_actions(case, today=today, events=events):
            if action.on > today or action.key in done:
                continue
            if case.is_closed:
                break
            SweepAction.objects.create(case=case, key=action.key, done_at=timezone.now())
            done.add(action.key)
            _take_action(case, action, events)
            taken += 1
        if taken:
            _save(
                case,
                "stage",
                "kind",
                "status",
                "closure_reason",
                "closed_at",
                events=events,
                done=done,
            )
        else:
            _refresh_cached_dates(case, events, done=done)
            Case.objects.filter(pk=case.pk).update(next_action_on=case.next_action_on)
        return taken


def _take_action(case: Case, action: DueAction, events: list[Event]) -> None:
    actor = Actor.system()
    moment = timezone.now()
    data = {
        "key": action.key,
        "step": action.step,
        "roles": list(action.roles),
        "description": action.description,
        "source": action.source,
    }
    if action.kind is ActionKind.CHASE:
        data["action"] = action.ladder_action.value if action.ladder_action else ""
        _append(case, EventKind.CHASED, actor, moment, data, events=events)
    elif action.kind is ActionKind.ALERT:
        _append(case, EventKind.ALERTED, actor, moment, data, events=events)
    elif action.kind is ActionKind.MAKE_FORMAL:
        pack = get_pack(case.policy_pack)
        stage = pack.stage(case.stage)
        target = pack.stage(stage.escalation.to) if stage.escalation else pack.first_formal_stage()
        if target is not None:
            _make_formal(case, target, actor, moment, action.description, events)
    elif action.kind is ActionKind.CLOSE and action.closure_reason is not None:
        _close(
            case, action.closure_reason.value, actor, moment, note=action.description, events=events
        )


def sweep(*, today: datetime.date | None = None, limit: int | None = None) -> SweepReport:
    """Act on every open case whose next automatic action has fallen due."""
    today = today or timezone.localdate()
    due = (
        Case.objects.exclude(status=Status.CLOSED)
        .filter(next_action_on__lte=today)
        .order_by("next_action_on", "pk")
        .values_list("pk", flat=True)
    )
    if limit:
        due = due[:limit]
    report = SweepReport()
    for case_id in list(due):
        report.cases += 1
        try:
            report.actions += sweep_case(case_id, today=today)
        except Exception:
            # One case's failure rolls back that case only; the others go on, and the
            # next sweep retries it (its actions were not recorded as taken).
            logger.exception("deadline sweep failed on case %s", case_id)
            report.failures += 1
    return report


def refresh_cached_dates(cases: Iterable[Case]) -> int:
    """Recompute cached dates (after a closure day or a pack changes); returns how many changed."""
    changed = 0
    for case in cases:
        before = (case.next_due_on, case.next_due_step, case.next_action_on)
        _refresh_cached_dates(case)
        if (case.next_due_on, case.next_due_step, case.next_action_on) != before:
            Case.objects.filter(pk=case.pk).update(
                next_due_on=case.next_due_on,
                next_due_step=case.next_due_step,
                next_action_on=case.next_action_on,
            )
            changed += 1
    return changed


__all__ = [
    "Actor",
    "IssueOutcome",
    "case_acknowledge",
    "case_add_member",
    "case_add_note",
    "case_assign",
    "case_attach",
    "case_chase",
    "case_choose_route",
    "case_classify",
    "case_close",
    "case_decide_eligibility",
    "case_escalate",
    "case_extend",
    "case_link",
    "case_make_formal",
    "case_mark_step_done",
    "case_receive",
    "case_record_contact",
    "case_record_investigation",
    "case_refuse_escalation",
    "case_reopen",
    "case_request_investigation",
    "case_respond",
    "case_split",
    "case_withdraw",
    "may_answer",
    "refresh_cached_dates",
    "sweep",
    "sweep_case",
]


def check_attachment(upload: UploadedFile[bytes]) -> str:
    """The checks ``case_attach`` makes on a file, before there is a case to attach it to.

    The resident portal calls it when a file is uploaded, so that a refusal is shown
    beside the field at once; ``case_attach`` checks again when the case is saved.
    Returns the name to store the file under: whatever its name said, the extension is
    the one of the type its contents were recognised as (text is always ``.txt``).
    """
    content_type = (upload.content_type or "").split(";")[0].strip()
    if content_type not in ALLOWED_ATTACHMENT_TYPES:
        raise CaseInputError(
            "The file must be a PDF, an image, an Office document or plain text.",
            fields={"file": "This type of file is not accepted."},
        )
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise CaseInputError("The file must be 10 MB or smaller.", fields={"file": "Too large."})
    if not _content_matches(upload, content_type):
        raise CaseInputError(
            "The file's contents do not match its type.",
            fields={"file": "This file looks damaged or mislabelled."},
        )
    if content_type == "text/plain" and _looks_like_markup(upload):
        raise CaseInputError(
            "The file is a web page or other markup, not plain text.",
            fields={"file": "Web pages, SVG and XML files are not accepted; send a PDF instead."},
        )
    return _stored_name(upload.name, content_type)
