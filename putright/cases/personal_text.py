"""Personal words out of the chronology: an event refers to them by id.

An event's data holds what happened (ids, dates, outcomes, amounts); the words a person
wrote or said (a note, a response's text, a reason in someone's words, a name or an
address) are kept in ``PersonalText`` rows the event points to, ``{"$text": 17}`` in place
of the words. Events stay append-only; erasure and retention empty the texts they point
to, never the events. Reading events through the ORM puts the words back (one query per
list of events), so every page, letter and API answer reads ``event.data`` as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: Keys of an event's data whose value is someone's words, a name or contact details.
PERSONAL_TEXT_KEYS = frozenset(
    {
        "text",
        "note",
        "notes",
        "summary",
        "reasons",
        "explanation",
        "description",
        "details",
        "desired_outcome",
        "outcome_sought",
        "finding",
        "remedy",
        "behaviour",
        "findings",
        "minutes",
        "comment",
        "comments",
        "evidence",
        "reasoning",
        "name",
        "email",
        "phone",
        "address",
        "postcode",
        "recipient",
        "subject",
        "body",
        "asked",
        "appeal",
        "location",
    }
)
#: Keys whose value is an id where it looks like one (``panel_availability``), else words.
MAYBE_TEXT_KEYS = frozenset({"reason"})
_ID = re.compile(r"^[a-z0-9_\-]*$")
MARKER = "$text"


def is_words(key: str, value: Any) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    if key in PERSONAL_TEXT_KEYS:
        return True
    return key in MAYBE_TEXT_KEYS and not _ID.match(value)


def split(data: Any, keep: list[str]) -> Any:
    """``data`` with each personal text replaced by a marker numbered by its place in
    ``keep`` (where the words are appended); the caller replaces the numbers by ids."""
    if isinstance(data, dict):
        result: dict[str, Any] = {}
        for key, value in data.items():
            if is_words(key, value):
                result[key] = {MARKER: len(keep)}
                keep.append(value)
            else:
                result[key] = split(value, keep)
        return result
    if isinstance(data, list):
        return [split(item, keep) for item in data]
    return data


def renumber(data: Any, ids: list[int]) -> Any:
    """Markers numbered by place made to carry the stored texts' ids."""
    if isinstance(data, dict):
        if set(data) == {MARKER}:
            return {MARKER: ids[data[MARKER]]}
        return {k: renumber(v, ids) for k, v in data.items()}
    if isinstance(data, list):
        return [renumber(v, ids) for v in data]
    return data


def markers(data: Any, found: set[int]) -> None:
    if isinstance(data, dict):
        if set(data) == {MARKER} and isinstance(data[MARKER], int):
            found.add(data[MARKER])
            return
        for value in data.values():
            markers(value, found)
    elif isinstance(data, list):
        for value in data:
            markers(value, found)


def joined(data: Any, texts: dict[int, str]) -> Any:
    """``data`` with its markers replaced by the words they point to."""
    if isinstance(data, dict):
        if set(data) == {MARKER} and isinstance(data[MARKER], int):
            return texts.get(data[MARKER], "")
        return {k: joined(v, texts) for k, v in data.items()}
    if isinstance(data, list):
        return [joined(v, texts) for v in data]
    return data


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
