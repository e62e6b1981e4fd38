"""``putright import cases``: an export of a housing or CRM system becomes cases with their
history, written in batches, each batch one transaction.

A row becomes a case whose chronology is the row's history (received, acknowledged,
responded, escalated or made formal, closed), each event at its original date and marked
``imported`` in its data, so the reports count it and the deadline engine derives its
deadlines like any other case's. The source's reference is kept (``ImportedCase``), with a
hash of the row: the same file again creates nothing, and a row changed since is reported,
never overwritten. Customers are matched (the source's person id, else the e-mail, else the
name and postcode) and each match is reported. Open cases are screened like any contact
(``jobs.CONTACT_SCREENS``) and every case's words go into the search index.
"""

from __future__ import annotations

import datetime
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from putright.accounts.actors import Actor
from putright.accounts.models import Membership, User
from putright.cases.models import (
    Case,
    ClosureReason,
    Eligibility,
    Event,
    EventKind,
    Kind,
    Status,
)
from putright.cases.selectors import case_deadlines, case_due_actions
from putright.domain.calendar import WorkingCalendar
from putright.domain.policy import Pack, Stage
from putright.jobs import contact_screens
from putright.organisations.models import Organisation, ReferenceCounter
from putright.organisations.selectors import pack_for
from putright.organisations.services import organisation_calendar
from putright.people.models import Person
from putright.people.services import RECORD_TYPE as PERSON_RECORD
from putright.people.services import default_contact
from putright.policies.registry import get_pack
from putright.search import index
from putright.timeline.models import Entry

from .mapping import Mapping
from .models import ImportedCase, ImportedPerson, ImportRun
from .reading import read_export
from .rows import Problem, SourceCase, read_row

BATCH = 1000
ACTOR_LABEL = "import"
PERSON_CREATED = "person_created"  # as people.services records a new person

# How a customer was found, in the report's words.
BY_SOURCE_ID = "the source's person id"
BY_EMAIL = "e-mail"
BY_NAME_POSTCODE = "name and postcode"
NEW = "new"

Progress = Callable[[int, int], None]


class ImportConflictError(Exception):
    """Another import wrote the same source references while this one ran."""


@dataclass
class RowOutcome:
    """What became of one row."""

    line: int
    reference: str
    outcome: str  # "create", "unchanged", "changed", "refused"
    case: str = ""  # PutRight's reference
    customer: str = ""  # how the customer was matched
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    file: str
    mapping: str
    organisation: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    open_cases: int = 0
    closed_cases: int = 0
    events: int = 0
    unchanged: int = 0
    changed: list[RowOutcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    customers: Counter[str] = field(default_factory=Counter)
    hazards: int = 0
    outcomes: list[RowOutcome] = field(default_factory=list)
    run: int | None = None
    seconds: float = 0.0

    @property
    def refused(self) -> int:
        return len({p.line for p in self.problems})

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "mapping": self.mapping,
            "organisation": self.organisation,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "open": self.open_cases,
            "closed": self.closed_cases,
            "events": self.events,
            "unchanged": self.unchanged,
            "changed": [
                {"line": o.line, "reference": o.reference, "case": o.case, "changes": o.changes}
                for o in self.changed
            ],
            "refused": self.refused,
            "problems": [{"line": p.line, "column": p.column, "why": p.why} for p in self.problems],
            "notes": [{"line": p.line, "column": p.column, "why": p.why} for p in self.notes],
            "customers": dict(self.customers),
            "hazards": self.hazards,
            "rows_detail": [
                {
                    "line": o.line,
                    "reference": o.reference,
                    "outcome": o.outcome,
                    "case": o.case,
                    "customer": o.customer,
                }
                for o in self.outcomes
            ],
            "run": self.run,
            "seconds": round(self.seconds, 2),
        }


# -- customers ------------------------------------------------------------------------


