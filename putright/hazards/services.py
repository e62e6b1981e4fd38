"""Every change to a hazard: screening a contact, raising one by hand, and each step Awaab's
Law times. Each is one transaction: the hazard, its history (record type ``hazard``) and its
clocks change together. Who may take each step is decided here, through ``require_action``
(``ACTION_ROLES`` in ``putright/accounts/access.py``), so no interface can differ.

The clocks come from the hazards pack (``packs.hazard_pack_for``): those counting from
awareness start when the hazard is recorded, at the moment the report was received; those
counting from the investigation start when it is recorded as ended. Each step stops the
clocks the pack says it stops. Dismissing a hazard stops its clocks; closing its case does not.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from putright.accounts.access import require_action
from putright.accounts.actors import Actor
from putright.accounts.models import User
from putright.cases.models import Case
from putright.cases.services import case_flag_from_screen
from putright.domain.errors import PackError
from putright.errors import CaseInputError, CaseStateError, ConflictError
from putright.timeline.models import Clock
from putright.timeline.services import clock_start, clock_stop, record_event

from .models import Hazard, HazardLetter, Origin, Severity, Status
from .packs import builtin_triage, hazard_pack_for, triage_for
from .rules import ClockRule, HazardPack, coverage, unknown_tenure_note
from .screening import Screen, screen

logger = logging.getLogger(__name__)

RECORD_TYPE = "hazard"

# The kinds of entry in a hazard's history.
SUSPECTED = "hazard_suspected"
RAISED = "hazard_raised"
CONFIRMED = "hazard_confirmed"
DISMISSED = "hazard_dismissed"
INVESTIGATED = "hazard_investigated"
SUMMARY_SENT = "summary_sent"
MADE_SAFE = "made_safe"
WORKS_STARTED = "works_started"
RESOLVED = "hazard_resolved"
SEVERITY_CHANGED = "severity_changed"

# Messages (asserted exactly by the tests).
FUTURE = "That time is in the future. Give when it actually happened."
BEFORE_AWARE = "That is before the landlord became aware of the hazard ({aware})."
STALE = "Someone else changed this hazard since you opened it. Check it and try again."
UNKNOWN_KIND = "Choose one of the kinds of hazard: {kinds}."
NOT_SUSPECTED = "Only a suspected hazard can be confirmed; this one is {status}."
FINISHED = "This hazard is {status}: nothing more can be recorded on it."
ALREADY = "That is already recorded on this hazard ({when})."
NEEDS_INVESTIGATION = "Record the investigation first: the summary and further works follow it."
NEEDS_CONFIRMED = "Confirm the hazard first: only a confirmed hazard is made safe."
NEEDS_SAFE = "Record that the home was made safe first."
NO_REASON = "Say why the hazard is dismissed."
NO_FINDINGS = "Say what the investigation found."
NO_PLAN = "Say what will be done, and when."
NO_OWNER = "There is no member of staff {username!r} here who can see the case."


def _now() -> datetime.datetime:
    return timezone.now()


def _moment(
    occurred_at: datetime.datetime | None, *, not_before: datetime.datetime | None = None
) -> datetime.datetime:
    """When it happened: now by default; never in the future, never before awareness."""
    now = _now()
    if occurred_at is None:
        return now
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    if occurred_at > now + datetime.timedelta(minutes=1):
        raise CaseInputError(FUTURE, fields={"occurred_at": FUTURE})
    if not_before is not None and occurred_at < not_before:
        message = BEFORE_AWARE.format(aware=f"{timezone.localtime(not_before):%H:%M on %-d %B %Y}")
        raise CaseInputError(message, fields={"occurred_at": message})
    return occurred_at


def _allowed(actor: Actor, case: Case, action: str) -> None:
    """A person must hold a role that may take the step (the system screens as itself)."""
    if actor.user is not None:
        require_action(actor.user, case, action)


def _lock(hazard: Hazard, expected_version: int | None) -> Hazard:
    locked = (
        Hazard.objects.select_for_update().select_related("case", "organisation").get(pk=hazard.pk)
    )
    if expected_version is not None and expected_version != locked.version:
        raise ConflictError(STALE)
    return locked


def _require_open(hazard: Hazard) -> None:
    if not hazard.is_open:
        raise CaseStateError(FINISHED.format(status=hazard.get_status_display().lower()))


def _save(hazard: Hazard, *fields: str) -> Hazard:
    hazard.version += 1
    hazard.save(update_fields=[*fields, "version"])
    return hazard


def _event(hazard: Hazard, entry: str, actor: Actor, at: datetime.datetime, **data: Any) -> None:
    record_event(
        record_type=RECORD_TYPE,
        record_id=hazard.pk,
        organisation=hazard.organisation,
        kind=entry,
        actor=actor,
        occurred_at=at,
        data={"case": hazard.case.reference, **data},
    )


def _tenure(case: Case) -> str | None:
    return case.customer.tenure if case.customer_id and case.customer else None


# -- clocks -------------------------------------------------------------------------------


def _start_clocks(
    hazard: Hazard, pack: HazardPack, counts_from: str, at: datetime.datetime, actor: Actor
) -> None:
    if not hazard.statutory:
        return
    for rule in pack.duty(hazard.severity).clocks:
        if rule.counts_from == counts_from:
            _start(hazard, rule, at, actor)


def _start(hazard: Hazard, rule: ClockRule, at: datetime.datetime, actor: Actor) -> Clock:
    return clock_start(
        record_type=RECORD_TYPE,
        record_id=hazard.pk,
        organisation=hazard.organisation,
        step=rule.step,
        label=rule.label,
        unit=rule.unit,
        amount=rule.amount,
        started_at=at,
        owner=hazard.owner,
        team=hazard.team,
        source=rule.source,
        counted_from=(
            "becoming aware of the hazard"
            if rule.counts_from == "awareness"
            else "the end of the investigation"
        ),
        actor=actor,
    )


def _stop_clocks(
    hazard: Hazard, pack: HazardPack, step: str | None, at: datetime.datetime, actor: Actor
) -> list[str]:
    """Stop the open clocks the step stops (every open one when ``step`` is None)."""
    wanted = {
        r.step for r in pack.duty(hazard.severity).clocks if step is None or r.stopped_by == step
    }
    stopped = []
    for clock in Clock.objects.filter(
        record_type=RECORD_TYPE, record_id=hazard.pk, completed_at__isnull=True
    ):
        if step is None or clock.step in wanted:
            clock_stop(
                record_type=RECORD_TYPE,
                record_id=hazard.pk,
                organisation=hazard.organisation,
                step=clock.step,
                actor=actor,
                completed_at=max(at, clock.started_at),
            )
            stopped.append(clock.step)
    return stopped


# -- recording a hazard -------------------------------------------------------------------


def _open(
    *,
    case: Case,
    kind: str,
    severity: str,
    origin: str,
    aware_at: datetime.datetime,
    actor: Actor,
    triggers: list[dict[str, Any]],
    signs: list[dict[str, Any]],
    description: str = "",
) -> Hazard:
    pack = hazard_pack_for(case.organisation)
    tenure = _tenure(case)
    aware_on = timezone.localdate(aware_at)
    covered = coverage(pack, kind=kind, severity=severity, aware_on=aware_on, tenure=tenure)
    note = unknown_tenure_note(pack, tenure) if covered.statutory else ""
    hazard = Hazard.objects.create(
        organisation=case.organisation,
        case=case,
        kind=kind,
        severity=severity,
        status=Status.SUSPECTED,
        origin=origin,
        triggers=triggers,
        signs=signs,
        description=description,
        pack=pack.id,
        pack_version=pack.version,
        phase=covered.phase,
        statutory=covered.statutory,
        coverage=" ".join(part for part in (covered.reason, note) if part),
        aware_at=aware_at,
        # Its clocks are owed by the case's handler, or whoever raised it by hand, until
        # someone confirms it and takes them.
        owner=case.handler if case.handler_id else (actor.user if origin == Origin.HAND else None),
        team=pack.owner_team,
        created_at=_now(),
    )
    _event(
        hazard,
        RAISED if origin == Origin.HAND else SUSPECTED,
        actor,
        aware_at if origin != Origin.HAND else _now(),
        kind=kind,
        severity=severity,
        triggers=[t.get("found", "") for t in triggers],
        statutory=covered.statutory,
        coverage=hazard.coverage,
    )
    _start_clocks(hazard, pack, "awareness", aware_at, actor)
    return hazard


def _text_of(case: Case) -> str:
    return "\n".join(part for part in (case.summary, case.details, case.desired_outcome) if part)


@transaction.atomic(durable=False)
def screen_contact(*, case: Case, actor: Actor) -> list[Hazard]:
    """Screen a contact just received for possible hazards; each found is recorded as
    suspected, with the words that raised it, the signs of vulnerability or safeguarding in
    the same words, and its clocks from the moment of receipt. A case flagged "health and
    safety" by hand with no hazard in its words becomes a suspected hazard too. The hazard
    sits alongside the case; a sign of vulnerability or of safeguarding, with or without a
    hazard, raises the case's own flag of that name, with the words, as an event."""
    try:
        triage = triage_for(case.organisation)
    except PackError:
        # A landlord's own lexicon that does not load must not stop a complaint being recorded.
        logger.exception("the organisation's triage file is not valid; using the built-in one")
        triage = builtin_triage()
    found: Screen = screen(triage, _text_of(case), category=case.category)
    signs = [
        {"id": s.id, "label": s.label, "kind": s.kind, "found": [t.found for t in s.triggers]}
        for s in found.signs
    ]
    hazards = []
    for finding in found.hazards:
        hazards.append(
            _open(
                case=case,
                kind=finding.kind,
                severity=finding.severity,
                origin=Origin.SCREEN,
                aware_at=case.received_at,
                actor=actor,
                triggers=[
                    {"term": t.term, "found": t.found, "emergency": t.emergency}
                    for t in finding.triggers
                ],
                signs=signs,
            )
        )
    # A sign of vulnerability or of safeguarding raises the case's own flag, with or
    # without a hazard in the same words: it changes how the whole complaint is handled.
    for flag in ("vulnerability", "safeguarding"):
        case_flag_from_screen(
            case=case,
            actor=actor,
            flag=flag,
            signs=[s for s in signs if s["kind"] == flag],
            source=f"triage {triage.id} {triage.version}",
        )
    if case.health_and_safety and not hazards:
        hazards.append(
            _open(
                case=case,
                kind="other",
                severity=Severity.SIGNIFICANT,
                origin=Origin.FLAG,
                aware_at=case.received_at,
                actor=actor,
                triggers=[{"term": "flag", "found": "health and safety", "emergency": False}],
                signs=signs,
            )
        )
    return hazards


