"""Hazards inside complaints: recognised at intake whatever the interface, confirmed or
dismissed with a reason, and timed by Awaab's Law's clocks from the moment of receipt."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from putright.accounts.access import AccessDeniedError
from putright.accounts.models import Role
from putright.cases.services import Actor, case_close, case_receive
from putright.errors import CaseInputError, CaseStateError
from putright.hazards import services as h
from putright.hazards.models import Hazard, HazardLetter
from putright.hazards.selectors import hazards_of
from putright.organisations.models import ClosureDay
from putright.people.models import Person
from putright.timeline.models import Clock
from putright.timeline.selectors import clocks_owed_by, record_history
from putright.timeline.services import sweep_clocks
from tests.api.conftest import make_user
from tests.conftest import at

pytestmark = pytest.mark.django_db

CODE = "hos-code-2024"
MOULD = "Black mould in the bedroom and my son has asthma"


@pytest.fixture
def org(organisation_on):
    return organisation_on(CODE)


@pytest.fixture
def handler(org):
    return make_user("hazel", org, Role.COMPLAINT_HANDLER)


def receive(org, handler, summary, *, tenure="tenant", received_at=None, kind="complaint", **extra):
    customer = Person.objects.create(organisation=org, name="Pat Resident", tenure=tenure)
    return case_receive(
        organisation=org,
        kind=kind,
        channel="web_form",
        received_at=received_at or at(2025, 12, 19, 10),
        summary=summary,
        actor=Actor(handler),
        customer=customer,
        **extra,
    )


def clocks(hazard):
    return {c.step: c for c in Clock.objects.filter(record_type="hazard", record_id=hazard.pk)}


def test_a_portal_complaint_about_mould_with_asthma_is_flagged_with_its_words(org, handler, clock):
    clock(2025, 12, 19, 12)
    case = receive(org, handler, MOULD)

    (hazard,) = Hazard.objects.filter(case=case)
    assert (hazard.kind, hazard.severity, hazard.status) == (
        "damp_mould",
        "significant",
        "suspected",
    )
    assert "mould" in hazard.trigger_words()
    assert "Respiratory illness" in hazard.sign_labels()
    assert hazard.statutory
    # Investigate within 10 working days of becoming aware, counted by hand across Christmas.
    assert clocks(hazard)["investigate"].due_on == datetime.date(2026, 1, 7)


def test_a_complaint_about_rent_or_staff_raises_nothing(org, handler, clock):
    clock(2025, 12, 19, 12)
    receive(org, handler, "My rent went up and the officer was rude to me on the phone")
    assert not Hazard.objects.exists()


def test_the_landlords_closure_days_do_not_pause_the_statutory_clock(org, handler, clock):
    ClosureDay.objects.create(organisation=org, date=datetime.date(2025, 12, 29), name="Closed")
    clock(2025, 12, 19, 12)
    case = receive(org, handler, MOULD)
    hazard = case.hazards.get()
    assert clocks(hazard)["investigate"].due_on == datetime.date(2026, 1, 7)


def test_a_gas_smell_is_an_emergency_due_in_24_clock_hours_from_receipt_not_from_the_cut_off(
    org, handler, clock
):
    clock(2025, 12, 19, 22)
    case = receive(org, handler, "I can smell gas in the kitchen", received_at=at(2025, 12, 19, 21))
    hazard = case.hazards.get()
    assert hazard.severity == "emergency"
    due = {step: c.due_at for step, c in clocks(hazard).items()}
    assert due["emergency_investigate"] == at(2025, 12, 20, 21)
    assert due["emergency_make_safe"] == at(2025, 12, 20, 21)


def test_a_leaseholders_report_is_flagged_without_the_statutory_clocks_saying_so(
    org, handler, clock
):
    clock(2025, 12, 19, 12)
    case = receive(org, handler, MOULD, tenure="leaseholder")
    hazard = case.hazards.get()
    assert not hazard.statutory
    assert "Not a social rented tenancy" in hazard.coverage
    assert not clocks(hazard)


def test_a_hazard_reported_before_the_law_came_in_has_no_clocks(org, handler, clock):
    clock(2025, 10, 20, 12)
    case = receive(org, handler, MOULD, received_at=at(2025, 10, 20, 10))
    hazard = case.hazards.get()
    assert not hazard.statutory
    assert "were not in force" in hazard.coverage


def test_the_health_and_safety_flag_raised_by_hand_becomes_a_suspected_hazard(org, handler, clock):
    clock(2025, 12, 19, 12)
    case = receive(org, handler, "Complaint about the contractor", flags=["health_and_safety"])
    hazard = case.hazards.get()
    assert (hazard.kind, hazard.origin, hazard.status) == ("other", "flag", "suspected")


def test_the_journey_confirm_investigate_summary_and_safety_work(org, handler, clock):
    clock(2025, 12, 19, 12)
    case = receive(org, handler, MOULD)
    hazard = case.hazards.get()
    actor = Actor(handler)

    clock(2025, 12, 22, 9)
    hazard = h.hazard_confirm(hazard=hazard, actor=actor)
    assert hazard.status == "confirmed"
    assert hazard.owner == handler
    assert [o.clock.step for o in clocks_owed_by(user=handler)] == ["investigate"]

    clock(2025, 12, 23, 15)
    hazard = h.hazard_investigated(hazard=hazard, findings="Mould on two walls", actor=actor)
    steps = clocks(hazard)
    assert steps["investigate"].completed_at is not None
    # From the end of the investigation (Tue 23 Dec): 3 working days, skipping 25 and 26
    # December: Wed 24, Mon 29, Tue 30; 5 working days, skipping 1 January too: Wed 31, Fri 2.
    assert steps["written_summary"].due_on == datetime.date(2025, 12, 30)
    assert steps["safety_work"].due_on == datetime.date(2026, 1, 2)
    assert steps["further_work_started"].due_on == datetime.date(2026, 3, 17)

    clock(2025, 12, 24, 10)
    hazard = h.hazard_summary_sent(
        hazard=hazard, found="Mould on two walls", will_do="Treat and ventilate", actor=actor
    )
    letter = HazardLetter.objects.get(hazard=hazard)
    assert "Treat and ventilate" in letter.html
    assert "Fri 2 Jan 2026" in letter.html

    clock(2025, 12, 29, 10)
    hazard = h.hazard_made_safe(hazard=hazard, actor=actor)
    assert hazard.status == "made_safe"
    (answer,) = hazards_of(case)
    states = {d["step"]: d["state"] for d in answer["deadlines"]}
    assert states["safety_work"] == "done"
    assert states["written_summary"] == "done"
    kinds = [e.kind for e in record_history(record_type="hazard", record_id=hazard.pk)]
    assert {
        "hazard_suspected",
        "hazard_confirmed",
        "hazard_investigated",
        "summary_sent",
        "made_safe",
    } <= set(kinds)


def test_dismissing_needs_a_reason_and_stops_the_clocks(org, handler, clock):
    clock(2025, 12, 19, 12)
    hazard = receive(org, handler, MOULD).hazards.get()
    with pytest.raises(CaseInputError) as error:
        h.hazard_dismiss(hazard=hazard, reason=" ", actor=Actor(handler))
    assert error.value.fields == {"reason": h.NO_REASON}
    hazard = h.hazard_dismiss(hazard=hazard, reason="No hazard found", actor=Actor(handler))
    assert hazard.status == "dismissed"
    assert all(c.completed_at for c in clocks(hazard).values())


def test_clocks_go_on_when_the_case_is_closed_and_the_sweep_chases_them(org, handler, clock):
    clock(2025, 12, 19, 12)
    case = receive(org, handler, MOULD)
    hazard = h.hazard_confirm(hazard=case.hazards.get(), actor=Actor(handler))
    case_close(case=case, reason="resolved", actor=Actor(handler))
    clock(2026, 1, 8, 9)
    assert sweep_clocks() == 1
    assert clocks(hazard)["investigate"].chased_at is not None


def test_a_step_out_of_order_is_refused_in_words(org, handler, clock):
    clock(2025, 12, 19, 12)
    hazard = receive(org, handler, MOULD).hazards.get()
    with pytest.raises(CaseStateError, match="Confirm the hazard first"):
        h.hazard_made_safe(hazard=hazard, actor=Actor(handler))
    with pytest.raises(CaseStateError, match="Record the investigation first"):
        h.hazard_summary_sent(hazard=hazard, found="x", will_do="y", actor=Actor(handler))


def test_a_time_before_awareness_or_in_the_future_is_refused(org, handler, clock):
    clock(2025, 12, 19, 12)
    hazard = receive(org, handler, MOULD).hazards.get()
    with pytest.raises(CaseInputError) as before:
        h.hazard_confirm(hazard=hazard, actor=Actor(handler), occurred_at=at(2025, 12, 18))
    assert "before the landlord became aware" in before.value.fields["occurred_at"]
    with pytest.raises(CaseInputError) as future:
        h.hazard_confirm(hazard=hazard, actor=Actor(handler), occurred_at=at(2026, 1, 1))
    assert future.value.fields["occurred_at"] == h.FUTURE


def test_the_service_refuses_a_role_that_may_not_dismiss(org, handler, clock):
    clock(2025, 12, 19, 12)
    case = receive(org, handler, MOULD)
    officer = make_user("ivy", org, Role.INVESTIGATING_OFFICER)
    case.investigator = officer
    case.save(update_fields=["investigator"])
    with pytest.raises(AccessDeniedError):
        h.hazard_dismiss(hazard=case.hazards.get(), reason="none", actor=Actor(officer))


def test_confirming_as_an_emergency_restarts_the_clocks_in_hours_from_awareness(
    org, handler, clock
):
    clock(2025, 12, 19, 12)
    hazard = receive(org, handler, MOULD).hazards.get()
    hazard = h.hazard_confirm(hazard=hazard, actor=Actor(handler), severity="emergency")
    (answer,) = hazards_of(hazard.case)
    assert [d["step"] for d in answer["deadlines"]] == [
        "emergency_investigate",
        "emergency_make_safe",
    ]
    assert answer["deadlines"][0]["due"] == at(2025, 12, 20, 10)


def test_raising_by_hand_counts_from_the_cases_receipt(org, handler, clock):
    clock(2025, 12, 19, 12)
    case = receive(org, handler, "The contractor left a mess")
    hazard = h.hazard_raise(
        case=case,
        kind="structural",
        severity="significant",
        description="Loose banister",
        actor=Actor(handler),
    )
    assert hazard.aware_at == case.received_at
    with pytest.raises(CaseInputError) as error:
        h.hazard_raise(
            case=case, kind="ghosts", severity="significant", description="", actor=Actor(handler)
        )
    assert "kind" in error.value.fields


def test_an_emergency_reported_before_the_clocks_go_back_is_due_24_real_hours_later(
    org, handler, clock
):
    # Saturday 24 October 2026, 09:00 BST; the clocks go back at 02:00 on Sunday 25 October,
    # so 24 hours later is 08:00 GMT on the Sunday, by a hand count of the hours.
    clock(2026, 10, 24, 9, 30)
    case = receive(
        org, handler, "Strong smell of gas in the hallway", received_at=at(2026, 10, 24, 9)
    )
    hazard = case.hazards.get()
    due = clocks(hazard)["emergency_investigate"].due_at
    assert due == at(2026, 10, 25, 8)
    assert due.utcoffset() is not None
    assert timezone.localtime(due).utcoffset() == datetime.timedelta(0)
    (answer,) = hazards_of(case)
    assert "The clocks change in between" in answer["deadlines"][0]["explanation"]


def test_a_later_phase_applies_from_its_date(org, handler, clock):
    # No heating is a significant hazard under the phase the pack dates 27 October 2026.
    clock(2026, 10, 26, 12)
    before = receive(org, handler, "No heating since Friday", received_at=at(2026, 10, 26, 10))
    clock(2026, 10, 27, 12)
    after = receive(org, handler, "No heating since Friday", received_at=at(2026, 10, 27, 10))
    assert not before.hazards.get().statutory
    assert "Tue 27 Oct 2026" in before.hazards.get().coverage
    assert after.hazards.get().statutory


def test_a_repair_report_redirected_at_intake_keeps_its_hazard_and_clocks(org, handler, clock):
    # A service request is not a complaint: the case is closed as redirected at once, but a
    # hazard in it is recorded and its clocks run.
    clock(2025, 12, 19, 12)
    case = receive(
        org, handler, "Water is pouring through the light in the hall", kind="service_request"
    )
    case.refresh_from_db()
    assert case.status == "closed"
    hazard = case.hazards.get()
    assert hazard.severity == "emergency"
    assert all(c.completed_at is None for c in clocks(hazard).values())


def test_confirming_a_new_severity_after_the_investigation_keeps_its_follow_on_clocks(
    org, handler, clock
):
    clock(2025, 12, 19, 12)
    hazard = receive(org, handler, "Water pouring through the light fitting").hazards.get()
    assert hazard.severity == "emergency"
    clock(2025, 12, 19, 15)
    hazard = h.hazard_investigated(hazard=hazard, findings="A slow leak", actor=Actor(handler))
    hazard = h.hazard_confirm(hazard=hazard, severity="significant", actor=Actor(handler))
    assert hazard.statutory
    (answer,) = hazards_of(hazard.case)
    due = {d["step"]: d["due"] for d in answer["deadlines"]}
    # The significant duty's clocks; those that follow the investigation count from it
    # (Fri 19 December): 3 working days are Mon 22, Tue 23 and Wed 24 December.
    assert due["written_summary"] == datetime.date(2025, 12, 24)
    assert due["investigate"] == datetime.date(2026, 1, 7)
    assert "emergency_investigate" not in due
