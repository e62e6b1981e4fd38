"""Keeping the words of each case (``CaseText``) up to date, and rebuilding them all."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.apps import apps as global_apps
from django.db import connection, transaction

from . import rules
from .models import NO_DUE_DATE

BATCH = 5000


def _models(apps: Any = None) -> tuple[Any, Any]:
    registry = apps or global_apps
    return registry.get_model("cases", "Case"), registry.get_model("search", "CaseText")


def _rows(case_model: Any, ids: Iterable[int] | None, after: int = 0) -> Iterator[tuple[Any, ...]]:
    cases = case_model.objects.order_by("pk")
    if ids is not None:
        cases = cases.filter(pk__in=list(ids))
    elif after:
        cases = cases.filter(pk__gt=after)
    yield from cases.values_list(
        "pk",
        "organisation_id",
        "summary",
        "customer__name",
        "customer__address",
        "customer__postcode",
        "next_due_on",
    ).iterator(chunk_size=BATCH)


def _has_due(text_model: Any) -> bool:
    """Whether the words table keeps the queue's order (not yet in the migration that fills
    it first)."""
    return any(f.name == "due_or_last" for f in text_model._meta.concrete_fields)


def _texts(rows: Iterable[tuple[Any, ...]], text_model: Any) -> Iterator[Any]:
    due = _has_due(text_model)
    for pk, organisation_id, summary, name, address, postcode, next_due_on in rows:
        public, private = rules.documents(
            name=name or "", summary=summary or "", address=address or "", postcode=postcode or ""
        )
        text = text_model(
            case_id=pk, organisation_id=organisation_id, public=public, private=private
        )
        if due:
            text.due_or_last = next_due_on or NO_DUE_DATE
        yield text


def follow_due(case_id: int, next_due_on: datetime.date | None) -> None:
    """Keep the case's place in the queue's order beside its words."""
    _case_model, text_model = _models()
    text_model.objects.filter(case_id=case_id).update(due_or_last=next_due_on or NO_DUE_DATE)


def refresh(case_ids: Iterable[int], *, apps: Any = None) -> int:
    """Write the words of these cases again (a case gone is left out); how many were written."""
    case_model, text_model = _models(apps)
    ids = sorted({int(i) for i in case_ids})
    if not ids:
        return 0
    texts = list(_texts(_rows(case_model, ids), text_model))
    with transaction.atomic():
        text_model.objects.filter(case_id__in=ids).delete()
        text_model.objects.bulk_create(texts, batch_size=BATCH)
    return len(texts)


def rebuild(
    *,
    apps: Any = None,
    progress: Callable[[int, int], None] | None = None,
    after: int | None = None,
) -> int:
    """Write the words of every case, or (``after``) of the cases with a greater id only, as
    a bulk load of new cases needs; how many were written. COPY on PostgreSQL."""
    case_model, text_model = _models(apps)
    if after is None:
        if connection.vendor == "postgresql":  # every row: no dead rows left behind
            with connection.cursor() as cursor:  # deferred checks made first: TRUNCATE waits none
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {text_model._meta.db_table}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            text_model.objects.all().delete()
    todo = case_model.objects.filter(pk__gt=after or 0)
    total = todo.count()
    done = 0
    batch: list[Any] = []
    for text in _texts(_rows(case_model, None, after=after or 0), text_model):
        batch.append(text)
        if len(batch) >= BATCH:
            done += _write(text_model, batch)
            batch = []
            if progress:
                progress(done, total)
    done += _write(text_model, batch)
    if progress:
        progress(done, total)
    return done


def _write(text_model: Any, texts: list[Any]) -> int:
    if not texts:
        return 0
    if connection.vendor != "postgresql":
        text_model.objects.bulk_create(texts, batch_size=BATCH)
        return len(texts)
    table = text_model._meta.db_table
    columns = ["case_id", "organisation_id", "public", "private"]
    if _has_due(text_model):
        columns.append("due_or_last")
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for t in texts:
            copy.write_row(tuple(getattr(t, c) for c in columns))
    return len(texts)
