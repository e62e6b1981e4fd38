"""Keeping the words of each case (``CaseText``) up to date, and rebuilding them all."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction

from . import rules

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
    ).iterator(chunk_size=BATCH)


def _texts(rows: Iterable[tuple[Any, ...]], text_model: Any) -> Iterator[Any]:
    for pk, organisation_id, summary, name, address, postcode in rows:
        public, private = rules.documents(
            name=name or "", summary=summary or "", address=address or "", postcode=postcode or ""
        )
        yield text_model(
            case_id=pk, organisation_id=organisation_id, public=public, private=private
        )


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
    *, apps: Any = None, progress: Callable[[int, int], None] | None = None, missing: bool = False
) -> int:
    """Write the words of every case (``missing``: only of cases that have none yet)."""
    case_model, text_model = _models(apps)
    total = case_model.objects.count()
    done = 0
    if not missing:
        text_model.objects.all().delete()
    have = set(text_model.objects.values_list("case_id", flat=True)) if missing else set()
    batch: list[Any] = []
    for text in _texts(_rows(case_model, None), text_model):
        done += 1
        if text.case_id not in have:
            batch.append(text)
        if len(batch) >= BATCH:
            text_model.objects.bulk_create(batch, batch_size=BATCH)
            batch = []
        if progress and done % BATCH == 0:
            progress(done, total)
    if batch:
        text_model.objects.bulk_create(batch, batch_size=BATCH)
    if progress:
        progress(done, total)
    return done