class _People:
    """The organisation's customers, indexed the three ways a row is matched to one.

    A key is a person's id, or a ``Person`` not yet saved (new in this file)."""

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self.by_source: dict[str, Any] = dict(
            ImportedPerson.objects.filter(organisation=organisation).values_list(
                "source_id", "person_id"
            )
        )
        self.by_email: dict[str, Any] = {}
        self.by_name: dict[tuple[str, str], Any] = {}
        people = Person.objects.filter(organisation=organisation, anonymised_at=None).order_by("pk")
        for pk, name, email, postcode in people.values_list("pk", "name", "email", "postcode"):
            if email:
                self.by_email.setdefault(email.casefold(), pk)
            if postcode:
                self.by_name.setdefault((_name_key(name), postcode), pk)
        self.new_people: list[Person] = []
        self.new_links: list[tuple[str, Any]] = []

    def match(self, row: SourceCase) -> tuple[Any, str]:
        c = row.customer
        how = NEW
        key: Any = None
        if c.source_id and c.source_id in self.by_source:
            key, how = self.by_source[c.source_id], BY_SOURCE_ID
        elif c.email and c.email.casefold() in self.by_email:
            key, how = self.by_email[c.email.casefold()], BY_EMAIL
        elif c.name and c.postcode and (_name_key(c.name), c.postcode) in self.by_name:
            key, how = self.by_name[(_name_key(c.name), c.postcode)], BY_NAME_POSTCODE
        if key is None:
            key = Person(
                organisation=self.organisation,
                name=c.name or f"Customer {c.source_id or c.email}",
                email=c.email,
                phone=c.phone,
                address=c.address,
                postcode=c.postcode,
                tenure=c.tenure,
                preferred_contact=default_contact(email=c.email, phone=c.phone),
            )
            self.new_people.append(key)
        if c.source_id and c.source_id not in self.by_source:
            self.by_source[c.source_id] = key
            self.new_links.append((c.source_id, key))
        if c.email:
            self.by_email.setdefault(c.email.casefold(), key)
        if c.name and c.postcode:
            self.by_name.setdefault((_name_key(c.name), c.postcode), key)
        return key, how

    def flush(self, *, actor: Actor, now: datetime.datetime, run: ImportRun) -> None:
        """Write the people new since the last flush, their history's first entry and the
        source ids that name them."""
        if self.new_people:
            Person.objects.bulk_create(self.new_people, batch_size=BATCH)
            Entry.objects.bulk_create(
                [
                    Entry(
                        record_type=PERSON_RECORD,
                        record_id=p.pk,
                        organisation=self.organisation,
                        sequence=1,
                        kind=PERSON_CREATED,
                        actor=actor.user,
                        actor_label=actor.label,
                        occurred_at=now,
                        recorded_at=now,
                        data={
                            "fields": [
                                f
                                for f in ("address", "email", "phone", "postcode")
                                if getattr(p, f)
                            ],
                            "preferred_contact": p.preferred_contact,
                            "tenure": p.tenure,
                            "imported": {"run": run.pk},
                        },
                    )
                    for p in self.new_people
                ],
                batch_size=BATCH,
            )
        if self.new_links:
            ImportedPerson.objects.bulk_create(
                [
                    ImportedPerson(organisation=self.organisation, source_id=s, person_id=_pk(k))
                    for s, k in self.new_links
                ],
                batch_size=BATCH,
            )
        # The indexes keep the new people themselves: saved, each has its id (``_pk``).
        self.new_people, self.new_links = [], []


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _pk(key: Any) -> int:
    return int(key.pk if isinstance(key, Person) else key)


# -- the import -------------------------------------------------------------------------


