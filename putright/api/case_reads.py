"""Reading one case for the API in one query.

``GET /api/v1/cases/{reference}`` used to build eight ORM queries per read, and compiling
them cost far more than running them (in ``putright bench api``, 100,000 cases: reading
through the ORM answered 132 requests a second, 45% of its baseline; this one query 450,
see ``docs/benchmarks.md``). Here one hand-written query (SQLite or PostgreSQL, the two
databases PutRight runs on) reads everything the answer is made of: the case row, its
organisation, its customer and the customer's organisation, its handler and
investigator, every event with the names of their actors, its issues, and its links both
ways. Every read, and every answer after an action, goes through it.

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
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections, router
from django.db.models import Field, Model
from django.db.models.expressions import Col
from django.utils import timezone

from putright.accounts.models import User
from putright.cases.models import Case, CaseIssue, CaseLink, ComplaintPoint, Event
from putright.organisations.models import Organisation
from putright.people.models import Person

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
        events_json, actors_json, issues_json, links_out_json, links_in_json = self._aggregates

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
        issues = [
            {key: item[key] for key in ISSUE_ANSWER}
            for item in sorted(json.loads(issues_json or "[]"), key=lambda i: i["number"])
        ]
        links = [
            {key: item[key] for key in ("kind", "reference", "direction")}
            for items in (links_out_json, links_in_json)
            for item in sorted(json.loads(items or "[]"), key=lambda link: link["id"])
        ]
        return CaseContents(case=case, events=events, issues=issues, links=links)

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
    columns = [f"{prefix}.{q(str(field.column))}" for prefix, field in selected]
    sql = (
        f"SELECT {', '.join(columns)}, {events}, {actors}, {issues}, {links}, {links_in} "
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
