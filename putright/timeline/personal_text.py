"""Personal words out of a record's history: an entry refers to them by id, as a case event
does (``putright/domain/personal_text.py``); erasure empties ``EntryText``, never the entry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from putright.domain.personal_text import joined, markers, renumber, split


def store(entries: Iterable[Any]) -> list[tuple[Any, Any]]:
    """Before entries are written: their words into ``EntryText`` rows, their data to
    markers. Returns each entry with the data to put back once written."""
    from .models import EntryText

    entries = list(entries)
    plans = []
    rows: list[EntryText] = []
    for entry in entries:
        keep: list[str] = []
        stored = split(entry.data or {}, keep)
        plans.append((entry, entry.data, stored, len(rows), len(keep)))
        rows.extend(
            EntryText(record_type=entry.record_type, record_id=entry.record_id, body=words)
            for words in keep
        )
    if rows:
        EntryText.objects.bulk_create(rows)
    restore = []
    for entry, original, stored, start, count in plans:
        if count:
            entry.data = renumber(stored, [r.pk for r in rows[start : start + count]])
        restore.append((entry, original))
    return restore


def resolve(entries: list[Any]) -> None:
    """Put the words back into entries just read (one query for them all)."""
    from .models import EntryText

    wanted: set[int] = set()
    for entry in entries:
        data = getattr(entry, "data", None)
        if data:
            markers(data, wanted)
    if not wanted:
        return
    texts = dict(EntryText.objects.filter(pk__in=wanted).values_list("pk", "body"))
    for entry in entries:
        data = getattr(entry, "data", None)
        if data:
            entry.data = joined(data, texts)