def import_cases(
    *,
    organisation: Organisation,
    path: Path,
    mapping: Mapping,
    dry_run: bool,
    actor: Actor | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH,
) -> ImportReport:
    """Read the export through the mapping and create the cases it holds that are not here
    yet; with ``dry_run``, report what would happen and write nothing. Raises
    ``reading.ExportError`` for a file that cannot be read."""
    began = time.monotonic()
    actor = actor or Actor.system(ACTOR_LABEL)
    sheet = read_export(path, mapping)
    report = ImportReport(
        file=path.name, mapping=mapping.source, organisation=organisation.slug, dry_run=dry_run
    )
    report.rows = len(sheet.rows)
    now = timezone.now()
    known = {
        ref: (line_hash, values, case_ref)
        for ref, line_hash, values, case_ref in ImportedCase.objects.filter(
            organisation=organisation
        ).values_list("source_reference", "row_hash", "values", "case__reference")
    }
    handlers = _handlers(organisation)
    calendar = organisation_calendar(organisation)
    packs: dict[datetime.date, Pack] = {}
    seen: dict[str, int] = {}
    todo: list[tuple[SourceCase, Pack]] = []
    for line, cells in sheet.rows:
        read = read_row(mapping, line, cells, now=now)
        if isinstance(read, list):
            report.problems.extend(read)
            ref = str(cells.get(mapping.columns.reference, ""))
            report.outcomes.append(RowOutcome(line, ref, "refused"))
            continue
        row = read
        if row.reference in seen:
            report.problems.append(
                Problem(
                    line,
                    mapping.columns.reference,
                    f"{row.reference!r} is also on line {seen[row.reference]}: each case once.",
                )
            )
            report.outcomes.append(RowOutcome(line, row.reference, "refused"))
            continue
        seen[row.reference] = line
        if row.reference in known:
            old_hash, old_values, case_ref = known[row.reference]
            if old_hash == row.row_hash():
                report.unchanged += 1
                report.outcomes.append(RowOutcome(line, row.reference, "unchanged", case_ref))
            else:
                outcome = RowOutcome(
                    line, row.reference, "changed", case_ref, changes=_changes(old_values, row)
                )
                report.changed.append(outcome)
                report.outcomes.append(outcome)
            continue
        deemed = calendar.deemed_receipt(row.received_at).deemed
        pack = packs.get(deemed)
        if pack is None:
            pack = packs[deemed] = get_pack(pack_for(organisation, deemed))
        problems = _against_pack(row, pack, mapping)
        if problems:
            report.problems.extend(problems)
            report.outcomes.append(RowOutcome(line, row.reference, "refused"))
            continue
        if row.handler and row.handler.casefold() not in handlers:
            report.notes.append(
                Problem(
                    line,
                    mapping.columns.handler,
                    f"{row.handler!r} is not a member of staff of {organisation.slug} "
                    "(by user name or e-mail): imported without a handler.",
                )
            )
        todo.append((row, pack))
    todo.sort(key=lambda item: (item[0].received_at, item[0].line))
    people = _People(organisation)
    total = len(todo)
    if progress:
        progress(0, total)
    run = None
    if not dry_run and todo:
        run = ImportRun.objects.create(
            organisation=organisation,
            file_name=path.name,
            file_sha256=sheet.sha256,
            mapping_name=mapping.name,
            started_at=now,
            started_by=actor.user,
        )
        report.run = run.pk
    for start in range(0, total, batch_size):
        batch = todo[start : start + batch_size]
        if dry_run:
            for row, pack in batch:
                _key, how = people.match(row)
                report.customers[how] += 1
                plan = _plan(row, pack)
                report.created += 1
                report.events += plan.events
                report.closed_cases += plan.closed
                report.open_cases += not plan.closed
                report.outcomes.append(RowOutcome(row.line, row.reference, "create", customer=how))
            people.new_people, people.new_links = [], []
        else:
            assert run is not None
            try:
                _write_batch(
                    batch, organisation, calendar, people, handlers, actor, now, run, report
                )
            except IntegrityError:
                raise ImportConflictError(
                    f"Rows from line {batch[0][0].line} were imported by another run at the same "
                    f"time; nothing of this batch was written ({report.created:,} cases were). "
                    "Run the import again: what is already in is skipped."
                ) from None
        if progress:
            progress(min(start + batch_size, total), total)
    report.seconds = time.monotonic() - began
    if run is not None:
        run.finished_at = timezone.now()
        run.counts = {
            k: v
            for k, v in report.as_dict().items()
            if k not in ("problems", "notes", "rows_detail", "changed")
        } | {"changed": len(report.changed)}
        run.save(update_fields=["finished_at", "counts"])
    return report


def _handlers(organisation: Organisation) -> dict[str, User]:
    """Staff of the organisation by user name and by e-mail (case ignored)."""
    users = User.objects.filter(
        pk__in=Membership.objects.filter(organisation=organisation).values("user_id"),
        is_active=True,
    )
    out: dict[str, User] = {}
    for user in users:
        out[user.username.casefold()] = user
        if user.email:
            out.setdefault(user.email.casefold(), user)
    return out


