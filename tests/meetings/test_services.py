"""The meetings services on their own: two people changing one meeting at once, a crash
rolling the whole action back, a meeting with petitioners on any case, and the extension of
the panel's 17 working days by agreement moving the date a meeting may be booked for."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest

from putright.accounts.models import Role
from putright.cases.models import EventKind
from putright.cases.services import Actor, case_extend
from putright.errors import ConflictError, PolicyRuleError
from putright.meetings import services
from putright.meetings.models import Meeting, Status
from putright.meetings.services import AttendeeIn
from putright.timeline.models import Entry
from tests.api.conftest import at

pytestmark = pytest.mark.django_db

CRM = Role.COMPLAINTS_MANAGER.value
FRIDAY = at(2026, 3, 20, 10)


def _book(case, users, *, when=FRIDAY, kind="call", **extra):
    return services.meeting_book(
        case=case,
        kind=kind,
        starts_at=when,
        ends_at=when + datetime.timedelta(hours=1),
        location="Telephone",
        attendees=extra.pop(
            "attendees", [AttendeeIn(part="senior_manager", username="senior_manager")]
        ),
        actor=Actor(users[CRM]),
        **extra,
    )


def test_a_second_person_changing_the_same_meeting_is_refused(escalated, users, clock):
    case = escalated("senior_manager_review")
    clock(2026, 3, 11, 9)
    meeting = _book(case, users)
    seen = meeting.version
    services.meeting_rebook(
        meeting=meeting,
        starts_at=at(2026, 3, 23, 10),
        ends_at=at(2026, 3, 23, 11),
        reason="First change",
        actor=Actor(users[CRM]),
        expected_version=seen,
    )
    with pytest.raises(ConflictError) as raised:
        services.meeting_cancel(
            meeting=meeting, reason="Second change", actor=Actor(users[CRM]), expected_version=seen
        )
    assert str(raised.value) == services.STALE
    meeting.refresh_from_db()
    assert meeting.status == Status.REBOOKED


def test_a_crash_while_booking_leaves_nothing_behind(escalated, users, clock):
    case = escalated("senior_manager_review")
    clock(2026, 3, 11, 9)
    events = case.events.count()
    with (
        mock.patch.object(services, "_invite", side_effect=RuntimeError("mail server down")),
        pytest.raises(RuntimeError),
    ):
        _book(case, users)
    assert not Meeting.objects.exists()
    assert not Entry.objects.filter(record_type="meeting").exists()
    assert case.events.count() == events
    assert not case.events.filter(kind=EventKind.STEP_DONE).exists()


def test_a_meeting_with_the_petitioners_on_any_case_with_anyone(escalated, users, clock):
    case = escalated("compensation_review", about=("compensation",))
    clock(2026, 3, 11, 9)
    meeting = _book(
        case,
        users,
        kind="petitioners_meeting",
        attendees=[
            AttendeeIn(part="petitioner", name="Ann Lead", email="ann@example.org"),
            AttendeeIn(part="petitioner", name="Bob Signed"),
            AttendeeIn(part="handler", username=Role.COMPLAINT_HANDLER.value),
        ],
    )
    assert meeting.review == ""
    assert [a.name for a in meeting.attendees.all()] == [
        "Ann Lead",
        "Bob Signed",
        "Complaint Handler",
    ]
    invited = Entry.objects.get(
        record_type="meeting", record_id=meeting.pk, kind="invitations_sent"
    )
    assert invited.data["to"] == ["Ann Lead", "Complaint Handler"]
    assert invited.data["without_address"] == ["Bob Signed"]


def test_the_panel_extension_for_availability_moves_the_latest_meeting_date(
    escalated, users, clock
):
    """17 working days from Tue 10 March is Thu 2 April; extended by 10 for the panel's
    availability with the customer's agreement (4.8.2, 4.8.7), counted on from Thu 2 April:
    Tue 7 (1, after Good Friday 3 and Easter Monday 6 April), Wed 8, Thu 9, Fri 10, Mon 13,
    Tue 14, Wed 15, Thu 16, Fri 17, Mon 20 April (10)."""
    case = escalated("complaint_review_panel")
    clock(2026, 3, 11, 9)
    seats = [
        AttendeeIn(part="senior_manager", username="senior_manager", seat="senior_manager"),
        AttendeeIn(
            part="resident_panel_member",
            name="Sam",
            email="s@example.org",
            seat="involved_resident",
        ),
    ]
    with pytest.raises(PolicyRuleError) as raised:
        _book(case, users, kind="panel_meeting", when=at(2026, 4, 20, 10), attendees=seats)
    assert "on or before Thu 2 Apr 2026" in str(raised.value)
    case = case_extend(
        case=case,
        actor=Actor(users[CRM]),
        working_days=10,
        reason="panel_availability",
        explanation="The residents cannot meet before Easter",
        customer_agreed=True,
    )
    deadline = services.step_deadline(case, "panel_meeting")
    assert deadline is not None
    assert deadline.due == datetime.date(2026, 4, 20)
    with pytest.raises(PolicyRuleError):
        _book(case, users, kind="panel_meeting", when=at(2026, 4, 21, 10), attendees=seats)
    meeting = _book(case, users, kind="panel_meeting", when=at(2026, 4, 20, 10), attendees=seats)
    assert meeting.review == "complaint_review_panel"


def test_the_pre_meeting_moves_and_is_cancelled_with_the_panel_meeting_and_names_its_chair(
    escalated, users, clock
):
    case = escalated("complaint_review_panel")
    clock(2026, 3, 11, 9)
    seats = [
        AttendeeIn(part="senior_manager", username="senior_manager", seat="senior_manager"),
        AttendeeIn(
            part="resident_panel_member",
            name="Sam",
            email="s@example.org",
            seat="involved_resident",
        ),
        AttendeeIn(part="customer", person_id=case.customer_id),
    ]
    panel = _book(case, users, kind="panel_meeting", when=at(2026, 3, 26, 14), attendees=seats)
    (pre,) = panel.pre_meetings.all()
    assert (pre.starts_at, pre.ends_at) == (at(2026, 3, 26, 13, 30), at(2026, 3, 26, 14))
    services.meeting_rebook(
        meeting=panel,
        starts_at=at(2026, 3, 27, 10),
        ends_at=at(2026, 3, 27, 12),
        reason="Room not free",
        actor=Actor(users[CRM]),
    )
    pre.refresh_from_db()
    assert (pre.starts_at, pre.ends_at, pre.sequence) == (
        at(2026, 3, 27, 9, 30),
        at(2026, 3, 27, 10),
        1,
    )
    clock(2026, 3, 27, 9, 45)
    chair = pre.attendees.get(name="Sam")
    services.meeting_hold(meeting=pre, chair=chair.pk, actor=Actor(users[CRM]))
    assert panel.attendees.get(name="Sam").part == "chair"
    services.meeting_cancel(meeting=panel, reason="Customer withdrew", actor=Actor(users[CRM]))
    pre.refresh_from_db()
    assert pre.status == Status.HELD  # held already: it stays as it was


def test_cancelling_the_panel_meeting_cancels_its_pre_meeting(escalated, users, clock):
    case = escalated("complaint_review_panel")
    clock(2026, 3, 11, 9)
    seats = [AttendeeIn(part="senior_manager", username="senior_manager", seat="senior_manager")]
    panel = _book(case, users, kind="panel_meeting", when=at(2026, 3, 26, 14), attendees=seats)
    services.meeting_cancel(meeting=panel, reason="Customer withdrew", actor=Actor(users[CRM]))
    (pre,) = panel.pre_meetings.all()
    assert (pre.status, pre.sequence, pre.cancel_reason) == (
        Status.CANCELLED,
        1,
        "Customer withdrew",
    )