@transaction.atomic
def hazard_raise(
    *,
    case: Case,
    kind: str,
    severity: str,
    description: str,
    actor: Actor,
    aware_at: datetime.datetime | None = None,
) -> Hazard:
    """Record a hazard by hand on a case; the landlord became aware when the case was received
    unless another time is given."""
    _allowed(actor, case, "hazard-raise")
    pack = hazard_pack_for(case.organisation)
    if pack.kind(kind) is None:
        message = UNKNOWN_KIND.format(kinds=", ".join(k.id for k in pack.kinds))
        raise CaseInputError(message, fields={"kind": message})
    if severity not in Severity.values:
        message = f"Choose one of: {', '.join(Severity.values)}."
        raise CaseInputError(message, fields={"severity": message})
    if aware_at is None:
        aware_at = case.received_at
    else:
        aware_at = _moment(aware_at)
        if aware_at < case.received_at - datetime.timedelta(days=366):
            message = "Give when the landlord became aware: at most a year before the case."
            raise CaseInputError(message, fields={"aware_at": message})
    return _open(
        case=case,
        kind=kind,
        severity=severity,
        origin=Origin.HAND,
        aware_at=aware_at,
        actor=actor,
        triggers=[],
        signs=[],
        description=description.strip(),
    )


def _owner(case: Case, username: str | None, actor: Actor) -> User | None:
    from putright.cases.access import cases_visible_to

    if not username:
        return actor.user
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or not cases_visible_to(user).filter(pk=case.pk).exists():
        message = NO_OWNER.format(username=username)
        raise CaseInputError(message, fields={"owner": message})
    return user