def _changes(old: dict[str, Any], row: SourceCase) -> list[str]:
    new = row.values()
    out = []
    for key in sorted(set(old) | set(new)):
        if old.get(key, "") != new.get(key, ""):
            out.append(f"{key}: {old.get(key, '') or '(blank)'} → {new.get(key, '') or '(blank)'}")
    return out


def _against_pack(row: SourceCase, pack: Pack, mapping: Mapping) -> list[Problem]:
    """What the organisation's policy (in force when the case was received) cannot take."""
    c = mapping.columns
    problems = []
    rule = pack.kind(row.kind)
    if rule is None:
        kinds = ", ".join(k.kind for k in pack.kinds)
        return [
            Problem(
                row.line,
                c.kind,
                f"the policy {pack.id} does not take a {row.kind.replace('_', ' ')} "
                f"(it takes: {kinds}).",
            )
        ]
    if pack.service_areas and row.service_area and row.service_area not in pack.service_areas:
        problems.append(
            Problem(
                row.line,
                c.service_area,
                f"{row.service_area!r} is not a service area of {pack.id} "
                f"({', '.join(pack.service_areas)}).",
            )
        )
    if pack.categories and row.category and row.category not in pack.categories:
        problems.append(
            Problem(row.line, c.category, f"{row.category!r} is not a category of {pack.id}.")
        )
    staged = row.acknowledged or row.responded or row.escalated
    if not rule.starts_at and staged:
        problems.append(
            Problem(
                row.line,
                c.first_stage.acknowledged or c.first_stage.responded or c.escalation.requested,
                f"a {row.kind.replace('_', ' ')} has no stages under {pack.id}, "
                "but the row has stage dates.",
            )
        )
    elif rule.starts_at and row.escalated is not None:
        first = pack.stage(rule.starts_at)
        if _next_stage(pack, first) is None:
            problems.append(
                Problem(
                    row.line,
                    c.escalation.requested,
                    f"{first.label} of {pack.id} cannot be escalated.",
                )
            )
    return problems


def _next_stage(pack: Pack, stage: Stage) -> Stage | None:
    if stage.escalation is not None:
        return pack.stage(stage.escalation.to)
    if not stage.formal or stage.level < 1:
        return pack.first_formal_stage()
    return None


@dataclass(frozen=True)
class _Plan:
    events: int
    closed: bool


def _plan(row: SourceCase, pack: Pack) -> _Plan:
    """What ``_build`` would make of the row, counted without making it (for a dry run)."""
    rule = pack.kind(row.kind)
    assert rule is not None
    if rule.redirect_to:
        return _Plan(2, True)
    dates = [row.closed]
    if row.closure_reason == ClosureReason.WITHDRAWN or (
        row.closure_reason == ClosureReason.REFUSED and rule.starts_at
    ):
        dates.append(row.closed)
    if rule.starts_at:
        dates += [row.acknowledged, row.responded, row.escalated]
        if row.escalated:
            dates += [row.escalation_acknowledged, row.escalation_responded]
    return _Plan(1 + sum(d is not None for d in dates), row.closed is not None)


@dataclass
class _Built:
    case: Case
    events: list[Event]


