"""The one search of cases (``rules.py``), as a condition on a queryset of cases, so that
visibility and every other filter apply inside the same query."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from . import rules

_POSTGRES = (
    "SELECT case_id FROM search_casetext WHERE public_tsv @@ to_tsquery('simple'::regconfig, %s)"
)
_POSTGRES_PRIVATE = (
    " OR (organisation_id IN ({orgs}) AND private_tsv @@ to_tsquery('simple'::regconfig, %s))"
)
_SQLITE = "SELECT rowid AS case_id FROM search_casetext_fts WHERE search_casetext_fts MATCH %s"
_SQLITE_PRIVATE = (
    " UNION SELECT t.case_id FROM search_casetext_fts f "
    "JOIN search_casetext t ON t.case_id = f.rowid "
    "WHERE search_casetext_fts MATCH %s AND t.organisation_id IN ({orgs})"
)


#: Up to this many matches, their ids are read first and the cases filtered by them; past
#: it the words are common, and the query finds the first page's matches as it reads the
#: cases in order.
MATERIALISE = 10_000


def _words_sql(found: list[str], private_organisations: Collection[int]) -> tuple[str, list[Any]]:
    orgs: list[int] = sorted(int(o) for o in private_organisations)
    placeholders = ", ".join(["%s"] * len(orgs))
    params: list[Any]
    if connection.vendor == "postgresql":
        query = rules.postgres_query(found)
        sql, params = _POSTGRES, [query]
        if orgs:
            sql += _POSTGRES_PRIVATE.format(orgs=placeholders)
            params += [*orgs, query]
    else:
        sql, params = _SQLITE, [rules.fts5_query(found, "public")]
        if orgs:
            sql += _SQLITE_PRIVATE.format(orgs=placeholders)
            params += [rules.fts5_query(found, "private"), *orgs]
    return sql, params


def _words_condition(found: list[str], private_organisations: Collection[int]) -> Q:
    """The cases whose words match: by their ids when there are few (the planner cannot tell
    how few a word matches, and reading every case in order looking for a rare one is slow),
    else as a subquery."""
    sql, params = _words_sql(found, private_organisations)
    if connection.vendor == "postgresql" and _estimate(sql, params) > MATERIALISE:
        # Clearly common (a postcode district, a common surname): reading the ids would
        # build a bitmap of every match first.
        return _each_case(found, private_organisations)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT case_id FROM ({sql}) AS found LIMIT %s", [*params, MATERIALISE + 1])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) > MATERIALISE:
        if connection.vendor == "postgresql":
            return _each_case(found, private_organisations)
        return Q(pk__in=RawSQL(sql, params))
    if connection.vendor == "postgresql":  # one array, however many: no long list to plan
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
    return Q(pk__in=ids)


def _estimate(sql: str, params: list[Any]) -> float:
    """The planner's estimate of how many cases match (from the indexes' statistics)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def _each_case(found: list[str], private_organisations: Collection[int]) -> Q:
    """A common word on PostgreSQL: each case, read in the list's order, is looked up in the
    words table by its id until the page is full (a subquery of every match would first read
    hundreds of thousands of them)."""
    from django.apps import apps
    from django.db.models import Exists, OuterRef

    query = rules.postgres_query(found)
    orgs = sorted(int(o) for o in private_organisations)
    where = "public_tsv @@ to_tsquery('simple'::regconfig, %s)"
    params: list[Any] = [query]
    if orgs:
        where += (
            f" OR (organisation_id IN ({', '.join(['%s'] * len(orgs))}) AND "
            "private_tsv @@ to_tsquery('simple'::regconfig, %s))"
        )
        params += [*orgs, query]
    words = apps.get_model("search", "CaseText").objects.filter(case_id=OuterRef("pk"))
    return Q(Exists(words.extra(where=[f"({where})"], params=params)))


def search_condition(text: str, *, private_organisations: Collection[int]) -> Q | None:
    """The condition a case meets to match ``text``; None when nothing can match.

    ``private_organisations``: where the reader may see contact details, so a postcode or
    the words of an address find cases there and nowhere else.
    """
    text = text.strip()
    if not text:
        return None
    if rules.looks_like_reference(text):
        return Q(reference=text.upper())
    postcode = rules.as_postcode(text)
    if postcode:
        if not private_organisations:
            return None
        return Q(
            customer__postcode=postcode,
            organisation_id__in=sorted(int(o) for o in private_organisations),
        )
    found = rules.query_words(text)
    if not found:
        return None
    return _words_condition(found, private_organisations)


def search(cases: QuerySet, text: str, *, private_organisations: Collection[int]) -> QuerySet:  # type: ignore[type-arg]
    """The cases among ``cases`` that match ``text`` (none when nothing can match)."""
    condition = search_condition(text, private_organisations=private_organisations)
    return cases.none() if condition is None else cases.filter(condition)
