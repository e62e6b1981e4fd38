"""Anonymising: a person's name, contact details and the words about them are replaced; the
dates, outcomes and figures stay, so every report gives the same figures afterwards.

Histories are append-only. A case event refers to the words in it by id
(``putright/cases/personal_text.py``): anonymising empties those texts, never the event.
Events written before that, and the histories of other records, hold their words in place:
removing them is the one audited exception (``redact_history``), each event's redaction
recorded with who, when and why.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from putright.accounts.actors import Actor

from .models import Anonymised, DataRequest, LegalHold, Redaction
from .registry import CASE_RECORDS, PERSON_RECORDS, REMOVED, Personal

#: Keys of an event's data whose value is someone's words (or names, or addresses).
FREE_TEXT_KEYS = frozenset(
    {
        "text",
        "note",
        "notes",
        "summary",
        "reasons",
        "explanation",
        "description",
        "details",
        "desired_outcome",
        "outcome_sought",
        "finding",
        "remedy",
        "behaviour",
        "findings",
        "minutes",
        "comment",
        "comments",
        "evidence",
        "reasoning",
        "name",
        "names",
        "email",
        "phone",
        "address",
        "postcode",
        "recipient",
        "signs",
        "triggers",
        "found",
        "words",
        "subject",
        "body",
        "definition",
        "asked",
        "appeal",
        "location",
    }
)
#: A value that is an id (``panel_availability``), a date or a reference, not words.
_ID = re.compile(r"^[a-z0-9_\-]*$|^\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]*)?$|^[A-Z0-9]+(-[A-Z0-9]+)+$")


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return REMOVED if value.strip() else value
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    return value


def redact_data(data: Any) -> tuple[Any, list[str]]:
    """An event's data with the words removed, and the keys it removed them from."""
    if isinstance(data, list):
        found: list[str] = []
        items = []
        for item in data:
            new, inner = redact_data(item)
            items.append(new)
            found.extend(inner)
        return items, found
    if not isinstance(data, dict):
        return data, []
    result: dict[str, Any] = {}
    keys: list[str] = []
    for key, value in data.items():
        if key in FREE_TEXT_KEYS and value not in ("", None, [], {}):
            new = _redacted(value)
            if new != value:
                keys.append(key)
            result[key] = new
        elif key in ("reason", "label") and isinstance(value, str) and not _ID.match(value):
            result[key] = REMOVED
            keys.append(key)
        elif isinstance(value, dict | list):
            new, inner = redact_data(value)
            result[key] = new
            keys.extend(f"{key}.{k}" for k in inner)
        else:
            result[key] = value
    return result, keys


@dataclass
class Done:
    """What anonymising changed, in counts by model (for the job's run and the officer)."""

    rows: Counter[str] = field(default_factory=Counter)
    files: int = 0
    redactions: int = 0
    cases: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)

    def add(self, other: Done) -> None:
        self.rows.update(other.rows)
        self.files += other.files
        self.redactions += other.redactions
        self.cases.extend(other.cases)
        self.people.extend(other.people)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": dict(sorted(self.rows.items())),
            "files": self.files,
            "redactions": self.redactions,
            "cases": len(self.cases),
            "people": len(self.people),
        }


def _model(entry: Personal) -> type[models.Model] | None:
    try:
        return apps.get_model(entry.model)
    except LookupError:  # an app not installed in this deployment
        return None


def _wipe(entry: Personal, rows: models.QuerySet[Any], done: Done) -> None:
    """Empty an entry's personal fields on ``rows``: files deleted, words replaced."""
    if entry.delete:
        count, _ = rows.delete()
        done.rows[entry.model] += count
        return
    for name in entry.files:
        for stored in rows.exclude(**{name: ""}).values_list(name, flat=True).iterator():
            if stored:
                field_ = rows.model._meta.get_field(name)
                field_.storage.delete(stored)
                done.files += 1
    changes: dict[str, Any] = {}
    for name in entry.texts:
        changes[name] = models.Case(
            models.When(**{name: ""}, then=models.Value("")), default=models.Value(REMOVED)
        )
    changes.update({name: "" for name in (*entry.blanks, *entry.files)})
    for name in entry.json:
        default = rows.model._meta.get_field(name).default
        changes[name] = default() if callable(default) else default
    if changes:
        done.rows[entry.model] += models.QuerySet.update(rows, **changes)


def held_case_ids(case_ids: Iterable[int]) -> set[int]:
    return set(
        LegalHold.objects.filter(case_id__in=list(case_ids), lifted_at__isnull=True).values_list(
            "case_id", flat=True
        )
    )


def redact_history(
    case_ids: list[int],
    *,
    basis: str,
    reason: str,
    actor: Actor,
    request: DataRequest | None = None,
    person_ids: Iterable[int] = (),
) -> int:
    """Remove the words from the events of these cases, the history entries of the cases and
    of the records hanging off them, and of these people's own histories; each event's
    redaction recorded (the one audited rewrite of history)."""
    from putright.cases.models import Case, Event
    from putright.people.models import Person
    from putright.timeline import registry as timeline_registry
    from putright.timeline.models import Entry, EntryText

    now = timezone.now()
    audits: list[Redaction] = []

    def rewrite(source: str, queryset: models.QuerySet[Any]) -> None:
        for pk, data in queryset.values_list("pk", "data").iterator():
            new, keys = redact_data(data or {})
            if not keys:
                continue
            # The append-only guard refuses ``update``; this is the audited exception.
            models.QuerySet.update(queryset.model._default_manager.filter(pk=pk), data=new)
            audits.append(
                Redaction(
                    source=source,
                    event_id=pk,
                    keys=sorted(set(keys)),
                    basis=basis,
                    request=request,
                    reason=reason,
                    redacted_by=actor.user,
                    redacted_by_label=actor.label,
                    redacted_at=now,
                )
            )

    rewrite(Redaction.Source.CASE_EVENT, Event.objects.filter(case_id__in=case_ids))
    people = list(person_ids)
    for record_type in timeline_registry.registered():
        model = record_type.model
        if model is Case:
            ids = list(case_ids)
        elif model is Person:
            ids = people
        elif any(f.name == "case" for f in model._meta.get_fields()):
            ids = list(
                model._default_manager.filter(case_id__in=case_ids).values_list("pk", flat=True)
            )
        else:
            continue
        if ids:
            rewrite(
                Redaction.Source.ENTRY,
                Entry.objects.filter(record_type=record_type.name, record_id__in=ids),
            )
            # The words newer entries refer to by id: emptied, the entries untouched.
            EntryText.objects.filter(record_type=record_type.name, record_id__in=ids).exclude(
                body=REMOVED
            ).update(body=REMOVED)
    Redaction.objects.bulk_create(audits, batch_size=1000)
    return len(audits)


