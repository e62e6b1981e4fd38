"""The actions on a case's review meetings and its review, declared once.

``POST /api/v1/cases/{reference}/meetings`` books a meeting or call;
``POST /api/v1/cases/{reference}/meetings/{meeting_id}/{rebook|cancel|held|minutes}`` changes
one; ``POST /api/v1/cases/{reference}/review/{wish|report|summary|letter|letter/agree|
letter/send}`` take the review's steps. The staff page of each is the same path with a
trailing slash. They are ``NestedAction``s: ``perform_nested`` checks the permission
(``ACTION_ROLES``), then the service in ``putright/meetings/services.py`` checks it again
with the pack's ``[[reviews]]`` and the state of the meeting.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field

from putright.cases.models import Case
from putright.meetings import services
from putright.meetings.models import Meeting, Review
from putright.meetings.papers import papers_for, papers_html

from .catalogue import NestedAction, aware
from .inputs import In

MeetingKindIn = Literal[
    "call",
    "visit",
    "panel_meeting",
    "pre_meeting",
    "compensation_review_call",
    "petitioners_meeting",
]
PartIn = Literal[
    "chair",
    "note_taker",
    "senior_manager",
    "panel_member",
    "resident_panel_member",
    "area_manager",
    "handler",
    "customer",
    "representative",
    "petitioner",
    "other",
]


class MeetingStepIn(In):
    occurred_at: datetime.datetime | None = Field(
        None, description="When it happened: never in the future; now if not given."
    )
    version: int | None = Field(
        None, ge=1, description="The version you are acting on; 409 if it changed."
    )


class MeetingAttendeeIn(In):
    part: PartIn
    username: str = Field("", max_length=150, description="A member of staff, by username.")
    person_id: int | None = Field(None, ge=1, description="A person already known, by id.")
    name: str = Field("", max_length=200, description="Anyone else: their name ...")
    email: str = Field("", max_length=254, description="... and where the invitation goes.")
    seat: str = Field(
        "", max_length=60, description="The panel seat they fill: a role id of the pack's review."
    )


class MeetingIn(MeetingStepIn):
    kind: MeetingKindIn
    starts_at: datetime.datetime = Field(..., description="When it starts (Europe/London).")
    ends_at: datetime.datetime = Field(..., description="When it ends.")
    location: str = Field(..., min_length=1, max_length=300, description="Where, or how.")
    attendees: list[MeetingAttendeeIn] = Field(..., min_length=1, max_length=40)
    notes: str = Field("", max_length=5000)


class MeetingRebookIn(MeetingStepIn):
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    location: str = Field("", max_length=300, description="Unchanged if blank.")
    reason: str = Field(..., min_length=1, max_length=2000)


class MeetingCancelIn(MeetingStepIn):
    reason: str = Field(..., min_length=1, max_length=2000)


class MeetingHeldIn(MeetingStepIn):
    chair: int | None = Field(None, ge=1, description="The attendee who chaired (a panel).")


class MeetingMinutesIn(MeetingStepIn):
    minutes: str = Field(..., min_length=1, max_length=50000)


class ReviewWishIn(MeetingStepIn):
    wish: Literal["call", "visit"]
    note: str = Field("", max_length=2000, description="e.g. a video call, times that suit.")


class ReviewReportIn(MeetingStepIn):
    to: str = Field(
        "",
        max_length=150,
        description="The reviewer's username; the call's senior manager if blank.",
    )


class PanelLetterIn(MeetingStepIn):
    outcome: Literal["upheld", "partly_upheld", "not_upheld"]
    text: str = Field(..., min_length=1, max_length=50000)


class PanelAgreeIn(MeetingStepIn):
    attendee: int | None = Field(
        None,
        ge=1,
        description="The panel member agreeing (a caseworker records one without an account); "
        "you if not given.",
    )


def _at(moment: datetime.datetime, field: str) -> datetime.datetime:
    """A time the input requires, placed in local time."""
    placed = aware(moment, field)
    assert placed is not None  # the schema requires it
    return placed


def _c(common: dict[str, Any]) -> dict[str, Any]:
    return {"occurred_at": common["occurred_at"], "expected_version": common["expected_version"]}


def _book(case: Case, _: Any, actor: Any, p: MeetingIn, c: dict[str, Any]) -> Meeting:
    return services.meeting_book(
        case=case,
        kind=p.kind,
        starts_at=_at(p.starts_at, "starts_at"),
        ends_at=_at(p.ends_at, "ends_at"),
        location=p.location,
        attendees=[services.AttendeeIn(**a.model_dump()) for a in p.attendees],
        notes=p.notes,
        actor=actor,
        **_c(c),
    )


def _report(case: Case, _: Any, actor: Any, p: ReviewReportIn, c: dict[str, Any]) -> Review:
    html = papers_html(papers_for(case, user=None, kind="report"), kind="report")
    return services.review_report_send(case=case, to=p.to, html=html, actor=actor, **_c(c))


def _summary(case: Case, _: Any, actor: Any, p: MeetingStepIn, c: dict[str, Any]) -> Review:
    html = papers_html(papers_for(case, user=None, kind="summary"), kind="summary")
    return services.panel_summary_send(case=case, html=html, actor=actor, **_c(c))


MEETING_ACTIONS: tuple[NestedAction, ...] = (
    NestedAction(
        "meeting-book",
        "Book a meeting or call",
        "/cases/{reference}/meetings",
        MeetingIn,
        _book,
        lambda m: f"{m.get_kind_display()} booked; invitations are on their way.",
        permission="meeting-book",
        button="Book and send invitations",
    ),
    NestedAction(
        "meeting-rebook",
        "Rebook the meeting",
        "/cases/{reference}/meetings/{meeting_id}/rebook",
        MeetingRebookIn,
        lambda case, m, actor, p, c: services.meeting_rebook(
            meeting=m,
            starts_at=_at(p.starts_at, "starts_at"),
            ends_at=_at(p.ends_at, "ends_at"),
            location=p.location,
            reason=p.reason,
            actor=actor,
            **_c(c),
        ),
        lambda m: "Meeting moved; everyone gets the updated invitation.",
        permission="meeting-rebook",
        button="Rebook and send updates",
        target="meeting",
    ),
    NestedAction(
        "meeting-cancel",
        "Cancel the meeting",
        "/cases/{reference}/meetings/{meeting_id}/cancel",
        MeetingCancelIn,
        lambda case, m, actor, p, c: services.meeting_cancel(
            meeting=m, reason=p.reason, actor=actor, **_c(c)
        ),
        lambda m: "Meeting cancelled; everyone gets the cancellation.",
        permission="meeting-cancel",
        button="Cancel the meeting",
        warning=True,
        target="meeting",
    ),
    NestedAction(
        "meeting-held",
        "Record that the meeting was held",
        "/cases/{reference}/meetings/{meeting_id}/held",
        MeetingHeldIn,
        lambda case, m, actor, p, c: services.meeting_hold(
            meeting=m, chair=p.chair, actor=actor, **_c(c)
        ),
        lambda m: "Recorded: the meeting was held.",
        permission="meeting-hold",
        target="meeting",
    ),
    NestedAction(
        "meeting-minutes",
        "Record the minutes",
        "/cases/{reference}/meetings/{meeting_id}/minutes",
        MeetingMinutesIn,
        lambda case, m, actor, p, c: services.meeting_minutes(
            meeting=m, minutes=p.minutes, actor=actor, **_c(c)
        ),
        lambda m: "Minutes recorded.",
        permission="meeting-minutes",
        target="meeting",
    ),
    NestedAction(
        "meeting-wish",
        "Record what the customer asked for",
        "/cases/{reference}/review/wish",
        ReviewWishIn,
        lambda case, _, actor, p, c: services.review_wish(
            case=case, wish=p.wish, note=p.note, actor=actor, **_c(c)
        ),
        lambda r: f"Recorded: the customer asked for a {r.wish}.",
        permission="meeting-wish",
    ),
    NestedAction(
        "review-report-send",
        "Send the review report",
        "/cases/{reference}/review/report",
        ReviewReportIn,
        _report,
        lambda r: "Report sent to the reviewer.",
        permission="review-report-send",
        button="Send the report",
    ),
    NestedAction(
        "panel-summary-send",
        "Send the summary sheet",
        "/cases/{reference}/review/summary",
        MeetingStepIn,
        _summary,
        lambda r: "Summary sheet sent to the panel and the customer.",
        permission="panel-summary-send",
        button="Send the summary sheet",
    ),
    NestedAction(
        "panel-letter-draft",
        "Draft the decision letter",
        "/cases/{reference}/review/letter",
        PanelLetterIn,
        lambda case, _, actor, p, c: services.panel_letter_draft(
            case=case, outcome=p.outcome, text=p.text, actor=actor, **_c(c)
        ),
        lambda r: f"Draft {r.letter_draft} circulated to the panel to agree.",
        permission="panel-letter-draft",
        button="Circulate to the panel",
    ),
    NestedAction(
        "panel-letter-agree",
        "Agree the decision letter",
        "/cases/{reference}/review/letter/agree",
        PanelAgreeIn,
        lambda case, _, actor, p, c: services.panel_letter_agree(
            case=case, attendee=p.attendee, actor=actor, **_c(c)
        ),
        lambda r: f"Agreement to draft {r.letter_draft} recorded.",
        permission="panel-letter-agree",
        button="Agree this draft",
    ),
    NestedAction(
        "panel-letter-send",
        "Send the agreed decision letter",
        "/cases/{reference}/review/letter/send",
        MeetingStepIn,
        lambda case, _, actor, p, c: services.panel_letter_send(case=case, actor=actor, **_c(c)),
        lambda r: "Decision letter sent: the stage 2 response is recorded.",
        permission="panel-letter-send",
        button="Send the letter",
        warning=True,
    ),
)

MEETINGS_BY_NAME: dict[str, NestedAction] = {a.name: a for a in MEETING_ACTIONS}
#: The steps on one meeting, by the last part of their path (``rebook``, ``held`` ...).
MEETING_STEPS: dict[str, NestedAction] = {
    a.path.rsplit("/", 1)[1]: a for a in MEETING_ACTIONS if a.target == "meeting"
}
#: The review's steps, by their path after ``/review/`` (``wish``, ``letter/agree`` ...).
REVIEW_STEPS: dict[str, NestedAction] = {
    a.path.split("/review/", 1)[1]: a for a in MEETING_ACTIONS if "/review/" in a.path
}
