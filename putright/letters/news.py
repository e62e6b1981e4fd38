"""What a resident is told was sent to them: only what was (issue: a response recorded is not
a letter sent).

The portal says "We sent you our Stage 1 response by e-mail on Wed 30 Dec 2026" only when a
letter or e-mail about that response exists; otherwise that the response is decided and the
letter is on its way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from putright.cases.models import Case, ClosureReason, Event, EventKind
from putright.cases.selectors import case_events, stage_events
from putright.domain.calendar import describe

from .models import Channel, Correspondence, Status
from .words import pack_or_none


@dataclass(frozen=True)
class News:
    """Where the case is, in the resident's words: a heading and a sentence or two."""

    title: str
    text: str


def written_letter_about(case: Case, sequence: int) -> Correspondence | None:
    """The letter or e-mail sent to the customer about an event (not a call to make, not a
    note to a team), if there is one."""
    return (
        case.correspondence.filter(
            event_sequence=sequence, channel__in=(Channel.EMAIL, Channel.POST)
        )
        .order_by("created_at", "pk")
        .first()
    )


def how_it_went(letter: Correspondence) -> str:
    """``by e-mail on Mon 9 Mar 2026``; a letter still to be posted says so."""
    on = describe(timezone.localdate(letter.sent_at or letter.created_at))
    if letter.channel == Channel.EMAIL:
        return f"by e-mail on {on}"
    if letter.status == Status.QUEUED_FOR_PRINT:
        return f"by post: we wrote it on {on} and it is being printed and posted to you"
    return f"by post on {on}"


def response_news(case: Case, events: list[Event] | None = None) -> News | None:
    """What the resident is told about the response at the case's stage (or why it was
    refused), from the letters that exist; None when neither applies."""
    events = list(case_events(case)) if events is None else events
    if case.is_closed:
        return _refusal_news(case, events)
    pack = pack_or_none(case.policy_pack)
    stage = next((s for s in pack.stages if s.id == case.stage), None) if pack else None
    if stage is None:
        return None
    responded = next((e for e in stage_events(case, events) if e.kind == EventKind.RESPONDED), None)
    if responded is None:
        return None
    final = " This was our final response." if stage.final else ""
    letter = written_letter_about(case, responded.sequence)
    if letter is None:
        return News(
            "We have made our decision",
            f"We have decided our {stage.label} response. "
            f"The letter explaining it is on its way to you.{final}",
        )
    return News(
        "We have replied",
        f"We sent you our {stage.label} response {how_it_went(letter)}.{final}",
    )


def _refusal_news(case: Case, events: list[Event]) -> News | None:
    if case.closure_reason != ClosureReason.REFUSED:
        return None
    refused = [
        e
        for e in events
        if e.kind == EventKind.ESCALATION_REFUSED
        or (e.kind == EventKind.ELIGIBILITY_DECIDED and not (e.data or {}).get("accepted", True))
    ]
    if not refused:
        return None
    letter = written_letter_about(case, refused[-1].sequence)
    said = "We could not take it forward under our complaints policy."
    if letter is None:
        return News("Closed", f"{said} Our letter explaining why is on its way to you.")
    return News("Closed", f"{said} We wrote to explain why, {how_it_went(letter)}.")