def _refresh_search(case_ids: list[int]) -> None:
    from putright.search.index import refresh

    if case_ids:
        refresh(case_ids)


@transaction.atomic
def anonymise_cases(
    case_ids: list[int],
    *,
    basis: str,
    reason: str,
    actor: Actor,
    record_types: Iterable[str] | None = None,
    request: DataRequest | None = None,
) -> Done:
    """Anonymise these cases' records (those of ``record_types``, else all), their events and
    histories; cases on a legal hold are left as they are."""
    done = Done()
    held = held_case_ids(case_ids)
    case_ids = [pk for pk in case_ids if pk not in held]
    if not case_ids:
        return done
    wanted = set(record_types) if record_types is not None else None
    for entry in CASE_RECORDS:
        if entry.case is None or (wanted is not None and entry.record_type not in wanted):
            continue
        model = _model(entry)
        if model is None:
            continue
        lookup = f"{entry.case}__in" if entry.case else "pk__in"
        _wipe(entry, model._default_manager.filter(**{lookup: case_ids}), done)
    if wanted is None or "closed_cases" in wanted:
        fresh = list(
            set(case_ids)
            - set(Anonymised.objects.filter(case_id__in=case_ids).values_list("case_id", flat=True))
        )
        done.redactions += redact_history(
            fresh, basis=basis, reason=reason, actor=actor, request=request
        )
        now = timezone.now()
        Anonymised.objects.bulk_create(
            [Anonymised(case_id=pk, basis=basis, request=request, at=now) for pk in fresh],
            batch_size=1000,
        )
        done.cases.extend(fresh)
    _refresh_search(case_ids)
    return done


def anonymise_person_records(
    person_ids: list[int],
    *,
    record_types: Iterable[str] | None = None,
    since_before: Any = None,
    basis: str = "retention",
    reason: str = "Past the retention period.",
    actor: Actor | None = None,
    request: DataRequest | None = None,
) -> Done:
    """Empty the person records (contact details, representatives, restrictions, letters);
    anonymising the person also redacts the words their own history holds."""
    from putright.people.models import Person

    done = Done()
    wanted = set(record_types) if record_types is not None else None
    for entry in PERSON_RECORDS:
        if wanted is not None and entry.record_type not in wanted:
            continue
        model = _model(entry)
        if model is None or entry.person is None:
            continue
        lookup = f"{entry.person}__in" if entry.person else "pk__in"
        rows = model._default_manager.filter(**{lookup: person_ids})
        if entry.since and since_before is not None:
            rows = rows.filter(**{f"{entry.since}__lt": since_before})
        _wipe(entry, rows, done)
    if wanted is None or "closed_cases" in wanted:
        now = timezone.now()
        for pk in person_ids:
            models.QuerySet.update(
                Person.objects.filter(pk=pk), name=f"Anonymised person {pk}", anonymised_at=now
            )
        done.people.extend(person_ids)
        done.redactions += redact_history(
            [],
            person_ids=person_ids,
            basis=basis,
            reason=reason,
            actor=actor or Actor.system("retention schedule"),
            request=request,
        )
        from putright.cases.models import Case

        _refresh_search(
            list(Case.objects.filter(customer_id__in=person_ids).values_list("pk", flat=True))
        )
    return done


def anonymisable_people(person_ids: Iterable[int]) -> list[int]:
    """Those of these people with nothing left that keeps them: no case that is open, held or
    not yet anonymised, no restriction in force."""
    from putright.cases.models import Case
    from putright.people.models import ContactRestriction, Person

    today = timezone.localdate()
    ids = set(person_ids)
    keep = set(
        Case.objects.filter(customer_id__in=ids)
        .filter(
            Q(closed_at__isnull=True)
            | Q(legal_holds__lifted_at__isnull=True, legal_holds__isnull=False)
        )
        .values_list("customer_id", flat=True)
    )
    anonymised_cases = Anonymised.objects.values("case_id")
    keep |= set(
        Case.objects.filter(customer_id__in=ids)
        .exclude(pk__in=anonymised_cases)
        .values_list("customer_id", flat=True)
    )
    keep |= set(
        ContactRestriction.objects.filter(person_id__in=ids)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values_list("person_id", flat=True)
    )
    already = set(
        Person.objects.filter(pk__in=ids, anonymised_at__isnull=False).values_list("pk", flat=True)
    )
    return sorted(ids - keep - already)


def anonymised_case_count(case_ids: Iterable[int]) -> int:
    return Anonymised.objects.filter(case_id__in=list(case_ids)).count()


def moment(value: datetime.date) -> datetime.datetime:
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(value, datetime.time(0), tzinfo=zone)