def _build(
    row: SourceCase,
    pack: Pack,
    organisation: Organisation,
    calendar: WorkingCalendar,
    run: ImportRun | None,
    handlers: dict[str, User],
    actor: Actor,
    now: datetime.datetime,
) -> _Built:
    """The case and its chronology, as the services would have recorded them on the day."""
    rule = pack.kind(row.kind)
    assert rule is not None
    receipt = calendar.deemed_receipt(row.received_at)
    c = row.customer
    case = Case(
        organisation=organisation,
        policy_pack=pack.id,
        kind=row.kind,
        channel=row.channel,
        received_at=row.received_at,
        deemed_received_on=receipt.deemed,
        summary=row.summary,
        details=row.details,
        desired_outcome=row.desired_outcome,
        service_area=row.service_area,
        category=row.category,
        stage=rule.starts_at or "",
        handler=handlers.get(row.handler.casefold()) if row.handler else None,
    )
    imported: dict[str, Any] = {"source_reference": row.reference, "line": row.line}
    if run is not None:
        imported.update(run=run.pk, file=run.file_name)
    events: list[Event] = []
    by = f"{actor.label}, source reference {row.reference}"[:100]

    def add(
        kind: str, at: datetime.datetime, data: dict[str, Any], stage: str | None = None
    ) -> None:
        events.append(
            Event(
                sequence=len(events) + 1,
                kind=kind,
                stage=case.stage if stage is None else stage,
                actor=actor.user,
                actor_label=by,
                occurred_at=at,
                recorded_at=now,
                data={**data, "imported": imported},
            )
        )

    add(
        EventKind.RECEIVED,
        row.received_at,
        {
            "channel": row.channel,
            "kind": row.kind,
            "deemed_received_on": receipt.deemed.isoformat(),
            "deemed_reason": receipt.reason,
            "start_stage": case.stage,
            "pack": pack.id,
            "pack_version": pack.version,
            **({"customer_source_id": c.source_id} if c.source_id else {}),
            **({"handler": row.handler} if row.handler else {}),
        },
    )
    if rule.redirect_to:
        add(
            EventKind.CLOSED,
            row.received_at,
            {"reason": ClosureReason.REDIRECTED, "note": f"Redirected to {rule.redirect_to}"},
        )
        _closed(case, ClosureReason.REDIRECTED, row.received_at)
        return _Built(case, events)
    stage = pack.stage(case.stage) if case.stage else None
    if stage is not None:
        if row.acknowledged or row.responded:
            case.eligibility = Eligibility.ACCEPTED
        if row.acknowledged:
            add(EventKind.ACKNOWLEDGED, row.acknowledged, {})
        if row.responded:
            add(
                EventKind.RESPONDED,
                row.responded,
                {"outcome": row.outcome, "text": "", "issues": [], "final": stage.final},
            )
            if stage.escalation is not None:
                case.status = Status.AWAITING_ESCALATION
        if row.escalated:
            target = _next_stage(pack, stage)
            assert target is not None
            if stage.formal and stage.level >= 1:
                add(
                    EventKind.ESCALATION_REQUESTED,
                    row.escalated,
                    {"to_stage": target.id, "route": "", "reasons": "", "about": [], "late": False},
                )
            else:
                add(EventKind.MADE_FORMAL, row.escalated, {"to_stage": target.id, "reason": ""})
                if case.kind == Kind.DISSATISFACTION:
                    case.kind = Kind.COMPLAINT
            case.stage = target.id
            case.status = Status.OPEN
            case.eligibility = Eligibility.ACCEPTED
            if row.escalation_acknowledged:
                add(EventKind.ACKNOWLEDGED, row.escalation_acknowledged, {})
            if row.escalation_responded:
                add(
                    EventKind.RESPONDED,
                    row.escalation_responded,
                    {
                        "outcome": row.escalation_outcome,
                        "text": "",
                        "issues": [],
                        "final": target.final,
                    },
                )
                if target.escalation is not None:
                    case.status = Status.AWAITING_ESCALATION
    if row.closed:
        # As the services record them: a withdrawal is its own event before the closure,
        # and a refusal is a decision on eligibility (the reports count both from these).
        if row.closure_reason == ClosureReason.WITHDRAWN:
            add(EventKind.WITHDRAWN, row.closed, {"note": ""})
        elif row.closure_reason == ClosureReason.REFUSED and case.stage:
            add(
                EventKind.ELIGIBILITY_DECIDED,
                row.closed,
                {"accepted": False, "reason": "Not accepted under the policy (recorded elsewhere)"},
            )
            case.eligibility = Eligibility.REFUSED
        add(EventKind.CLOSED, row.closed, {"reason": row.closure_reason, "note": ""})
        _closed(case, row.closure_reason, row.closed)
    return _Built(case, events)


def _closed(case: Case, reason: str, at: datetime.datetime) -> None:
    case.status = Status.CLOSED
    case.closure_reason = reason
    case.closed_at = at


def _cache_dates(case: Case, events: list[Event], today: datetime.date) -> None:
    """The queues' cached dates of an open case, derived from its chronology like any case's."""
    if case.is_closed or not case.stage:
        return
    deadlines = case_deadlines(case, today=today, events=events)
    first = min((d for d in deadlines if d.is_open), key=lambda d: d.due, default=None)
    case.next_due_on = first.due if first else None
    case.next_due_step = f"{first.stage}:{first.step}" if first else ""
    actions = case_due_actions(case, today=today, events=events, deadlines=deadlines)
    case.next_action_on = min((a.on for a in actions), default=None)


