"""Facts added to a case's chronology: notes, contacts, letters and what other parts record."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from putright.accounts.actors import Actor

from ..errors import (
    CaseInputError,
)
from ..models import (
    Case,
    EventKind,
    SatisfactionResponse,
)
from ._common import _append, _lock, _moment, _save


@transaction.atomic
def case_add_note(
    *,
    case: Case,
    actor: Actor,
    text: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Add a note to the chronology."""
    case = _lock(case, expected_version)
    if not text.strip():
        raise CaseInputError("Write the note.", fields={"text": "Required."})
    moment = _moment(occurred_at, case)
    _append(case, EventKind.NOTE, actor, moment, {"text": text})
    _save(case)
    return case


@transaction.atomic
def case_record_event(
    *,
    case: Case,
    actor: Actor,
    kind: str,
    data: dict[str, Any],
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Append a fact that another part of PutRight owns (a remedy, an award) to the chronology.

    Locks the case and checks its version like every other action, so the caller's change
    and the event commit together or not at all.
    """
    case = _lock(case, expected_version)
    moment = _moment(occurred_at, case)
    _append(case, kind, actor, moment, data)
    _save(case)
    return case


@transaction.atomic
def case_record_letter(
    *,
    case: Case,
    actor: Actor,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> Case:
    """Record in the chronology that a letter or e-mail went out (or a call is to be made)."""
    case = _lock(case, expected_version)
    _append(case, EventKind.LETTER_SENT, actor, timezone.now(), data)
    _save(case)
    return case


@transaction.atomic
def case_record_contact(
    *,
    case: Case,
    actor: Actor,
    summary: str,
    direction: str = "inbound",
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Record contact with the customer (it resets a 'no contact' closure clock)."""
    case = _lock(case, expected_version)
    moment = _moment(occurred_at, case)
    _append(case, EventKind.CONTACTED, actor, moment, {"summary": summary, "direction": direction})
    _save(case)
    return case


def case_record_satisfaction(
    *, case: Case, score: int, comment: str
) -> SatisfactionResponse | None:
    """Keep the resident's answer to the TP09 question after closure: one per case (None when
    the case already has one, even when two arrive at once)."""
    if SatisfactionResponse.objects.filter(case=case).exists():
        return None
    try:
        with transaction.atomic():
            return SatisfactionResponse.objects.create(case=case, score=score, comment=comment)
    except IntegrityError:  # sent twice at once
        return None
