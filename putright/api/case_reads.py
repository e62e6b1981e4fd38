"""Reading one case for the API fast, and never stale.

``GET /api/v1/cases/{reference}`` used to build eight ORM queries per read, and compiling
them cost far more than running them. Here one hand-written query (SQLite or PostgreSQL)
reads everything the answer is made of: the case row, its organisation, its customer
and the customer's organisation, its handler and investigator, every event with the
names of their actors, its issues, and its links both ways.

The rendered answer is cached (Django's cache ``case-answers``: in-process memory by
default, Redis when ``PUTRIGHT_CACHE_URL`` names one) under a keyed digest of that
query's whole result, today's local date, the time zone, the case's policy pack (its
content), the code that derives deadlines (PutRight's and the bank holidays' versions),
and whether the reader may see personal data. The query runs on every read, so any change to
any of those rows, by any writer, in any process (a service, the sweep, a remedy, a link
from another case, the admin), changes the key: a cached answer is only ever served for
exactly the data it was made from. Access is decided afresh on every read with the same
access functions as ``access_case``, and reading a restricted case is logged every time.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import connections, router
from django.db.models import Field, Model
from django.db.models.expressions import Col
from django.utils import timezone

from putright.accounts.models import User
from putright.cases.models import Case, CaseIssue, CaseLink, Event
from putright.organisations.models import Organisation
from putright.people.models import Person
from putright.policies.registry import get_pack

#: Bump when the answer's shape or the way it is made changes, so old entries are not used.
ANSWER_FORMAT = 1
#: How long an answer stays cached; it is only ever served while its data is unchanged.
CACHE_SECONDS = 600
log = logging.getLogger(__name__)
CACHE_ALIAS = "case-answers"

#: The user columns an answer shows (``str(user)``); a password hash is never read here.
USER_NAME_FIELDS = ("id", "username", "first_name", "last_name", "display_name")
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
    """A case as it stands (its own row), the digest of everything its answer is made of,
    and, read from the same row only when the answer must be made, the rest."""

    case: Case
    digest: str  # of every column read; the cache key adds the date and the reader
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
            {key: item[key] for key in ("number", "description", "stage", "outcome", "reasons")}
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


def supported(alias: str) -> bool:
    return connections[alias].vendor in {"sqlite", "postgresql"}


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
        digest=_digest(repr(row)),
        _alias=alias,
        _values=values,
        _aggregates=tuple(row[query.aggregates :]),
    )


def answer_key(
    read: CaseRead,
    *,
    today: datetime.date,
    personal: bool,
    hidden_links: frozenset[str] = frozenset(),
) -> str:
    """The cache key (and ETag) of the answer for this data, this date and this kind of
    reader: whether they may see personal data, and which linked cases they may not see."""
    pack = _pack_digest(read.case.policy_pack)
    hidden = ",".join(sorted(hidden_links))
    return _digest(
        f"{_code()}|{read.digest}|{today.isoformat()}|{settings.TIME_ZONE}|{pack}|{personal}"
        f"|{hidden}"
    )


@functools.cache
def _code() -> str:
    """What else an answer depends on: its format, and the code that makes it.

    PutRight's own source files are hashed (once per process), so a deploy that changes
    how an answer is made never meets answers the old code left in a shared cache, even
    without a version bump.
    """
    versions = []
    for package in ("putright", "holidays"):
        try:
            versions.append(metadata.version(package))
        except metadata.PackageNotFoundError:
            versions.append("?")
    source = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("*.py")):
        source.update(path.relative_to(root).as_posix().encode())
        source.update(path.read_bytes())
    for path in sorted((root / "domain" / "packs").glob("*.toml")):
        source.update(path.read_bytes())
    return f"{ANSWER_FORMAT}:{':'.join(versions)}:{source.hexdigest()[:16]}"


def cached_answer(key: str) -> bytes | None:
    """The answer kept under ``key``, or None; a cache that fails is a miss, never an error."""
    try:
        answer: bytes | None = caches[CACHE_ALIAS].get(f"putright:case-answer:{key}")
    except Exception:
        log.warning("the case-answers cache failed to read; answering without it", exc_info=True)
        return None
    return answer


def keep_answer(key: str, answer: bytes) -> None:
    """Keep an answer; a cache that fails is logged and the answer is still given."""
    try:
        caches[CACHE_ALIAS].set(f"putright:case-answer:{key}", answer, CACHE_SECONDS)
    except Exception:
        log.warning("the case-answers cache failed to keep an answer", exc_info=True)


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
    issues = aggregate(
        as_json(
            {
                name: f"x.{column(CaseIssue, name)}"
                for name in ("id", "number", "description", "stage", "outcome", "reasons")
            }
        ),
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


def _digest(text: str) -> str:
    """A keyed digest: an ETag must not let anyone test guesses of data they cannot see."""
    return hashlib.blake2b(text.encode(), digest_size=20, key=_digest_key()).hexdigest()


@functools.cache
def _digest_key() -> bytes:
    return hashlib.blake2b(
        f"putright case answers {settings.SECRET_KEY}".encode(), digest_size=32
    ).digest()


_packs: dict[str, tuple[object, str]] = {}


def _pack_digest(pack_id: str) -> str:
    """The pack's content, digested once per process (and again if the registry reloads it)."""
    pack = get_pack(pack_id)
    known = _packs.get(pack_id)
    if known is None or known[0] is not pack:
        known = (pack, hashlib.blake2b(pack.model_dump_json().encode(), digest_size=16).hexdigest())
        _packs[pack_id] = known
    return known[1]
