"""The one search of cases (``rules.py``), as a condition on a queryset of cases, so that
visibility and every other filter apply inside the same query."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from putright.database import without_jit

from . import rules

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


def _sqlite_sql(found: list[str], private_organisations: Collection[int]) -> tuple[str, list[Any]]:
    orgs: list[int] = sorted(int(o) for o in private_organisations)
    sql = _SQLITE
    params: list[Any] = [rules.fts5_query(found, "public")]
    if orgs:
        sql += _SQLITE_PRIVATE.format(orgs=", ".join(["%s"] * len(orgs)))
        params += [rules.fts5_query(found, "private"), *orgs]
    return sql, params


def _words_condition(
    found: list[str],
    private_organisations: Collection[int],
    whole_organisations: Collection[int] | None,
) -> Q:
    """The cases whose words match: by their ids when there are few (the planner cannot tell
    how few a word matches, and reading every case in order looking for a rare one is slow),
    else as a subquery."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        where, params = _match_sql(found, private_organisations, whole_organisations)
        sql = f"SELECT case_id FROM search_casetext WHERE {where}"
        estimate = _estimate(sql, params)
        if estimate > MATERIALISE:
            # Clearly common (a postcode district, a common surname): reading the ids would
            # build a bitmap of every match first.
            return _common(where, params, whole_organisations, estimate)
    else:
        sql, params = _sqlite_sql(found, private_organisations)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT case_id FROM ({sql}) AS found LIMIT %s", [*params, MATERIALISE + 1])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) > MATERIALISE:
        if postgres:
            return _common(where, params, whole_organisations, len(ids))
        return Q(pk__in=RawSQL(sql, params))
    return _among(ids)


def _among(ids: list[int]) -> Q:
    if connection.vendor == "postgresql":  # one array, however many: no long list to plan
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
    return Q(pk__in=ids)


#: A word common somewhere is first looked for among this many cases at the head of the
#: queue's order (``CaseText.due_or_last``), to tell whether reading the cases in that order
#: soon fills a page.
PROBE = 2_000
#: Reading the cases in order costs about this many times more per case than reading one
#: match from the words table (both measured at 2.5 million cases: 1.7 and 1.1 µs), and a page
#: is about this many cases (``docs/benchmarks.md``).
WALK_COST, PAGE = 1.5, 50
#: Listed from the words table alone, a common word gives at most this many cases: more
#: than a search page (50) or forty pages of the queue, which counts a search no further
#: (``staff.views.queues.SEARCH_COUNT_CAP``).
LISTED = 1_001


def _common(
    sql: str, params: list[Any], whole_organisations: Collection[int] | None, matches: float
) -> Q:
    """A word matching many cases (PostgreSQL). Where it is common near the head of the
    queue's order (a surname, a word of many summaries), each case is read in that order and
    looked up until the page is full. Where it is common only in some organisation whose
    cases come late in that order (a postcode district: one landlord's), that would read
    most cases first; its first ``LISTED`` matches in the queue's order are read from the
    words table instead, each organisation's limited to what the reader may search there.

    The second way only when the list is drawn from whole organisations
    (``whole_organisations``): no other condition that could leave fewer cases than a page
    among those matches. ``sql``: the condition on a row of the words table (``_match_sql``)."""
    if whole_organisations is None:
        return _each_case(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT * FROM search_casetext"
            f" ORDER BY due_or_last, case_id LIMIT %s) AS head WHERE {sql}",
            [PROBE, *params],
        )
        head = cursor.fetchone()[0]
    # Reading in order until a page is found costs about PAGE / (head / PROBE) cases.
    if head and WALK_COST * PAGE * PROBE / head <= matches:
        return _each_case(sql, params)
    organisations = sorted(int(o) for o in whole_organisations)
    if not organisations:
        return Q(pk__in=[])
    # Every match read through the words' index, then the first in order kept ("+ 0": not
    # by walking the order's index, which is the slow way for such a word).
    with without_jit(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT case_id FROM search_casetext WHERE {sql} AND organisation_id IN "
            f"({', '.join(['%s'] * len(organisations))}) "
            "ORDER BY due_or_last + 0, case_id + 0 LIMIT %s",
            [*params, *organisations, LISTED],
        )
        return _among([row[0] for row in cursor.fetchall()])


def _match_sql(
    found: list[str],
    private_organisations: Collection[int],
    whole_organisations: Collection[int] | None,
) -> tuple[str, list[Any]]:
    """The condition on a row of the words table (PostgreSQL). Where the reader may see
    contact details in every organisation listed, the one document holding every word is
    enough (it holds the public words too)."""
    query = rules.postgres_query(found)
    orgs = sorted(int(o) for o in private_organisations)
    if whole_organisations is not None and set(whole_organisations) <= set(orgs):
        return "private_tsv @@ to_tsquery('simple'::regconfig, %s)", [query]
    where = "public_tsv @@ to_tsquery('simple'::regconfig, %s)"
    params: list[Any] = [query]
    if orgs:
        where += (
            f" OR (organisation_id IN ({', '.join(['%s'] * len(orgs))}) AND "
            "private_tsv @@ to_tsquery('simple'::regconfig, %s))"
        )
        params += [*orgs, query]
    return f"({where})", params


def _estimate(sql: str, params: list[Any]) -> float:
    """The planner's estimate of how many cases match (from the indexes' statistics)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def _each_case(where: str, params: list[Any]) -> Q:
    """A common word on PostgreSQL: each case, read in the list's order, is looked up in the
    words table by its id until the page is full (a subquery of every match would first read
    hundreds of thousands of them)."""
    from django.apps import apps
    from django.db.models import Exists, OuterRef

    words = apps.get_model("search", "CaseText").objects.filter(case_id=OuterRef("pk"))
    return Q(Exists(words.extra(where=[where], params=params)))


def search_condition(
    text: str,
    *,
    private_organisations: Collection[int],
    whole_organisations: Collection[int] | None = None,
) -> Q | None:
    """The condition a case meets to match ``text``; None when nothing can match.

    ``private_organisations``: where the reader may see contact details, so a postcode or
    the words of an address find cases there and nowhere else. ``whole_organisations``:
    given when the list being searched is every case the reader may see in these
    organisations and nothing narrower (no other filter; the reader sees every case there
    but perhaps a few about staff conduct), so that a common word may be listed from the
    words table alone.
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
    return _words_condition(found, private_organisations, whole_organisations)


def search(
    cases: QuerySet,  # type: ignore[type-arg]
    text: str,
    *,
    private_organisations: Collection[int],
    whole_organisations: Collection[int] | None = None,
) -> QuerySet:  # type: ignore[type-arg]
    """The cases among ``cases`` that match ``text`` (none when nothing can match)."""
    condition = search_condition(
        text,
        private_organisations=private_organisations,
        whole_organisations=whole_organisations,
    )
    return cases.none() if condition is None else cases.filter(condition)
