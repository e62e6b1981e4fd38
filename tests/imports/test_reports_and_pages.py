"""Imported cases count in the reports as if they had been recorded on the day, and the case
page shows their history at its own dates."""

from __future__ import annotations

import datetime

import pytest

from putright.accounts.models import Membership, Role, User
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_close,
    case_escalate,
    case_receive,
    case_respond,
)
from putright.imports.models import ImportedCase
from putright.imports.services import import_cases
from putright.organisations.models import HomesCount
from putright.organisations.services import organisation_create
from putright.people.models import Person
from putright.reports.service import performance_report, tsm_report
from tests.conftest import at

from .conftest import row

START = datetime.date(2025, 4, 1)
END = datetime.date(2026, 3, 31)

# Each history: received, acknowledged, responded (outcome), escalated, stage 2
# acknowledged, responded (outcome), closed. On time, late to answer, late to acknowledge,
# escalated and answered late at stage 2, still open at the end of the period.
HISTORIES = [
    ((2025, 6, 2), (2025, 6, 4), (2025, 6, 18), "upheld", None, None, None, None, (2025, 6, 30)),
    ((2025, 6, 2), (2025, 6, 3), (2025, 7, 7), "not_upheld", None, None, None, None, (2025, 7, 20)),
    ((2025, 9, 1), (2025, 9, 12), (2025, 9, 19), "partly_upheld", None, None, None, None, None),
    (
        (2025, 10, 6),
        (2025, 10, 7),
        (2025, 10, 17),
        "not_upheld",
        (2025, 10, 22),
        (2025, 10, 24),
        (2025, 12, 19),
        "upheld",
        (2025, 12, 22),
    ),
    ((2026, 3, 20), (2026, 3, 23), None, "", None, None, None, None, None),
]
OUTCOME_WORDS = {
    "upheld": "Upheld",
    "partly_upheld": "Partially Upheld",
    "not_upheld": "Not Upheld",
}


def _d(day):
    return f"{day[2]:02d}/{day[1]:02d}/{day[0]}" if day else ""


def _through_services(org, actor, panel):
    for n, (rec, ack, resp, outcome, esc, ack2, resp2, outcome2, closed) in enumerate(HISTORIES):
        person = Person.objects.create(organisation=org, name=f"Resident {n}")
        case = case_receive(
            organisation=org,
            kind="complaint",
            channel="phone",
            received_at=at(*rec),
            summary="Nobody came",
            actor=actor,
            customer=person,
        )
        case = case_acknowledge(case=case, actor=actor, occurred_at=at(*ack, 12))
        if resp:
            case = case_respond(
                case=case,
                actor=actor,
                outcome=outcome,
                text="Our answer",
                occurred_at=at(*resp, 12),
            )
        if esc:
            case = case_escalate(case=case, actor=actor, occurred_at=at(*esc, 12))
            case = case_acknowledge(case=case, actor=actor, occurred_at=at(*ack2, 12))
            case = case_respond(
                case=case, actor=panel, outcome=outcome2, text="Final", occurred_at=at(*resp2, 12)
            )
        if closed:
            case_close(case=case, actor=actor, reason="resolved", occurred_at=at(*closed, 12))


def _rows():
    rows = []
    for n, (rec, ack, resp, outcome, esc, ack2, resp2, outcome2, closed) in enumerate(HISTORIES):
        rows.append(
            row(
                f"H{n}",
                Date_Logged=f"{_d(rec)} 10:00",
                Stage_1_Acknowledged=_d(ack),
                Stage_1_Response_Sent=_d(resp),
                Stage_1_Outcome=OUTCOME_WORDS.get(outcome, ""),
                Stage_2_Requested=_d(esc),
                Stage_2_Acknowledged=_d(ack2),
                Stage_2_Response_Sent=_d(resp2),
                Stage_2_Outcome=OUTCOME_WORDS.get(outcome2 or "", ""),
                Date_Closed=_d(closed),
            )
        )
    return rows


FIGURES = (
    "ch01.stage1",
    "ch01.stage2",
    "ch01.stage1_per_1000",
    "ch02.stage1",
    "ch02.stage2",
)


