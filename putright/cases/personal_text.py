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

from putright.timeline.personal_text import read_words, store_words


def store(events: Iterable[Any]) -> list[tuple[Any, Any]]:
    """Before events are written: their words into ``PersonalText`` rows, their data to
    markers. Returns each event with the data to put back once written."""
    from .models import PersonalText

    return store_words(events, lambda event, words: PersonalText(case_id=event.case_id, body=words))


def resolve(events: list[Any]) -> None:
    """Put the words back into events just read (one query for them all)."""
    from .models import PersonalText

    read_words(events, PersonalText)
