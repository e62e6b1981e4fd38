"""A Senior Manager Review and a Complaint Review Panel, through the API, under Southern's
procedure (4.7, 4.8). Every due date is counted by hand in ``conftest.py``'s table: stage 2
counts from the request to escalate, Tue 10 March 2026 (day 0)."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from icalendar import Calendar
from pypdf import PdfReader

from putright.accounts.models import Role
from putright.cases.models import EventKind
from tests.api.conftest import at

from .conftest import DAY

pytestmark = pytest.mark.django_db

HANDLER = Role.COMPLAINT_HANDLER.value
SENIOR = Role.SENIOR_MANAGER.value
CRM = Role.COMPLAINTS_MANAGER.value


def _deadline(review: dict, step: str) -> dict:
    return next(d for d in review["deadlines"] if d["step"] == step)


def _ics(message) -> Calendar:
    (attachment,) = [a for a in message.attachments if a[0] == "invite.ics"]
    return Calendar.from_ical(attachment[1])


def test_senior_manager_review_call_booked_in_the_window_with_its_report_on_time(
    escalated, api, users, clock, django_capture_on_commit_callbacks
):
    sending = django_capture_on_commit_callbacks
    case = escalated("senior_manager_review")
    ref = case.reference
    review = api[HANDLER].get(f"/cases/{ref}/review").json()
    assert review["review"] == "senior_manager_review"
    # 4.7.4: the report within 6 working days: day 6 is Wed 18 March.
    report = _deadline(review, "review_report")
    assert report["due"] == DAY[6].isoformat() == "2026-03-18"
    assert "Wed 18 Mar 2026" in report["explanation"]
    # 4.7.2: the call no later than 10-15 working days: day 15 is Tue 31 March.
    call = _deadline(review, "senior_manager_call")
    assert call["due"] == DAY[15].isoformat() == "2026-03-31"

    wish = api[HANDLER].post(f"/cases/{ref}/review/wish", {"wish": "visit", "note": "Mornings"})
    assert wish.status_code == 200, wish.content
    assert wish.json()["wish"] == "visit"

    body = {
        "kind": "visit",
        "starts_at": "2026-04-01T10:00:00",
        "ends_at": "2026-04-01T11:00:00",
        "location": "The customer's home",
        "attendees": [
            {"part": "senior_manager", "username": SENIOR},
            {"part": "customer", "person_id": case.customer_id},
        ],
    }
    late = api[HANDLER].post(f"/cases/{ref}/meetings", body)
    assert late.status_code == 422, late.content
    error = late.json()["error"]
    assert "on or before Tue 31 Mar 2026" in error["message"]
    assert "reviews.senior_manager_review.meeting_step" in error["message"]

    clock(2026, 3, 12, 9)
    mail.outbox.clear()
    body |= {"starts_at": "2026-03-31T14:00:00", "ends_at": "2026-03-31T15:00:00"}
    with sending(execute=True):
        booked = api[HANDLER].post(f"/cases/{ref}/meetings", body)
    assert booked.status_code == 201, booked.content
    meeting = booked.json()
    assert meeting["status"] == "booked"
    assert meeting["sequence"] == 0
    assert [h["kind"] for h in meeting["history"]] == ["meeting_booked", "invitations_sent"]
    # Both invited get the invitation, each naming only themselves, in London time.
    assert sorted(m.to[0] for m in mail.outbox) == ["pat@example.org", "senior_manager@example.org"]
    first = _ics(mail.outbox[0])
    assert first["method"] == "REQUEST"
    (event,) = first.walk("VEVENT")
    assert str(event["uid"]) == meeting["uid"]
    assert int(event["sequence"]) == 0
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert event["dtstart"].dt.hour == 14
    assert len(first.walk("VTIMEZONE")) == 1
    assert str(event["attendee"]) == f"mailto:{mail.outbox[0].to[0]}"
    # Booking the call marks the step done, with its event on the case.
    review = api[HANDLER].get(f"/cases/{ref}/review").json()
    assert _deadline(review, "senior_manager_call")["state"] == "met"
    assert case.events.filter(kind=EventKind.STEP_DONE, data__step="senior_manager_call").exists()

    # The report, generated from the case, sent on day 5 (Tue 17 March): on time.
    clock(2026, 3, 17, 11)
    mail.outbox.clear()
    with sending(execute=True):
        sent = api[HANDLER].post(f"/cases/{ref}/review/report", {})
    assert sent.status_code == 200, sent.content
    assert _deadline(sent.json(), "review_report")["state"] == "met"
    assert [m.to for m in mail.outbox] == [["senior_manager@example.org"]]
    pdf = api[SENIOR].get(f"/cases/{ref}/review/report.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for fact in (
        ref,
        "Pat Resident",
        "1 High Street",
        "Damp in the bedroom",
        "gutter blocked",
        "The damp is back",
        "Fix the damp and repaint",
        "Visit: Tue 31 Mar 2026",
    ):
        assert fact in text, fact
    again = api[HANDLER].post(f"/cases/{ref}/review/report", {})
    assert again.status_code == 409

    # Rebooked: the same UID, one sequence higher; cancelled: METHOD:CANCEL, higher still.
    mail.outbox.clear()
    with sending(execute=True):
        moved = api[HANDLER].post(
            f"/cases/{ref}/meetings/{meeting['id']}/rebook",
            {
                "starts_at": "2026-03-30T09:00:00",
                "ends_at": "2026-03-30T10:00:00",
                "reason": "The senior manager is away on the 31st",
            },
        )
    assert moved.status_code == 200, moved.content
    event = next(iter(_ics(mail.outbox[0]).walk("VEVENT")))
    assert str(event["uid"]) == meeting["uid"]
    assert int(event["sequence"]) == 1
    mail.outbox.clear()
    with sending(execute=True):
        cancelled = api[HANDLER].post(
            f"/cases/{ref}/meetings/{meeting['id']}/cancel", {"reason": "The customer withdrew"}
        )
    assert cancelled.status_code == 200
    calendar = _ics(mail.outbox[0])
    assert calendar["method"] == "CANCEL"
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["uid"]) == meeting["uid"]
    assert int(event["sequence"]) == 2
    assert len(mail.outbox) == 2
    ics = api[HANDLER].get(f"/cases/{ref}/meetings/{meeting['id']}/invite.ics")
    assert ics.status_code == 200
    assert b"METHOD:CANCEL" in ics.content


def _panel_body(case, *, residents: int = 2) -> dict:
    attendees = [
        {"part": "senior_manager", "username": SENIOR, "seat": "senior_manager"},
        {"part": "resident_panel_member", "username": "resident", "seat": "involved_resident"},
        {
            "part": "resident_panel_member",
            "name": "Sam Steering",
            "email": "sam@example.org",
            "seat": "involved_resident",
        },
        {"part": "note_taker", "username": "bst"},
        {"part": "customer", "person_id": case.customer_id},
    ]
    if residents == 3:
        attendees.append(
            {
                "part": "resident_panel_member",
                "name": "Lee Third",
                "email": "lee@example.org",
                "seat": "involved_resident",
            }
        )
    return {
        "kind": "panel_meeting",
        "starts_at": "2026-04-02T10:00:00",
        "ends_at": "2026-04-02T12:00:00",
        "location": "Northtown office, room 2",
        "attendees": attendees,
    }


def test_a_panel_is_convened_met_minuted_and_its_agreed_letter_sent(
    escalated, api, users, clock, django_capture_on_commit_callbacks
):
    case = escalated("complaint_review_panel", outcome="partly_upheld")
    ref = case.reference
    clock(2026, 3, 11, 9)
    review = api[CRM].get(f"/cases/{ref}/review").json()
    assert review["is_panel"]
    assert [s["role"] for s in review["seats"]] == [
        "senior_manager",
        "involved_resident",
    ]
    # 4.8.3: the summary sheet within 5 working days: Tue 17 March.
    assert _deadline(review, "panel_report")["due"] == DAY[5].isoformat() == "2026-03-17"
    # 4.8.2: the meeting within 17 working days: Thu 2 April.
    assert _deadline(review, "panel_meeting")["due"] == DAY[17].isoformat() == "2026-04-02"
    # 4.8.5: the response within 20: Thu 9 April (Good Friday and Easter Monday skipped).
    assert _deadline(review, "respond")["due"] == DAY[20].isoformat() == "2026-04-09"

    third = api[CRM].post(f"/cases/{ref}/meetings", _panel_body(case, residents=3))
    assert third.status_code == 422
    assert third.json()["error"]["message"].startswith(
        "A Complaint Review Panel has at most 2 Involved Resident (Resident Steering Group): "
        "3 were named."
    )
    assert (
        "reviews.complaint_review_panel.seats.involved_resident.max"
        in third.json()["error"]["message"]
    )

    # The resident panel member cannot see the case before they are on its panel.
    assert api["resident"].get(f"/cases/{ref}/review").status_code == 404
    booked = api[CRM].post(f"/cases/{ref}/meetings", _panel_body(case))
    assert booked.status_code == 201, booked.content
    meeting = booked.json()
    assert _deadline(api[CRM].get(f"/cases/{ref}/review").json(), "panel_meeting")["state"] == "met"

    # Now named on the case, the resident sees the meeting without anyone's address, and the
    # summary sheet without the customer's.
    seen = api["resident"].get(f"/cases/{ref}/meetings").json()
    assert [m["kind"] for m in seen] == ["pre_meeting", "panel_meeting"]
    assert {a["email"] for m in seen for a in m["attendees"]} == {""}
    mine = api[CRM].get(f"/cases/{ref}/meetings").json()
    assert "pat@example.org" in {a["email"] for a in mine[1]["attendees"]}
    # 4.8.4: the panel meets 30 minutes before, without the customer or the note-taker.
    pre = mine[0]
    # 09:30 to 10:00 British Summer Time, in UTC:
    assert (pre["starts_at"], pre["ends_at"]) == ("2026-04-02T08:30:00Z", "2026-04-02T09:00:00Z")
    assert [a["name"] for a in pre["attendees"]] == ["Senior Manager", "Resident", "Sam Steering"]
    clock(2026, 3, 16, 12)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        summary = api[CRM].post(f"/cases/{ref}/review/summary", {})
    assert summary.status_code == 200, summary.content
    assert _deadline(summary.json(), "panel_report")["state"] == "met"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "pat@example.org",
        "resident@example.org",
        "sam@example.org",
        "senior_manager@example.org",
    ]
    pdf = api["resident"].get(f"/cases/{ref}/review/report.pdf", {"kind": "summary"})
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Damp in the bedroom" in text
    assert "1 High Street" not in text
    assert "leaves out the customer's address" in text

    # Held, with a chair chosen at the pre-meeting; minutes only by the note-taker.
    ids = {a["name"]: a["id"] for a in meeting["attendees"]}
    clock(2026, 4, 2, 12, 5)
    early = api[CRM].post(f"/cases/{ref}/review/letter", {"outcome": "upheld", "text": "x"})
    assert early.status_code == 409
    held = api[CRM].post(
        f"/cases/{ref}/meetings/{meeting['id']}/held", {"chair": ids["Senior Manager"]}
    )
    assert held.status_code == 200, held.content
    assert {a["name"]: a["part"] for a in held.json()["attendees"]}["Senior Manager"] == "chair"
    refused = api[CRM].post(
        f"/cases/{ref}/meetings/{meeting['id']}/minutes", {"minutes": "We met."}
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["message"].startswith(
        "Only the note-taker, Bst, writes this meeting's minutes."
    )
    minuted = api["bst"].post(
        f"/cases/{ref}/meetings/{meeting['id']}/minutes",
        {"minutes": "The panel heard Pat and decided to uphold."},
    )
    assert minuted.status_code == 200
    assert minuted.json()["minutes"].startswith("The panel heard")

    # The draft letter, circulated and agreed by each member before it can be sent.
    draft = api[CRM].post(
        f"/cases/{ref}/review/letter",
        {"outcome": "upheld", "text": "The panel upholds your complaint."},
    )
    assert draft.status_code == 200, draft.content
    assert draft.json()["waiting_for"] == ["Senior Manager", "Resident", "Sam Steering"]
    not_yet = api[CRM].post(f"/cases/{ref}/review/letter/send", {})
    assert not_yet.status_code == 422
    assert (
        "waiting for Senior Manager, Resident, Sam Steering" in not_yet.json()["error"]["message"]
    )
    for_another = api[CRM].post(f"/cases/{ref}/review/letter/agree", {"attendee": ids["Resident"]})
    assert for_another.status_code == 403
    assert api[SENIOR].post(f"/cases/{ref}/review/letter/agree", {}).status_code == 200
    assert api["resident"].post(f"/cases/{ref}/review/letter/agree", {}).status_code == 200
    last = api[CRM].post(f"/cases/{ref}/review/letter/agree", {"attendee": ids["Sam Steering"]})
    assert last.status_code == 200
    assert last.json()["waiting_for"] == []
    sent = api[CRM].post(f"/cases/{ref}/review/letter/send", {})
    assert sent.status_code == 200, sent.content
    assert sent.json()["letter_sent_at"]
    responded = case.events.filter(kind=EventKind.RESPONDED).order_by("-sequence").first()
    assert responded.data["outcome"] == "upheld"
    assert responded.data["text"] == "The panel upholds your complaint."
    # The papers still summarise the stage 1 answer the customer escalated from.
    pdf = api[CRM].get(f"/cases/{ref}/review/report.pdf", {"kind": "summary"})
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Stage 1 outcome: partly upheld." in text
    assert "gutter blocked" in text


def test_the_panel_is_only_for_a_stage_one_not_or_partly_upheld(escalated, api, clock):
    case = escalated("senior_manager_review", outcome="upheld")
    refused = api[HANDLER].post(
        f"/cases/{case.reference}/meetings",
        {
            "kind": "panel_meeting",
            "starts_at": "2026-03-20T10:00:00",
            "ends_at": "2026-03-20T11:00:00",
            "location": "Office",
            "attendees": [{"part": "senior_manager", "username": SENIOR}],
        },
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        "A panel meeting is held only in Complaint Review Panel (stage2); "
        "this case is not at that stage."
    )


def test_compensation_review_call_and_its_deadlines(escalated, api, clock):
    case = escalated("compensation_review", about=("compensation",))
    clock(2026, 3, 11, 9)
    review = api[HANDLER].get(f"/cases/{case.reference}/review").json()
    # 4.6.5: the manager's review within 8 working days (Fri 20 March), the outcome letter
    # within 10 (Tue 24 March).
    assert _deadline(review, "investigator_reply")["due"] == DAY[8].isoformat() == "2026-03-20"
    assert _deadline(review, "respond")["due"] == DAY[10].isoformat() == "2026-03-24"
    booked = api[HANDLER].post(
        f"/cases/{case.reference}/meetings",
        {
            "kind": "compensation_review_call",
            "starts_at": "2026-03-13T10:00:00",
            "ends_at": "2026-03-13T10:30:00",
            "location": "Telephone",
            "attendees": [
                {"part": "area_manager", "username": Role.MANAGER.value},
                {"part": "customer", "person_id": case.customer_id},
            ],
        },
    )
    assert booked.status_code == 201, booked.content
    assert booked.json()["review"] == "compensation_review"


def test_bad_input_is_a_message_not_a_crash(escalated, api, clock):
    case = escalated("senior_manager_review")
    clock(2026, 3, 11, 9)
    ref = case.reference
    base = {
        "kind": "call",
        "location": "Telephone",
        "attendees": [{"part": "senior_manager", "username": "nobody"}],
    }
    wrong_way = api[HANDLER].post(
        f"/cases/{ref}/meetings",
        base | {"starts_at": "2026-03-20T10:00:00", "ends_at": "2026-03-20T09:00:00"},
    )
    assert wrong_way.status_code == 400
    assert wrong_way.json()["error"]["message"] == "The meeting must end after it starts."
    unknown = api[HANDLER].post(
        f"/cases/{ref}/meetings",
        base | {"starts_at": "2026-03-20T10:00:00", "ends_at": "2026-03-20T11:00:00"},
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"]["message"] == "There is no member of staff 'nobody' here."
    past = api[HANDLER].post(
        f"/cases/{ref}/meetings",
        base | {"starts_at": "2026-03-02T10:00:00", "ends_at": "2026-03-02T11:00:00"},
    )
    assert past.status_code == 400
    assert api[HANDLER].post(f"/cases/{ref}/meetings/999/held", {}).status_code == 404
    assert at(2026, 3, 11, 9)  # the clock stood still throughout