def test_imported_cases_give_the_same_ch01_and_ch02_as_cases_recorded_on_the_day(
    db, today, mapping, export
):
    recorded = organisation_create(slug="recorded", name="Recorded", reference_prefix="REC")
    imported = organisation_create(slug="imported", name="Imported", reference_prefix="IMP")
    for org in (recorded, imported):
        HomesCount.objects.create(organisation=org, year=2026, homes=1000)
    actor = Actor(User.objects.create_user("recorder"))
    panel = Actor(User.objects.create_user("panel"))
    _through_services(recorded, actor, panel)
    report = import_cases(
        organisation=imported, path=export(_rows()), mapping=mapping, dry_run=False
    )
    assert report.created == len(HISTORIES)
    assert not report.problems
    want = tsm_report(recorded, START, END)
    got = tsm_report(imported, START, END)
    for name in FIGURES:
        w, g = want.figure(name), got.figure(name)
        assert (g.value, g.numerator, g.denominator) == (w.value, w.numerator, w.denominator), name
    # And the known answers: five stage 1 complaints, one stage 2; at stage 1, two of four
    # answers on time (the 7 Jul answer is day 24 from the acknowledgement; the 19 Sep one
    # came 5 days after a late acknowledgement, on time from it).
    assert got.figure("ch01.stage1").value == 5
    assert got.figure("ch01.stage2").value == 1
    assert (got.figure("ch02.stage1").numerator, got.figure("ch02.stage1").denominator) == (
        want.figure("ch02.stage1").numerator,
        4,
    )
    perf_want = performance_report(recorded, START, END).total.figures
    perf_got = performance_report(imported, START, END).total.figures
    for name in (
        "stage1.upheld",
        "stage1.not_upheld",
        "stage1.acknowledged_on_time",
        "stage2.upheld",
    ):
        assert perf_got[name].value == perf_want[name].value, name


@pytest.fixture
def signed_in(client, org, handler):
    Membership.objects.create(user=handler, organisation=org, role=Role.COMPLAINTS_MANAGER)
    client.force_login(handler)
    return client


def test_the_case_page_shows_the_imported_history_at_its_own_dates(
    today, org, mapping, export, signed_in
):
    import_cases(
        organisation=org,
        path=export(
            [
                row(
                    "PAGE1",
                    Date_Logged="02/06/2025 10:00",
                    Stage_1_Acknowledged="04/06/2025",
                    Stage_1_Response_Sent="18/06/2025",
                    Stage_1_Outcome="Upheld",
                    Date_Closed="30/06/2025",
                )
            ]
        ),
        mapping=mapping,
        dry_run=False,
    )
    case = ImportedCase.objects.get(source_reference="PAGE1").case
    page = signed_in.get(f"/cases/{case.reference}/")
    assert page.status_code == 200
    text = page.content.decode()
    # The chronology: each event at its own date, by the import, naming the source's reference.
    for when in ("Mon 2 Jun 2025, 10:00", "Wed 4 Jun 2025, 12:00", "Wed 18 Jun 2025, 12:00"):
        assert f">{when}</time>" in text, when
    assert ">Mon 30 Jun 2025, 12:00</time>" in text
    assert text.count("by import, source reference PAGE1") == 4
    # The deadlines, met on the day, explained from the imported dates.
    assert "Counted from Wed 4 Jun 2025: acknowledged on Wed 4 Jun 2025." in text


def test_withdrawn_and_refused_closures_count_as_the_reports_count_them(db, today, mapping, export):
    org = organisation_create(slug="closures", name="Closures", reference_prefix="CL")
    path = export(
        [
            row(
                "W1",
                Stage_1_Acknowledged="03/06/2025",
                Date_Closed="10/06/2025",
                Closure_Reason="withdrawn",
            ),
            row("R1", Date_Closed="05/06/2025", Closure_Reason="refused"),
        ]
    )
    report = import_cases(organisation=org, path=path, mapping=mapping, dry_run=True)
    assert report.events == 7  # W1: received, acknowledged, withdrawn, closed; R1: three
    assert import_cases(organisation=org, path=path, mapping=mapping, dry_run=False).events == 7
    perf = performance_report(org, START, END).total.figures
    assert perf["stage1.withdrawn"].value == 1
    assert perf["stage1.refused"].value == 1
