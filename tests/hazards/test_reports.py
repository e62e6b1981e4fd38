"""The hazards report: recognised, confirmed, dismissed; each clock met or missed by phase;
report to made safe; a monthly list for the board with no personal data."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from putright.accounts.models import Role
from putright.cases.services import Actor
from putright.hazards import services as h
from putright.hazards.reports import board_rows, hazard_report
from tests.api.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(receive, users, org, clock):
    """Three reports in March 2026: one made safe in time, one dismissed, one left to run out."""
    actor = Actor(users[Role.COMPLAINT_HANDLER])
    clock(2026, 3, 2, 12)
    safe = receive(summary="Black mould in the bathroom").hazards.get()
    dismissed = receive(summary="Damp patch on the wall").hazards.get()
    late = receive(summary="Mould behind the wardrobe").hazards.get()
    clock(2026, 3, 3, 10)
    h.hazard_confirm(hazard=safe, actor=actor)
    h.hazard_dismiss(hazard=dismissed, reason="Reported by mistake", actor=actor)
    safe.refresh_from_db()
    h.hazard_investigated(hazard=safe, findings="Mould on one wall", actor=actor)
    clock(2026, 3, 4, 10)
    safe.refresh_from_db()
    h.hazard_made_safe(hazard=safe, actor=actor)
    clock(2026, 3, 20, 10)  # the third's 10 working days ran out on Mon 16 March
    return {"safe": safe, "dismissed": dismissed, "late": late}


def test_the_report_counts_hazards_and_each_clock_met_or_missed_by_phase(figures, org):
    report = hazard_report(
        organisations=[org], start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31)
    )
    assert report.recognised == 3
    assert report.dismissed == 1
    assert report.confirmed == 1
    assert report.suspected == 1
    investigate = report.clocks[(org.slug, "phase-1", "investigate")]
    assert (investigate.met, investigate.missed) == (1, 1)
    safety = report.clocks[(org.slug, "phase-1", "safety_work")]
    assert (safety.met, safety.missed) == (1, 0)
    # Aware Mon 2 March at 10:00, made safe Wed 4 March at 10:00: 48 hours.
    assert report.hours_to_safe == [48.0]


def test_the_board_list_is_counts_by_month_with_no_personal_data(figures, org):
    report = hazard_report(
        organisations=[org], start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31)
    )
    rows = board_rows(report)
    # Met: two investigations' one in time, the safety work. Missed: the other investigation,
    # the summary (due Fri 6 March) and beginning the further work. Running: its 12 weeks.
    assert rows == [["2026-03", 3, 1, 1, 0, 2, 1, 0, 2, 3, 1]]
    flat = str(report.as_dict())
    for personal in ("Pat Resident", "pat@example.org", "NT1", figures["safe"].case.reference):
        assert personal not in flat


def test_the_report_page_is_for_report_readers(figures, users):
    board = Client()
    board.force_login(users[Role.BOARD_MEMBER])
    page = board.get("/hazards/report/", {"start": "2026-03-01", "end": "2026-03-31"})
    assert page.status_code == 200
    assert "Clocks met and missed, by phase" in page.content.decode()
    assert "Pat Resident" not in page.content.decode()
    wrong = board.get("/hazards/report/", {"start": "2026-03-31", "end": "2026-03-01"})
    assert wrong.status_code == 400
    assert 'id="end-error"' in wrong.content.decode()
    handler = Client()
    handler.force_login(users[Role.COMPLAINT_HANDLER])
    assert handler.get("/hazards/report/").status_code == 403


def test_a_clock_still_running_is_neither_met_nor_missed(receive, org, clock):
    clock(2026, 3, 2, 12)
    receive(summary="Mould in the hall", received_at=at(2026, 3, 2, 11))
    report = hazard_report(
        organisations=[org], start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31)
    )
    tally = report.clocks[(org.slug, "phase-1", "investigate")]
    assert (tally.met, tally.missed, tally.running) == (0, 0, 1)


def test_the_reports_page_offers_the_hazards_report(users):
    board = Client()
    board.force_login(users[Role.BOARD_MEMBER])
    page = board.get("/reports/").content.decode()
    assert 'formaction="/hazards/report/"' in page
    assert "Hazards (Awaab&#x27;s Law)" in page or "Hazards (Awaab's Law)" in page


def test_the_api_gives_the_same_figures_to_report_readers_and_no_person(figures, users, org):
    from tests.api.conftest import api_for

    query = f"?organisation={org.slug}&start=2026-03-01&end=2026-03-31"
    answer = api_for(users[Role.BOARD_MEMBER]).get("/reports/hazards" + query)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["recognised"], body["confirmed"], body["dismissed"]) == (3, 1, 1)
    investigate = next(c for c in body["clocks"] if c["step"] == "investigate")
    assert (investigate["met"], investigate["missed"]) == (1, 1)
    assert body["median_hours_to_safe"] == 48.0
    assert body["months"][0]["month"] == "2026-03"
    assert "Pat Resident" not in answer.content.decode()
    assert figures["safe"].case.reference not in answer.content.decode()
    refused = api_for(users[Role.COMPLAINT_HANDLER]).get("/reports/hazards" + query)
    assert refused.status_code == 403
    backwards = api_for(users[Role.BOARD_MEMBER]).get(
        f"/reports/hazards?organisation={org.slug}&start=2026-03-31&end=2026-03-01"
    )
    assert backwards.status_code == 400
