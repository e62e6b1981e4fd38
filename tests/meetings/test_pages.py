"""The staff pages: the case page's meetings, booking with errors beside their fields, the
review page with its deadlines explained and its papers, and the panel's letter agreed."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from putright.accounts.models import Role
from putright.meetings.models import Meeting

pytestmark = pytest.mark.django_db

HANDLER = Role.COMPLAINT_HANDLER.value
CRM = Role.COMPLAINTS_MANAGER.value


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_booking_a_call_in_the_pages_marks_the_step_done_and_sends_invitations(
    escalated, users, clock, django_capture_on_commit_callbacks
):
    case = escalated("senior_manager_review")
    clock(2026, 3, 11, 9)
    page = browser(users[HANDLER])
    shown = text(page.get(f"/cases/{case.reference}/"))
    assert "Meetings and calls" in shown
    assert "Senior Manager Review" in shown
    url = f"/cases/{case.reference}/meetings/"
    assert page.get(url).status_code == 200
    late = page.post(
        url,
        {
            "kind": "call",
            "starts_at": "2026-04-01T10:00",
            "ends_at": "2026-04-01T10:30",
            "location": "Telephone",
            "a1_username": Role.SENIOR_MANAGER.value,
            "a1_part": "senior_manager",
            "invite_customer": "yes",
        },
    )
    assert late.status_code == 400
    body = text(late)
    assert 'id="starts_at-error"' in body
    assert "On or before Tue 31 Mar 2026." in body
    missing_part = page.post(
        url,
        {
            "kind": "call",
            "starts_at": "2026-03-31T10:00",
            "ends_at": "2026-03-31T10:30",
            "location": "Telephone",
            "a1_username": Role.SENIOR_MANAGER.value,
        },
    )
    assert missing_part.status_code == 400
    assert "Choose what they do at the meeting." in text(missing_part)
    unknown = page.post(
        url,
        {
            "kind": "call",
            "starts_at": "2026-03-31T10:00",
            "ends_at": "2026-03-31T10:30",
            "location": "Telephone",
            "a3_username": "nobody",
            "a3_part": "senior_manager",
        },
    )
    assert unknown.status_code == 400
    beside = text(unknown).split('id="a3"', 1)[1].split("</fieldset>", 1)[0]
    assert "There is no member of staff &#x27;nobody&#x27; here." in beside
    with django_capture_on_commit_callbacks(execute=True):
        booked = page.post(
            url,
            {
                "kind": "call",
                "starts_at": "2026-03-31T10:00",
                "ends_at": "2026-03-31T10:30",
                "location": "Telephone",
                "a1_username": Role.SENIOR_MANAGER.value,
                "a1_part": "senior_manager",
                "invite_customer": "yes",
            },
        )
    assert booked.status_code == 302
    meeting = Meeting.objects.get(case=case)
    assert booked["Location"].endswith(f"#meeting-{meeting.pk}")
    assert len(mail.outbox) == 2
    shown = text(page.get(f"/cases/{case.reference}/"))
    assert "Tue 31 Mar 2026, 10:00" in shown
    assert "History of this meeting" in shown
    assert "Invitation sent by Complaint Handler. The invitation (sequence 0) to" in shown
    ics = page.get(f"/cases/{case.reference}/meetings/{meeting.pk}/invite.ics")
    assert b"BEGIN:VCALENDAR" in ics.content
    review = text(page.get(f"/cases/{case.reference}/review/"))
    assert "Senior Manager&#x27;s call or visit" in review or "Senior Manager's call" in review
    assert "Day 15 of 15 working days is Tue 31 Mar 2026" in review
    assert "Met" in review
    assert "1 High Street" in review  # the handler may see the customer's address
    pdf = page.get(f"/cases/{case.reference}/review/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"


def test_a_resident_panel_member_sees_the_papers_without_contact_details_and_agrees(
    escalated, users, clock, api
):
    case = escalated("complaint_review_panel")
    clock(2026, 3, 11, 9)
    booked = api[CRM].post(
        f"/cases/{case.reference}/meetings",
        {
            "kind": "panel_meeting",
            "starts_at": "2026-03-26T10:00:00",
            "ends_at": "2026-03-26T12:00:00",
            "location": "Northtown office",
            "attendees": [
                {"part": "senior_manager", "username": "senior_manager", "seat": "senior_manager"},
                {
                    "part": "resident_panel_member",
                    "username": "resident",
                    "seat": "involved_resident",
                },
                {"part": "customer", "person_id": case.customer_id},
            ],
        },
    )
    assert booked.status_code == 201, booked.content
    resident = browser(users["resident"])
    review = text(resident.get(f"/cases/{case.reference}/review/"))
    assert "Damp in the bedroom" in review
    assert "1 High Street" not in review
    assert "pat@example.org" not in review
    assert "leaves out the customer" in review
    case_page = text(resident.get(f"/cases/{case.reference}/"))
    assert "pat@example.org" not in case_page
    clock(2026, 3, 26, 12, 30)
    meeting = Meeting.objects.get(case=case, kind="panel_meeting")
    api[CRM].post(f"/cases/{case.reference}/meetings/{meeting.pk}/held", {})
    api[CRM].post(
        f"/cases/{case.reference}/review/letter",
        {"outcome": "not_upheld", "text": "The panel does not uphold the complaint."},
    )
    page = resident.get(f"/cases/{case.reference}/review/letter/agree/")
    assert page.status_code == 200
    assert "The panel does not uphold the complaint." in text(page)
    agreed = resident.post(f"/cases/{case.reference}/review/letter/agree/", {})
    assert agreed.status_code == 302
    review = text(resident.get(f"/cases/{case.reference}/review/"))
    assert "Agreed by: Resident." in review
    # Sending is not theirs to do; the page says so.
    assert resident.get(f"/cases/{case.reference}/review/letter/send/").status_code == 403
