"""Reading one case for the API in one query.

``GET /api/v1/cases/{reference}`` used to build eight ORM queries per read, and compiling
them cost far more than running them (in ``putright bench api``, 100,000 cases: reading
through the ORM answered 132 requests a second, 45% of its baseline; this one query 450,
see ``docs/benchmarks.md``). Here one hand-written query (SQLite or PostgreSQL, the two
databases PutRight runs on) reads everything the answer is made of: the case row, its
organisation, its customer and the customer's organisation, its handler and
investigator, every event with the names of their actors, its issues, its links both
ways, and its hazards (Awaab's Law) with their clocks and owners. Every read, and every
answer after an action, goes through it.

Nothing is cached: each answer is made from the case as it stands, and its ETag is a keyed
digest of the answer itself (``entity_tag``).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections, router
from django.db.models import Field, Model
from django.db.models.expressions import Col
from django.utils import timezone

from putright.accounts.models import User
from putright.cases.models import (
    Case,
    CaseIssue,
    CaseLink,
    ComplaintPoint,
    Event,
    PersonalText,
)
from putright.domain.personal_text import joined
from putright.hazards.models import Hazard
from putright.organisations.models import Organisation
from putright.people.models import Person
from putright.timeline.models import Clock

#: The user columns an answer shows (``str(user)``); a password hash is never read here.
USER_NAME_FIELDS = ("id", "username", "first_name", "last_name", "display_name")
ISSUE_FIELDS = ("number", "description", "stage", "outcome", "reasons")
#: An issue as the answer gives it: the decision on a point and the parts of the response.
ISSUE_ANSWER = (*ISSUE_FIELDS, "point", "finding", "remedy", "actions")
EVENT_FIELDS = (
    "id",
    "sequence",
    "kind",
    "stage",
    "actor_id",
    "actor_label",
    "occurred_at",
    "recorded_at",
    "data",
)


@dataclass
class CaseRead:
    """A case as it stands (its own row), and, read from the same row, the rest."""

    case: Case
    _alias: str
    _values: list[Any]  # converted, the model columns
    _aggregates: tuple[str | None, ...]  # JSON: events, actors, issues, links out, links in

    def contents(self) -> CaseContents:
        """The case with its organisation, customer and staff attached, and the rest."""
        alias, values, case = self._alias, self._values, self.case
        parts = iter(_query(alias).parts[1:])
        organisation = _instance(Organisation, alias, values, next(parts))
        customer = _instance(Person, alias, values, next(parts))
        customer_organisation_slug = values[next(parts).start]
        handler = _instance(User, alias, values, next(parts))
        investigator = _instance(User, alias, values, next(parts))
        events_json, actors_json, issues_json, links_out_json, links_in_json = self._aggregates[:5]

        assert organisation is not None
        case.organisation = organisation
        if case.customer_id is not None and customer is not None:
            if customer.organisation_id == organisation.pk:
                customer.organisation = organisation
            else:
                customer.organisation = Organisation.from_db(
                    alias, ["id", "slug"], [customer.organisation_id, customer_organisation_slug]
                )
            case.customer = customer
        if case.handler_id is not None:
            case.handler = handler
        if case.investigator_id is not None:
            case.investigator = investigator

        actors = {
            pk: User.from_db(alias, list(USER_NAME_FIELDS), [pk, *names])
            for pk, *names in json.loads(actors_json or "[]")
        }
        events = []
        for item in sorted(json.loads(events_json or "[]"), key=lambda e: e["sequence"]):
            event = Event.from_db(
                alias,
                ["case_id", *EVENT_FIELDS],
                [
                    case.pk,
                    *(item[name] for name in EVENT_FIELDS[:-3]),
                    _moment(item["occurred_at"]),
                    _moment(item["recorded_at"]),
                    item["data"] if item["data"] is not None else {},
                ],
            )
            Event.actor.field.set_cached_value(event, actors.get(item["actor_id"]))
            Event.case.field.set_cached_value(event, case)
            events.append(event)
        # The words the events refer to by id, read in the same query.
        texts = {pk: body for pk, body in json.loads(self._aggregates[8] or "[]")}
        for event in events:
            if event.data:
                event.data = joined(event.data, texts)
        issues = [
            {key: item[key] for key in ISSUE_ANSWER}
            for item in sorted(json.loads(issues_json or "[]"), key=lambda i: i["number"])
        ]
        links = [
            {key: item[key] for key in ("kind", "reference", "direction")}
            for items in (links_out_json, links_in_json)
            for item in sorted(json.loads(items or "[]"), key=lambda link: link["id"])
        ]
        hazards, hazard_clocks = _hazards(alias, case, *self._aggregates[5:8])
        return CaseContents(
            case=case,
            events=events,
            issues=issues,
            links=links,
            hazards=hazards,
            hazard_clocks=hazard_clocks,
        )

    def linked_references(self) -> set[str]:
        """The references of the cases linked to this one, either way."""
        return {
            item["reference"]
            for items in self._aggregates[3:5]
            for item in json.loads(items or "[]")
        }


@dataclass
class CaseContents:
    case: Case
    events: list[Event]
    issues: list[dict[str, Any]]
    links: list[dict[str, Any]]
    hazards: list[Hazard] = dataclass_field(default_factory=list)
    hazard_clocks: list[Clock] = dataclass_field(default_factory=list)


#: The hazard and clock columns a case answer's ``hazards`` are made of.
HAZARD_FIELDS = (
    "id", "organisation_id", "case_id", "kind", "severity", "status", "origin", "triggers",
    "signs", "description", "pack", "pack_version", "phase", "statutory", "coverage",
    "aware_at", "owner_id", "team", "confirmed_at", "dismissed_at", "dismissed_reason",
    "investigated_at", "findings", "summary_sent_at", "made_safe_at", "works_started_at",
    "resolved_at", "created_at", "version",
)  # fmt: skip
CLOCK_FIELDS = (
    "id", "organisation_id", "record_type", "record_id", "step", "label", "owner_id", "team",
    "unit", "amount", "started_at", "counted_from", "receipt", "due_on", "due_at",
    "completed_at", "chased_at", "source",
)  # fmt: skip
_MOMENTS = frozenset(
    {
        "aware_at", "confirmed_at", "dismissed_at", "investigated_at", "summary_sent_at",
        "made_safe_at", "works_started_at", "resolved_at", "created_at", "started_at",
        "due_at", "completed_at", "chased_at",
    }
)  # fmt: skip


# ``from_db`` takes a model's values in the order of its fields.
_HAZARD_ORDER = [f.attname for f in Hazard._meta.concrete_fields if f.attname in HAZARD_FIELDS]
_CLOCK_ORDER = [f.attname for f in Clock._meta.concrete_fields if f.attname in CLOCK_FIELDS]


def _value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _MOMENTS:
        return _moment(value)
    if name in ("statutory", "receipt"):
        return bool(value)
    if name == "due_on":
        return datetime.date.fromisoformat(value)
    if name in ("triggers", "signs") and isinstance(value, str):
        return json.loads(value)
    return value


def _hazards(
    alias: str,
    case: Case,
    hazards_json: str | None,
    clocks_json: str | None,
    owners_json: str | None,
) -> tuple[list[Hazard], list[Clock]]:
    """The case's hazards and their clocks, with their owners, from the same row."""
    owners = {
        pk: User.from_db(alias, list(USER_NAME_FIELDS), [pk, *names])
        for pk, *names in json.loads(owners_json or "[]")
    }
    hazards = []
    for item in sorted(json.loads(hazards_json or "[]"), key=lambda h: (h["aware_at"], h["id"])):
        hazard = Hazard.from_db(alias, _HAZARD_ORDER, [_value(n, item[n]) for n in _HAZARD_ORDER])
        Hazard.organisation.field.set_cached_value(hazard, case.organisation)
        Hazard.case.field.set_cached_value(hazard, case)
        Hazard.owner.field.set_cached_value(hazard, owners.get(item["owner_id"]))
        hazards.append(hazard)
    clocks = []
    for item in sorted(json.loads(clocks_json or "[]"), key=lambda k: (k["started_at"], k["id"])):
        clock = Clock.from_db(alias, _CLOCK_ORDER, [_value(n, item[n]) for n in _CLOCK_ORDER])
        Clock.organisation.field.set_cached_value(clock, case.organisation)
        Clock.owner.field.set_cached_value(clock, owners.get(item["owner_id"]))
        clocks.append(clock)
    return hazards, clocks


