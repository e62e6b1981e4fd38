"""Review meetings on a case, and the review they serve.

``GET /cases/{reference}/meetings`` lists them; ``POST /cases/{reference}/meetings`` books one
and ``POST /cases/{reference}/meetings/{meeting_id}/{rebook|cancel|held|minutes}`` changes it;
``GET .../meetings/{meeting_id}/invite.ics`` is its calendar invitation as it now stands.
``GET /cases/{reference}/review`` is the review (the pack's rule, the customer's wish, what
was sent, the draft letter and who agreed it); ``GET /cases/{reference}/review/report.pdf`` the
report generated from the case; ``POST /cases/{reference}/review/{step}`` each of its steps
declared in ``putright/actions/meetings.py``. Only those who see the case reach them (404
otherwise); role rules answer 403, the policy's rules 422 naming the rule.
"""

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from putright.accounts.access import NotVisibleError, can_see_personal_data, record_access
from putright.actions.catalogue import NestedAction, perform_nested
from putright.actions.meetings import MEETING_STEPS, MEETINGS_BY_NAME, REVIEW_STEPS, MeetingIn
from putright.cases.access import access_case
from putright.cases.models import Case
from putright.meetings import services
from putright.meetings.invitations import invitation
from putright.meetings.models import Meeting
from putright.meetings.papers import papers_for, papers_pdf
from putright.timeline.selectors import record_history

from .reference import user_of
from .schemas import Text, errors

router = Router(tags=["meetings"])

NO_MEETING = "The case has no meeting {meeting_id}."


class MeetingAttendeeOut(Schema):
    id: int
    name: str
    part: str
    seat: str = ""
    staff: bool = Field(..., description="A member of staff (else a person invited by e-mail)")
    email: str = Field("", description="Only for those who may see personal data")


class MeetingHistoryOut(Schema):
    kind: str
    occurred_at: datetime.datetime
    actor: str
    data: dict[str, Any]


class MeetingOut(Schema):
    id: int
    kind: str
    kind_label: str
    review: str = ""
    status: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    location: str
    uid: str = Field(..., description="The calendar invitation's UID, the same for its life")
    sequence: int = Field(..., description="The invitation's SEQUENCE, one higher each change")
    minutes: str = ""
    held_at: datetime.datetime | None = None
    cancel_reason: str = ""
    version: int
    attendees: list[MeetingAttendeeOut]
    history: list[MeetingHistoryOut]


class MeetingDeadlineOut(Schema):
    step: str
    label: str
    due: datetime.date
    state: str
    explanation: str


class MeetingReviewOut(Schema):
    review: str | None = Field(None, description="The pack's review the case is at, if any")
    label: str = ""
    source: str = ""
    is_panel: bool = False
    seats: list[dict[str, Any]] = []
    questions: list[str] = []
    wish: str = ""
    report_sent_at: datetime.datetime | None = None
    summary_sent_at: datetime.datetime | None = None
    letter_draft: int = 0
    letter_outcome: str = ""
    letter_text: str = ""
    letter_sent_at: datetime.datetime | None = None
    agreed_by: list[str] = []
    waiting_for: list[str] = []
    deadlines: list[MeetingDeadlineOut] = []


def _meeting(case: Case, meeting_id: int) -> Meeting:
    found = Meeting.objects.filter(case=case, pk=meeting_id).first()
    if found is None:
        raise NotVisibleError(NO_MEETING.format(meeting_id=meeting_id))
    found.case = case
    return found


def meeting_out(meeting: Meeting, *, personal: bool) -> dict[str, Any]:
    """A meeting as the API answers it; addresses only for those who may see personal data."""
    meeting.refresh_from_db()
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "kind_label": meeting.get_kind_display(),
        "review": meeting.review,
        "status": meeting.status,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "location": meeting.location,
        "uid": meeting.uid,
        "sequence": meeting.sequence,
        "minutes": meeting.minutes,
        "held_at": meeting.held_at,
        "cancel_reason": meeting.cancel_reason,
        "version": meeting.version,
        "attendees": [
            {
                "id": a.pk,
                "name": a.name,
                "part": a.part,
                "seat": a.seat,
                "staff": a.user_id is not None,
                "email": (a.user.email if a.user else a.email) if personal else "",
            }
            for a in meeting.attendees.select_related("user")
        ],
        "history": [
            {
                "kind": e.kind,
                "occurred_at": e.occurred_at,
                "actor": e.actor_label,
                "data": e.data,
            }
            for e in record_history(record_type="meeting", record_id=meeting.pk)
        ],
    }


