"""Personal words out of the chronology: an event refers to them by id.

An event's data holds what happened (ids, dates, outcomes, amounts); the words a person
wrote or said (a note, a response's text, a reason in someone's words, a name or an
address) are kept in ``PersonalText`` rows the event points to, ``{"$text": 17}`` in place
of the words. Events stay append-only; erasure and retention empty the texts they point
to, never the events. Reading events through the ORM puts the words back (one query per
list of events), so every page, letter and API answer reads ``event.data`` as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from putright.domain.personal_text import joined, markers, renumber, split


def store(events: Iterable[Any]) -> list[tuple[Any, Any]]:
    """Before events are written: their words into ``PersonalText`` rows, their data to
    markers. Returns each event with the data to put back once written."""
    from .models import PersonalText

    events = list(events)
    plans = []
    rows: list[PersonalText] = []
    for event in events:
        keep: list[str] = []
        stored = split(event.data or {}, keep)
        plans.append((event, event.data, stored, len(rows), len(keep)))
        rows.extend(PersonalText(case_id=event.case_id, body=words) for words in keep)
    if rows:
        PersonalText.objects.bulk_create(rows)
    restore = []
    for event, original, stored, start, count in plans:
        if count:
            event.data = renumber(stored, [r.pk for r in rows[start : start + count]])
        restore.append((event, original))
    return restore


def resolve(events: list[Any]) -> None:
    """Put the words back into events just read (one query for them all)."""
    from .models import PersonalText

    wanted: set[int] = set()
    for event in events:
        data = getattr(event, "data", None)
        if data:
            markers(data, wanted)
    if not wanted:
        return
    texts = dict(PersonalText.objects.filter(pk__in=wanted).values_list("pk", "body"))
    for event in events:
        data = getattr(event, "data", None)
        if data:
            event.data = joined(data, texts)
