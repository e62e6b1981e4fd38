"""Personal words kept apart from an append-only history: the pure rules.

A history's event holds what happened (ids, dates, outcomes, amounts); the words a person
wrote or said (a note, a response's text, a reason in someone's words, a name or an
address) are stored elsewhere and the event holds ``{"$text": id}`` in their place. These
functions find the words, put markers in their place and put the words back; the case
chronology (``putright/cases/personal_text.py``) and the timeline of any record
(``putright/timeline/models.py``) store and read them.
"""

from __future__ import annotations

import re
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
        # Lists of someone's words: each string in them is kept apart.
        "triggers",
        "found",
        "words",
        "signs",
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
            elif key in PERSONAL_TEXT_KEYS and isinstance(value, list | dict):
                result[key] = _every_string(value, keep)
            else:
                result[key] = split(value, keep)
        return result
    if isinstance(data, list):
        return [split(item, keep) for item in data]
    return data


def _every_string(data: Any, keep: list[str]) -> Any:
    if isinstance(data, str) and data.strip():
        keep.append(data)
        return {MARKER: len(keep) - 1}
    if isinstance(data, dict):
        return {k: _every_string(v, keep) for k, v in data.items()}
    if isinstance(data, list):
        return [_every_string(v, keep) for v in data]
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