@transaction.atomic
def hazard_confirm(
    *,
    hazard: Hazard,
    actor: Actor,
    severity: str | None = None,
    owner: str | None = None,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Hazard:
    """Confirm a suspected hazard, at the severity staff judge; its owner (you unless named)
    owes its clocks. A new severity restarts the clocks from awareness under its own duty."""
    hazard = _lock(hazard, expected_version)
    _allowed(actor, hazard.case, "hazard-confirm")
    if hazard.status != Status.SUSPECTED:
        raise CaseStateError(NOT_SUSPECTED.format(status=hazard.get_status_display().lower()))
    if severity is not None and severity not in Severity.values:
        message = f"Choose one of: {', '.join(Severity.values)}."
        raise CaseInputError(message, fields={"severity": message})
    moment = _moment(occurred_at, not_before=hazard.aware_at)
    pack = hazard_pack_for(hazard.organisation)
    hazard.owner = _owner(hazard.case, owner, actor)
    hazard.status = Status.CONFIRMED
    hazard.confirmed_at = moment
    fields = ["owner", "status", "confirmed_at"]
    if severity and severity != hazard.severity:
        _stop_clocks(hazard, pack, None, moment, actor)
        previous, hazard.severity = hazard.severity, severity
        covered = coverage(
            pack,
            kind=hazard.kind,
            severity=severity,
            aware_on=timezone.localdate(hazard.aware_at),
            tenure=_tenure(hazard.case),
        )
        hazard.statutory, hazard.phase, hazard.coverage = (
            covered.statutory,
            covered.phase,
            covered.reason,
        )
        fields += ["severity", "statutory", "phase", "coverage"]
        _event(hazard, SEVERITY_CHANGED, actor, moment, previous=previous, severity=severity)
        _start_clocks(hazard, pack, "awareness", hazard.aware_at, actor)
        if hazard.investigated_at is not None:
            _stop_clocks(hazard, pack, "investigated", hazard.investigated_at, actor)
            _start_clocks(hazard, pack, "investigated", hazard.investigated_at, actor)
    Clock.objects.filter(
        record_type=RECORD_TYPE, record_id=hazard.pk, completed_at__isnull=True
    ).update(owner=hazard.owner)
    _event(
        hazard,
        CONFIRMED,
        actor,
        moment,
        severity=hazard.severity,
        owner_id=hazard.owner.pk if hazard.owner else None,
    )
    return _save(hazard, *fields)


@transaction.atomic
def hazard_dismiss(
    *,
    hazard: Hazard,
    reason: str,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Hazard:
    """Dismiss a hazard (no hazard, or not about the home), with the reason; its clocks stop."""
    hazard = _lock(hazard, expected_version)
    _allowed(actor, hazard.case, "hazard-dismiss")
    if hazard.status not in (Status.SUSPECTED, Status.CONFIRMED):
        raise CaseStateError(FINISHED.format(status=hazard.get_status_display().lower()))
    if not reason.strip():
        raise CaseInputError(NO_REASON, fields={"reason": NO_REASON})
    moment = _moment(occurred_at, not_before=hazard.aware_at)
    stopped = _stop_clocks(hazard, hazard_pack_for(hazard.organisation), None, moment, actor)
    hazard.status = Status.DISMISSED
    hazard.dismissed_at = moment
    hazard.dismissed_reason = reason.strip()
    _event(hazard, DISMISSED, actor, moment, reason=hazard.dismissed_reason, stopped=stopped)
    return _save(hazard, "status", "dismissed_at", "dismissed_reason")


@transaction.atomic
def hazard_investigated(
    *,
    hazard: Hazard,
    findings: str,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Hazard:
    """The investigation ended (when it did): the summary, safety work and further works
    clocks start from then."""
    hazard = _lock(hazard, expected_version)
    _allowed(actor, hazard.case, "hazard-investigated")
    _require_open(hazard)
    if hazard.investigated_at:
        raise CaseStateError(ALREADY.format(when=_when(hazard.investigated_at)))
    if not findings.strip():
        raise CaseInputError(NO_FINDINGS, fields={"findings": NO_FINDINGS})
    moment = _moment(occurred_at, not_before=hazard.aware_at)
    pack = hazard_pack_for(hazard.organisation)
    hazard.investigated_at = moment
    hazard.findings = findings.strip()
    stopped = _stop_clocks(hazard, pack, "investigated", moment, actor)
    _event(hazard, INVESTIGATED, actor, moment, findings=hazard.findings, stopped=stopped)
    _start_clocks(hazard, pack, "investigated", moment, actor)
    return _save(hazard, "investigated_at", "findings")


def _when(at: datetime.datetime) -> str:
    return f"{timezone.localtime(at):%-d %B %Y, %H:%M}"


@transaction.atomic
def hazard_summary_sent(
    *,
    hazard: Hazard,
    found: str,
    will_do: str,
    actor: Actor,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Hazard:
    """The written summary to the tenant (what was found, what will be done and when) is
    issued as a letter from the pack and kept on the hazard."""
    from .letters import render_summary

    hazard = _lock(hazard, expected_version)
    _allowed(actor, hazard.case, "hazard-summary-sent")
    _require_open(hazard)
    if hazard.investigated_at is None:
        raise CaseStateError(NEEDS_INVESTIGATION)
    if hazard.summary_sent_at:
        raise CaseStateError(ALREADY.format(when=_when(hazard.summary_sent_at)))
    problems = {}
    if not found.strip():
        problems["found"] = NO_FINDINGS
    if not will_do.strip():
        problems["will_do"] = NO_PLAN
    if problems:
        raise CaseInputError(next(iter(problems.values())), fields=problems)
    moment = _moment(occurred_at, not_before=hazard.investigated_at)
    pack = hazard_pack_for(hazard.organisation)
    subject, html = render_summary(hazard, pack, found=found.strip(), will_do=will_do.strip())
    letter = HazardLetter.objects.create(
        hazard=hazard,
        template=pack.summary_letter.template,
        subject=subject,
        html=html,
        created_by=actor.user,
        created_at=moment,
    )
    hazard.summary_sent_at = moment
    stopped = _stop_clocks(hazard, pack, "summary_sent", moment, actor)
    _event(hazard, SUMMARY_SENT, actor, moment, letter_id=letter.pk, stopped=stopped)
    return _save(hazard, "summary_sent_at")


@transaction.atomic
def hazard_made_safe(
    *,
    hazard: Hazard,
    actor: Actor,
    note: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Hazard:
    """The safety work is done: the home is safe."""
    hazard = _lock(hazard, expected_version)
    _allowed(actor, hazard.case, "hazard-made-safe")
    if hazard.status != Status.CONFIRMED:
        if hazard.status == Status.SUSPECTED:
            raise CaseStateError(NEEDS_CONFIRMED)
        raise CaseStateError(FINISHED.format(status=hazard.get_status_display().lower()))
    moment = _moment(occurred_at, not_before=hazard.aware_at)
    stopped = _stop_clocks(hazard, hazard_pack_for(hazard.organisation), "made_safe", moment, actor)
    hazard.status = Status.MADE_SAFE
    hazard.made_safe_at = moment
    _event(hazard, MADE_SAFE, actor, moment, note=note.strip(), stopped=stopped)
    return _save(hazard, "status", "made_safe_at")


@transaction.atomic
def hazard_works_started(
    *,
    hazard: Hazard,
    actor: Actor,
    note: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Hazard:
    """The further work (to stop the hazard coming back) has started on site."""
    hazard = _lock(hazard, expected_version)
    _allowed(actor, hazard.case, "hazard-works-started")
    _require_open(hazard)
    if hazard.investigated_at is None:
        raise CaseStateError(NEEDS_INVESTIGATION)
    if hazard.works_started_at:
        raise CaseStateError(ALREADY.format(when=_when(hazard.works_started_at)))
    moment = _moment(occurred_at, not_before=hazard.investigated_at)
    pack = hazard_pack_for(hazard.organisation)
    stopped = _stop_clocks(hazard, pack, "works_started", moment, actor)
    hazard.works_started_at = moment
    _event(hazard, WORKS_STARTED, actor, moment, note=note.strip(), stopped=stopped)
    return _save(hazard, "works_started_at")


@transaction.atomic
def hazard_resolved(
    *,
    hazard: Hazard,
    actor: Actor,
    note: str = "",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Hazard:
    """The hazard is dealt with for good; any clock still running stops."""
    hazard = _lock(hazard, expected_version)
    _allowed(actor, hazard.case, "hazard-resolved")
    if hazard.status != Status.MADE_SAFE:
        if hazard.is_open:
            raise CaseStateError(NEEDS_SAFE)
        raise CaseStateError(FINISHED.format(status=hazard.get_status_display().lower()))
    moment = _moment(occurred_at, not_before=hazard.aware_at)
    stopped = _stop_clocks(hazard, hazard_pack_for(hazard.organisation), None, moment, actor)
    hazard.status = Status.RESOLVED
    hazard.resolved_at = moment
    _event(hazard, RESOLVED, actor, moment, note=note.strip(), stopped=stopped)
    return _save(hazard, "status", "resolved_at")