def _count(report: ImportReport, built: _Built, row: SourceCase, how: str) -> None:
    report.created += 1
    report.events += len(built.events)
    if built.case.is_closed:
        report.closed_cases += 1
    else:
        report.open_cases += 1
    report.outcomes.append(
        RowOutcome(row.line, row.reference, "create", built.case.reference, customer=how)
    )


def _write_batch(
    batch: list[tuple[SourceCase, Pack]],
    organisation: Organisation,
    calendar: WorkingCalendar,
    people: _People,
    handlers: dict[str, User],
    actor: Actor,
    now: datetime.datetime,
    run: ImportRun,
    report: ImportReport,
) -> None:
    """One batch in one transaction: a failure leaves none of it behind."""
    today = timezone.localdate()
    with transaction.atomic():
        keys = []
        hows = []
        for row, _pack in batch:
            key, how = people.match(row)
            keys.append(key)
            hows.append(how)
        people.flush(actor=actor, now=now, run=run)
        built = [
            _build(row, pack, organisation, calendar, run, handlers, actor, now)
            for row, pack in batch
        ]
        _number(organisation, [b.case for b in built])
        for b, key in zip(built, keys, strict=True):
            b.case.customer_id = _pk(key)
            _cache_dates(b.case, b.events, today)
        Case.objects.bulk_create([b.case for b in built], batch_size=BATCH)
        events = []
        for b in built:
            for e in b.events:
                e.case = b.case
                events.append(e)
        _insert_events(events)
        ImportedCase.objects.bulk_create(
            [
                ImportedCase(
                    organisation=organisation,
                    source_reference=row.reference,
                    case=b.case,
                    run=run,
                    line=row.line,
                    row_hash=row.row_hash(values),
                    values=values,
                )
                for (row, _pack), b in zip(batch, built, strict=True)
                for values in (row.values(),)
            ],
            batch_size=BATCH,
        )
        # Every open contact is screened, whatever brought it in (Awaab's Law).
        screens = contact_screens()
        for b in built:
            if not b.case.is_closed:
                for screen in screens:
                    found = screen(case=b.case, actor=actor)
                    report.hazards += len(found or ())
        index.refresh([b.case.pk for b in built])
    for (row, _pack), b, how in zip(batch, built, hows, strict=True):
        report.customers[how] += 1
        _count(report, b, row, how)


def _insert_events(events: list[Event]) -> None:
    """Append the new cases' events: PostgreSQL's COPY there (the most numerous rows of an
    import), ``bulk_create`` elsewhere. New rows only: nothing is updated."""
    if connection.vendor != "postgresql":
        Event.objects.bulk_create(events, batch_size=2000)
        return
    columns = (
        "case_id, sequence, kind, stage, actor_id, actor_label, occurred_at, recorded_at, data"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's cursor
        with raw.copy(f"COPY {Event._meta.db_table} ({columns}) FROM STDIN") as copy:
            for e in events:
                copy.write_row(
                    (
                        e.case_id,
                        e.sequence,
                        e.kind,
                        e.stage,
                        e.actor_id,
                        e.actor_label,
                        e.occurred_at,
                        e.recorded_at,
                        json.dumps(e.data, ensure_ascii=False),
                    )
                )


def _number(organisation: Organisation, cases: Iterable[Case]) -> None:
    """PutRight references for new cases, in the order given, taken from the year's counter
    under lock (the same numbering as a case recorded by hand)."""
    by_year: dict[int, list[Case]] = {}
    for case in cases:
        by_year.setdefault(case.deemed_received_on.year, []).append(case)
    for year, group in by_year.items():
        ReferenceCounter.objects.get_or_create(organisation=organisation, year=year)
        counter = ReferenceCounter.objects.select_for_update().get(
            organisation=organisation, year=year
        )
        first = counter.last + 1
        counter.last += len(group)
        counter.save(update_fields=["last"])
        for number, case in enumerate(group, start=first):
            case.reference = f"{organisation.reference_prefix}-{year}-{number:05d}"