def review_out(case: Case) -> dict[str, Any]:
    rule = services.review_rule(case)
    if rule is None:
        return {"review": None}
    record = case.reviews.filter(review=rule.id).first()
    panel = services.panel_meeting(case, rule)
    agreed: list[str] = []
    waiting: list[str] = []
    if record is not None and panel is not None and record.letter_draft:
        agreed = [
            a.attendee.name
            for a in record.agreements.filter(draft=record.letter_draft).select_related("attendee")
        ]
        waiting = [m.name for m in services.waiting_for(record, panel)]
    steps = {s for s in (rule.meeting_step, rule.report_step, rule.summary_step) if s}
    from putright.cases.selectors import case_deadlines

    deadlines = [
        {
            "step": d.step,
            "label": d.label,
            "due": d.due,
            "state": d.state.value,
            "explanation": d.explanation.text(),
        }
        for d in case_deadlines(case)
        if d.stage == case.stage
        and (d.step in steps or d.step in ("respond", "investigator_reply"))
    ]
    return {
        "review": rule.id,
        "label": rule.label,
        "source": rule.source,
        "is_panel": rule.is_panel,
        "seats": [s.model_dump() for s in rule.seats],
        "questions": list(rule.questions),
        "wish": record.wish if record else "",
        "report_sent_at": record.report_sent_at if record else None,
        "summary_sent_at": record.summary_sent_at if record else None,
        "letter_draft": record.letter_draft if record else 0,
        "letter_outcome": record.letter_outcome if record else "",
        "letter_text": record.letter_text if record else "",
        "letter_sent_at": record.letter_sent_at if record else None,
        "agreed_by": agreed,
        "waiting_for": waiting,
        "deadlines": deadlines,
    }


@router.get(
    "/cases/{reference}/meetings",
    response={200: list[MeetingOut], **errors(404)},
    operation_id="case_meetings",
    summary="The case's meetings and calls, each with its attendees and history",
)
def meetings_list(request: HttpRequest, reference: Text) -> Any:
    user = user_of(request)
    case = access_case(user, reference)
    personal = can_see_personal_data(user, case)
    return [meeting_out(m, personal=personal) for m in case.meetings.all()]


@router.post(
    "/cases/{reference}/meetings",
    response={201: MeetingOut, **errors(403, 404, 409, 422)},
    operation_id="case_meeting_book",
    summary="Book a meeting or call and e-mail everyone its calendar invitation",
)
def meeting_book(request: HttpRequest, reference: Text, payload: MeetingIn) -> Any:
    user = user_of(request)
    case = access_case(user, reference)
    meeting = perform_nested(
        MEETINGS_BY_NAME["meeting-book"], user=user, case=case, target=None, payload=payload
    )
    return Status(201, meeting_out(meeting, personal=can_see_personal_data(user, case)))


@router.get(
    "/cases/{reference}/meetings/{meeting_id}/invite.ics",
    response={200: None, **errors(404)},
    operation_id="case_meeting_invitation",
    summary="The meeting's calendar invitation (.ics) as it now stands",
)
def meeting_invitation(request: HttpRequest, reference: Text, meeting_id: int) -> HttpResponse:
    user = user_of(request)
    case = access_case(user, reference)
    meeting = _meeting(case, meeting_id)
    response = HttpResponse(invitation(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@router.get(
    "/cases/{reference}/review",
    response={200: MeetingReviewOut, **errors(404)},
    operation_id="case_review",
    summary="The review the case is at: its rule, the customer's wish, papers, letter, deadlines",
)
def review_get(request: HttpRequest, reference: Text) -> Any:
    user = user_of(request)
    case = access_case(user, reference)
    return review_out(case)


@router.get(
    "/cases/{reference}/review/report.pdf",
    response={200: None, **errors(404)},
    operation_id="case_review_report_pdf",
    summary="The review report generated from the case, as PDF (without contact details for "
    "those who may not see them)",
)
def review_report_pdf(request: HttpRequest, reference: Text, kind: str = "report") -> HttpResponse:
    user = user_of(request)
    case = access_case(user, reference)
    kind = "summary" if kind == "summary" else "report"
    pdf = papers_pdf(papers_for(case, user=user, kind=kind), kind=kind)
    record_access(user, "review papers downloaded", case.reference, kind)
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-{kind}-{stamp}.pdf"'
    return response


def _register_meeting_step(step: str, action: NestedAction) -> None:
    schema = action.schema

    def endpoint(
        request: HttpRequest,
        reference: Text,
        meeting_id: int,
        payload: schema,  # type: ignore[valid-type]
    ) -> Any:
        user = user_of(request)
        case = access_case(user, reference)
        meeting = perform_nested(
            action, user=user, case=case, target=_meeting(case, meeting_id), payload=payload
        )
        return meeting_out(meeting, personal=can_see_personal_data(user, case))

    endpoint.__name__ = f"case_{action.name.replace('-', '_')}"
    router.post(
        f"/cases/{{reference}}/meetings/{{meeting_id}}/{step}",
        response={200: MeetingOut, **errors(403, 404, 409, 422)},
        operation_id=endpoint.__name__,
        summary=action.label,
    )(endpoint)


def _register_review_step(step: str, action: NestedAction) -> None:
    schema = action.schema

    def endpoint(
        request: HttpRequest,
        reference: Text,
        payload: schema,  # type: ignore[valid-type]
    ) -> Any:
        user = user_of(request)
        case = access_case(user, reference)
        perform_nested(action, user=user, case=case, target=None, payload=payload)
        case.refresh_from_db()
        return review_out(case)

    endpoint.__name__ = f"case_{action.name.replace('-', '_')}"
    router.post(
        f"/cases/{{reference}}/review/{step}",
        response={200: MeetingReviewOut, **errors(403, 404, 409, 422)},
        operation_id=endpoint.__name__,
        summary=action.label,
    )(endpoint)


for _step, _action in MEETING_STEPS.items():
    _register_meeting_step(_step, _action)
for _step, _action in REVIEW_STEPS.items():
    _register_review_step(_step, _action)