def read_case(reference: str) -> CaseRead | None:
    """The case with this reference, in one query; None if there is none.

    Access is not checked here: the caller asks the access functions.
    """
    alias = router.db_for_read(Case)
    connection = connections[alias]
    query = _query(alias)
    with connection.cursor() as cursor:
        # A named parameter: Django's SQLite backend rewrites "%s" to "?" with a regular
        # expression over the whole statement on every call (30 us for this one); a named
        # one costs a string format. PostgreSQL takes either.
        cursor.execute(query.sql, {"reference": reference})
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (expression, steps) in zip(row[: query.aggregates], query.converters, strict=True):
        for step in steps:
            value = step(value, expression, connection)
        values.append(value)
    case = _instance(Case, alias, values, query.parts[0])
    assert case is not None
    return CaseRead(
        case=case,
        _alias=alias,
        _values=values,
        _aggregates=tuple(row[query.aggregates :]),
    )


# -- the query -----------------------------------------------------------------------------

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Query:
    sql: str
    #: Each plain column's expression and converters, as the ORM would apply them.
    converters: list[tuple[Col, list[Converter]]]
    #: Where each model's columns are in the row, and their attribute names.
    parts: list[_Part]
    aggregates: int  # where the JSON aggregates start in the row


@dataclass(frozen=True)
class _Part:
    start: int
    names: list[str]


