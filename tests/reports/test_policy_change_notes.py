"""Reports over a period that spans a change of policy say so (issue 18, "Policies change").

An organisation moves to a new pack from a date (``organisation_adopt_policy``): cases
received before it keep the pack they started under. Every report, export and document
covering a period in which such a change took effect says which policy replaced which,
and from when; the self-assessment checks the policy in force on the period's last day.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from putright.accounts.models import Role
from putright.organisations.models import Organisation
from putright.organisations.services import (
    organisation_adopt_policy,
    organisation_create,
    organisation_withdraw_adoption,
)
from putright.policies.registry import get_pack
from putright.reports.documents import annual_report, board_pack, self_assessment
from putright.reports.equality import equality_report
from putright.reports.export import as_csv, as_json, as_xlsx
from putright.reports.service import performance_report, tsm_report

from .conftest import d
from .test_pages import signed_in

START, END = d(2025, 4, 1), d(2026, 3, 31)
CHANGE = d(2026, 1, 5)  # a Monday
CODE = get_pack("hos-code-2024").title
SOUTHERN = get_pack("southern-housing-2020").title
NOTE = (
    f"This period spans a change of policy: {SOUTHERN} replaced {CODE} from Mon 5 Jan 2026; "
    "cases received before it keep the policy they started under."
)


@pytest.fixture
def moved(code_org: Organisation) -> Organisation:
    organisation_adopt_policy(
        organisation=code_org,
        policy_pack="southern-housing-2020",
        from_date=CHANGE,
        recorded_by_label="test",
        note="The reviewed procedure",
    )
    return code_org


def changes(notes: list[str]) -> list[str]:
    return [n for n in notes if "change of policy" in n]


def test_both_reports_over_the_period_say_which_policy_replaced_which_and_when(
    moved: Organisation,
) -> None:
    for build in (tsm_report, performance_report):
        report = build(moved, START, END)
        assert report.policy_changes == [NOTE]
        assert report.notes[0] == NOTE  # first, before how the figures are counted
        assert changes(report.notes) == [NOTE]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (d(2025, 4, 1), d(2026, 1, 4)),  # ends the day before the change
        (d(2026, 1, 5), d(2026, 3, 31)),  # starts on it: every case received is under one
        (d(2026, 4, 1), d(2027, 3, 31)),  # after it
    ],
)
def test_a_period_the_change_does_not_fall_within_says_nothing(
    moved: Organisation, start: datetime.date, end: datetime.date
) -> None:
    report = tsm_report(moved, start, end)
    assert report.policy_changes == []
    assert changes(report.notes) == []


def test_a_withdrawn_change_is_not_reported(moved: Organisation) -> None:
    later = organisation_adopt_policy(
        organisation=moved,
        policy_pack="rooftop-2023",
        from_date=d(2026, 9, 7),
        recorded_by_label="test",
    )
    assert len(tsm_report(moved, d(2026, 4, 1), d(2027, 3, 31)).policy_changes) == 1
    organisation_withdraw_adoption(adoption=later, recorded_by_label="test")
    assert tsm_report(moved, d(2026, 4, 1), d(2027, 3, 31)).policy_changes == []
    assert tsm_report(moved, START, END).policy_changes == [NOTE]


def test_a_group_names_the_member_whose_policy_changed(db: None, now: Any) -> None:
    group = organisation_create(slug="homes-group", name="Homes Group")
    member = organisation_create(slug="north-homes", name="North Homes", parent=group)
    organisation_adopt_policy(
        organisation=member,
        policy_pack="southern-housing-2020",
        from_date=CHANGE,
        recorded_by_label="test",
    )
    at_member = NOTE.replace("change of policy:", "change of policy at North Homes:")
    assert tsm_report(group, START, END).policy_changes == [at_member]
    assert performance_report(member, START, END).policy_changes == [NOTE]


def test_every_export_carries_the_note(moved: Organisation) -> None:
    report = performance_report(moved, START, END, by=["quarter"])
    rows = list(csv.reader(io.StringIO(as_csv(report))))
    assert rows[-2:] == [[], ["Note", NOTE]]
    assert len(rows[0]) == len(rows[1])  # the table itself is as before
    assert NOTE in json.loads(json.dumps(as_json(report)))["notes"]
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx(report)))
    assert book["Figures"]["A2"].value == NOTE  # under the title
    assert ["Note", NOTE] in [[c.value for c in row[:2]] for row in book["About"].iter_rows()]


def test_without_a_change_the_csv_is_the_table_alone(code_org: Organisation) -> None:
    rows = list(csv.reader(io.StringIO(as_csv(tsm_report(code_org, START, END)))))
    assert len(rows) == 2


def test_the_pages_and_the_exports_say_so(moved: Organisation) -> None:
    client = signed_in(moved, Role.COMPLAINTS_MANAGER)
    query = {"organisation": moved.slug, "start": START.isoformat(), "end": END.isoformat()}
    for kind in ("tsm", "performance"):
        page = client.get(f"/reports/{kind}/", query).content.decode()
        assert page.count(escape(NOTE)) == 1  # at the top, not again among the notes
        exported = client.get(f"/reports/{kind}/export.csv", query).content.decode()
        assert NOTE in exported
    assert escape(NOTE) in client.get("/reports/equality/", query).content.decode()
    behind = client.get(reverse("reports:cases", args=["tsm"]), {**query, "figure": "ch02.stage1"})
    assert escape(NOTE) in behind.content.decode()


@pytest.mark.urls("tests.reports.api_urls")
def test_the_api_says_so_in_json_and_csv(moved: Organisation) -> None:
    from .test_api import client_for, member

    client = client_for(member("cm", moved, Role.COMPLAINTS_MANAGER))
    query = {"organisation": moved.slug, "start": START.isoformat(), "end": END.isoformat()}
    answer = client.get("/api/v1/reports/performance", query)
    assert answer.status_code == 200, answer.content
    assert answer.json()["notes"][0] == NOTE
    exported = client.get("/api/v1/reports/tsm", {**query, "format": "csv"}).content.decode()
    assert list(csv.reader(io.StringIO(exported)))[-1] == ["Note", NOTE]


def test_the_equality_report_says_so(moved: Organisation) -> None:
    assert changes(equality_report(moved, START, END).notes) == [NOTE]


def test_the_self_assessment_checks_the_policy_in_force_at_the_end_of_its_period(
    moved: Organisation,
) -> None:
    # Today the organisation is on the new pack; the year before the change was handled
    # under the Code pack, and that is what its self-assessment checks.
    assert moved.policy_pack == "southern-housing-2020"
    before = self_assessment(moved, d(2024, 4, 1), d(2025, 3, 31))
    assert before.pack_title == CODE
    assert before.notes == []
    spanning = self_assessment(moved, START, END)
    assert spanning.pack_title == SOUTHERN
    assert spanning.notes == [
        NOTE,
        f"The policy checked against the Code here is {SOUTHERN}, in force on Tue 31 Mar "
        "2026, the last day of the period.",
    ]


def test_the_documents_say_so(moved: Organisation) -> None:
    annual = annual_report(moved, START, END)
    assert annual.tsm.policy_changes == [NOTE]
    assert annual.assessment.notes[0] == NOTE
    board = signed_in(moved, Role.BOARD_MEMBER)
    query = {"organisation": moved.slug, "start": START.isoformat(), "end": END.isoformat()}
    for document in ("self-assessment", "annual"):
        page = board.get(f"/reports/documents/{document}/", query).content.decode()
        assert escape(NOTE) in page
    page = board.get("/reports/documents/board-pack/", query).content.decode()
    assert escape(NOTE.replace("This period spans", "The two periods span")) in page


@pytest.mark.parametrize(
    ("start", "end", "spans"),
    [
        (d(2026, 1, 1), d(2026, 3, 31), True),  # the change is in this quarter
        (d(2026, 4, 1), d(2026, 6, 30), True),  # in the quarter compared with
        (d(2026, 7, 1), d(2026, 9, 30), False),
        (d(2025, 7, 1), d(2025, 9, 30), False),
    ],
)
def test_the_board_pack_says_when_the_two_periods_span_a_change(
    moved: Organisation, start: datetime.date, end: datetime.date, spans: bool
) -> None:
    pack = board_pack(moved, start, end)
    expected = NOTE.replace("This period spans", "The two periods span")
    assert pack.policy_changes == ([expected] if spans else [])
