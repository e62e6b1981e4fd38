"""The one search of cases (``rules.py``), as a condition on a queryset of cases, so that
visibility and every other filter apply inside the same query."""

from __future__ import annotations

from collections.abc import Collection

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from . import rules

_POSTGRES = (
    "SELECT case_id FROM search_casetext WHERE "
    "to_tsvector('simple'::regconfig, public) @@ to_tsquery('simple'::regconfig, %s)"
)
_POSTGRES_PRIVATE = (
    " OR (organisation_id IN ({orgs}) AND "
    "to_tsvector('simple'::regconfig, private) @@ to_tsquery('simple'::regconfig, %s))"
)
_SQLITE = "SELECT rowid FROM search_casetext_fts WHERE search_casetext_fts MATCH %s"
_SQLITE_PRIVATE = (
    " UNION SELECT t.case_id FROM search_casetext_fts f "
    "JOIN search_casetext t ON t.case_id = f.rowid "
    "WHERE search_casetext_fts MATCH %s AND t.organisation_id IN ({orgs})"
)


def _words_condition(found: list[str], private_organisations: Collection[int]) -> Q:
    orgs: list[int | str] = sorted(int(o) for o in private_organisations)
    params: list[int | str]
    placeholders = ", ".join(["%s"] * len(orgs))
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
    return Q(pk__in=RawSQL(sql, params))


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