@functools.cache
def _query(alias: str) -> _Query:
    """The query for ``alias``'s database, built once (its converters depend only on the backend)."""
    connection = connections[alias]
    q = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"

    def table(model: type[Model]) -> str:
        return q(model._meta.db_table)

    def column(model: type[Model], name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, Field)
        return q(str(field.column))

    selected: list[tuple[str, Field[Any, Any]]] = []
    parts: list[_Part] = []

    def take(prefix: str, model: type[Model], names: list[str] | None = None) -> None:
        fields = [
            f
            for f in model._meta.concrete_fields
            if names is None or f.name in names or f.attname in names
        ]
        parts.append(_Part(len(selected), [f.attname for f in fields]))
        selected.extend((prefix, f) for f in fields)

    take("c", Case)
    take("o", Organisation)
    take("p", Person)
    take("po", Organisation, ["slug"])
    take("h", User, list(USER_NAME_FIELDS))
    take("i", User, list(USER_NAME_FIELDS))

    def as_json(pairs: dict[str, str]) -> str:
        inner = ", ".join(f"'{key}', {value}" for key, value in pairs.items())
        return f"json_build_object({inner})" if postgres else f"json_object({inner})"

    def as_list(values: list[str]) -> str:
        inner = ", ".join(values)
        return f"json_build_array({inner})" if postgres else f"json_array({inner})"

    def aggregate(item: str, source: str) -> str:
        if postgres:
            return f"(SELECT COALESCE(json_agg({item}), '[]'::json)::text FROM {source})"
        return f"(SELECT json_group_array({item}) FROM {source})"

    ev = {name: f"e.{column(Event, name)}" for name in EVENT_FIELDS}
    if not postgres:
        ev["data"] = f"json({ev['data']})"  # the stored text, as JSON rather than a string
    events = aggregate(as_json(ev), f"{table(Event)} e WHERE e.{column(Event, 'case')} = c.id")
    actors = aggregate(
        as_list([f"u.{column(User, name)}" for name in USER_NAME_FIELDS]),
        f"{table(User)} u WHERE u.{column(User, 'id')} IN (SELECT e.{column(Event, 'actor')} "
        f"FROM {table(Event)} e WHERE e.{column(Event, 'case')} = c.id)",
    )
    issue_columns = {
        name: f"x.{column(CaseIssue, name)}"
        for name in (*ISSUE_FIELDS, "id", "finding", "remedy", "actions")
    }
    if not postgres:
        issue_columns["actions"] = f"json({issue_columns['actions']})"
    # The point an issue answers, by its number in the case (the id a response refers to).
    issue_columns["point"] = (
        f"(SELECT pt.{column(ComplaintPoint, 'number')} FROM {table(ComplaintPoint)} pt "
        f"WHERE pt.{column(ComplaintPoint, 'id')} = x.{column(CaseIssue, 'point')})"
    )
    issues = aggregate(
        as_json(issue_columns),
        f"{table(CaseIssue)} x WHERE x.{column(CaseIssue, 'case')} = c.id",
    )
    from_case, to_case = column(CaseLink, "from_case"), column(CaseLink, "to_case")
    link_fields = {"id": f"l.{column(CaseLink, 'id')}", "kind": f"l.{column(CaseLink, 'kind')}"}
    links = aggregate(
        as_json({**link_fields, "reference": "other.reference", "direction": "'to'"}),
        f"{table(CaseLink)} l INNER JOIN {table(Case)} other ON other.id = l.{to_case} "
        f"WHERE l.{from_case} = c.id",
    )
    links_in = aggregate(
        as_json({**link_fields, "reference": "other.reference", "direction": "'from'"}),
        f"{table(CaseLink)} l INNER JOIN {table(Case)} other ON other.id = l.{from_case} "
        f"WHERE l.{to_case} = c.id",
    )
    hz = {name: f"hz.{q(name)}" for name in HAZARD_FIELDS}
    kc = {name: f"k.{q(name)}" for name in CLOCK_FIELDS}
    if not postgres:
        hz["triggers"], hz["signs"] = f"json({hz['triggers']})", f"json({hz['signs']})"
    of_case = f"SELECT hz.{q('id')} FROM {table(Hazard)} hz WHERE hz.{q('case_id')} = c.id"
    hazard_clocks = f"k.{q('record_type')} = 'hazard' AND k.{q('record_id')} IN ({of_case})"
    hazards = aggregate(as_json(hz), f"{table(Hazard)} hz WHERE hz.{q('case_id')} = c.id")
    clocks = aggregate(as_json(kc), f"{table(Clock)} k WHERE {hazard_clocks}")
    owners = aggregate(
        as_list([f"u.{column(User, name)}" for name in USER_NAME_FIELDS]),
        f"{table(User)} u WHERE u.{column(User, 'id')} IN (SELECT hz.{q('owner_id')} FROM "
        f"{table(Hazard)} hz WHERE hz.{q('case_id')} = c.id UNION SELECT k.{q('owner_id')} "
        f"FROM {table(Clock)} k WHERE {hazard_clocks})",
    )
    # The words the events refer to by id (putright/cases/personal_text.py).
    texts = aggregate(
        as_list([f"t.{column(PersonalText, 'id')}", f"t.{column(PersonalText, 'body')}"]),
        f"{table(PersonalText)} t WHERE t.{column(PersonalText, 'case')} = c.id",
    )
    columns = [f"{prefix}.{q(str(field.column))}" for prefix, field in selected]
    sql = (
        f"SELECT {', '.join(columns)}, {events}, {actors}, {issues}, {links}, {links_in}, "
        f"{hazards}, {clocks}, {owners}, {texts} "
        f"FROM {table(Case)} c "
        f"INNER JOIN {table(Organisation)} o ON o.id = c.{column(Case, 'organisation')} "
        f"LEFT JOIN {table(Person)} p ON p.id = c.{column(Case, 'customer')} "
        f"LEFT JOIN {table(Organisation)} po ON po.id = p.{column(Person, 'organisation')} "
        f"LEFT JOIN {table(User)} h ON h.id = c.{column(Case, 'handler')} "
        f"LEFT JOIN {table(User)} i ON i.id = c.{column(Case, 'investigator')} "
        f"WHERE c.{column(Case, 'reference')} = %(reference)s"
    )
    converters: list[tuple[Col, list[Converter]]] = []
    for _prefix, field in selected:
        expression = Col(field.model._meta.db_table, field)
        steps = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
        converters.append((expression, steps))
    return _Query(sql=sql, converters=converters, parts=parts, aggregates=len(selected))


M = TypeVar("M", bound=Model)


def _instance(model: type[M], alias: str, values: list[Any], part: _Part) -> M | None:
    """The model instance whose columns start at ``part.start``; None if its id is NULL."""
    own = values[part.start : part.start + len(part.names)]
    if own[part.names.index("id")] is None:
        return None
    return model.from_db(alias, part.names, own)


def _moment(text: str) -> datetime.datetime:
    """A time from the JSON aggregate: SQLite keeps UTC without a zone, PostgreSQL adds one."""
    moment = datetime.datetime.fromisoformat(text)
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)  # as the ORM gives it, whatever the session's zone


def entity_tag(answer: bytes) -> str:
    """The ETag of an answer: a keyed digest of exactly what the reader is shown, so it
    changes with the case, its deadlines (which move with the date) and what the reader may
    see, and lets no one test guesses of data they cannot see."""
    return hashlib.blake2b(answer, digest_size=20, key=_digest_key()).hexdigest()


@functools.cache
def _digest_key() -> bytes:
    return hashlib.blake2b(
        f"putright case answers {settings.SECRET_KEY}".encode(), digest_size=32
    ).digest()
