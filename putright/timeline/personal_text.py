"""Personal words out of an append-only history: an event or entry refers to them by id
(``putright/domain/personal_text.py`` has the rules); erasure empties the rows that hold
them, never the history. Used by a record's history here (``EntryText``) and by the case
chronology (``putright/cases/personal_text.py``, ``PersonalText``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models

from putright.domain.personal_text import joined, markers, renumber, split


def store_words(
    items: Iterable[Any], row: Callable[[Any, str], models.Model]
) -> list[tuple[Any, Any]]:
    """Before ``items`` are written: their words into rows (``row(item, words)`` makes one,
    unsaved), their data to markers. Returns each item with the data to put back once
    written."""
    items = list(items)
    plans = []
    rows: list[models.Model] = []
    for item in items:
        keep: list[str] = []
        stored = split(item.data or {}, keep)
        plans.append((item, item.data, stored, len(rows), len(keep)))
        rows.extend(row(item, words) for words in keep)
    if rows:
        type(rows[0])._default_manager.bulk_create(rows)
    restore = []
    for item, original, stored, start, count in plans:
        if count:
            item.data = renumber(stored, [r.pk for r in rows[start : start + count]])
        restore.append((item, original))
    return restore


def read_words(items: list[Any], model: type[models.Model]) -> None:
    """Put the words back into ``items`` just read (one query for them all)."""
    wanted: set[int] = set()
    for item in items:
        if getattr(item, "data", None):
            markers(item.data, wanted)
    if not wanted:
        return
    texts = dict(model._default_manager.filter(pk__in=wanted).values_list("pk", "body"))
    for item in items:
        if getattr(item, "data", None):
            item.data = joined(item.data, texts)


def store(entries: Iterable[Any]) -> list[tuple[Any, Any]]:
    from .models import EntryText

    return store_words(
        entries,
        lambda entry, words: EntryText(
            record_type=entry.record_type, record_id=entry.record_id, body=words
        ),
    )


def resolve(entries: list[Any]) -> None:
    from .models import EntryText

    read_words(entries, EntryText)
