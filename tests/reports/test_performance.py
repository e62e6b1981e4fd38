"""The performance report on the hand-built year (``year`` in conftest) and small groups."""

from __future__ import annotations

import datetime

import pytest

from putright.accounts.models import User
from putright.remedies.models import Award, AwardStatus
from putright.reports.service import performance_report, references

from .conftest import Builder, at, d

START = d(2025, 4, 1)
END = d(2026, 3, 31)


def ids(figure) -> set[int]:
    return {int(i) for i in figure.case_ids}


@pytest.fixture
def report(code_org, year):
    return performance_report(code_org, START, END)


def test_stage1_received_acknowledged_withdrawn_refused(report, year):
    f = report.total.figures
    assert f["stage1.received"].value == 17
    # Withdrawn (day 3) and refused (day 1) ended before the acknowledgement was due.
    assert f["stage1.acknowledgements_due"].value == 15
    assert ids(f["stage1.acknowledged_on_time"]) == {
        year[k].pk for k in ("on_time_day_15", "late_day_16", "stage2_day_25")
    }
    assert f["stage1.acknowledged_on_time_share"].value == pytest.approx(3 / 15)
    assert ids(f["stage1.withdrawn"]) == {year["withdrawn"].pk}
    assert ids(f["stage1.refused"]) == {year["refused"].pk}


def test_stage1_responses_days_extensions_and_outcomes(report, year):
    f = report.total.figures
    assert f["stage1.responded"].value == 13
    assert f["stage1.responded_on_time"].value == 10
    assert f["stage1.responded_on_time_share"].value == pytest.approx(10 / 13)
    # Working days: 8, 9, 10, 10, 10, 10, 14, 15, 16, 22, 25, 25, 27.
    assert f["stage1.median_working_days"].value == 14
    assert f["stage1.p90_working_days"].value == 25
    assert ids(f["stage1.extended"]) == {
        year[k].pk
        for k in ("extended_10_day_25", "extended_5_day_22", "beyond_day_25", "beyond_day_27")
    }
    assert ids(f["stage1.extended_beyond_code"]) == {
        year[k].pk for k in ("beyond_day_25", "beyond_day_27")
    }
    assert (f["stage1.upheld"].value, f["stage1.partly_upheld"].value) == (11, 1)
    assert ids(f["stage1.not_upheld"]) == {year["late_ack"].pk}


def test_stage2_and_escalation(report, year):
    f = report.total.figures
    assert f["stage2.received"].value == 4
    assert f["stage2.responded"].value == 5
    assert f["stage2.responded_on_time"].value == 3
    # Working days: 19, 25, 26, 45, 46.
    assert f["stage2.median_working_days"].value == 26
    assert f["stage2.p90_working_days"].value == pytest.approx(45.6)
    assert f["stage2.extended"].value == 2
    assert f["stage2.extended_beyond_code"].value == 0
    assert ids(f["stage2.not_upheld"]) == {year["stage2_day_25"].pk}
    assert f["stage2.acknowledged_on_time"].value == 1
    assert f["stage1.escalation_rate"].value == pytest.approx(4 / 13)
    assert ids(f["stage1.escalation_refused"]) == {year["escalation_refused"].pk}


def test_open_and_overdue_now(report, year, code_org):
    f = report.total.figures
    # Unanswered at stage 1 today (1 June 2026): received 1 Apr 2025 and 2 Apr 2026;
    # the second was due on Mon 27 Apr 2026 (15 working days over Easter).
    assert f["stage1.open_now"].value == 2
    assert year["after_cutoff_31_march"].pk in ids(f["stage1.open_now"])
    assert f["stage1.overdue_now"].value == 2
    assert f["stage2.open_now"].value == 0
    # Today being the due date, it is not yet overdue.
    on_due_day = performance_report(code_org, START, END, today=d(2026, 4, 27))
    assert on_due_day.figure("stage1.overdue_now").value == 1


def test_refusals_by_ground(report, year):
    grounds = {(b.kind, b.ground): b for b in report.breakdowns}
    refused = grounds[("escalation_refused", "exclusion")]
    assert refused.count == 1
    assert refused.label == "An exclusion in the complaints policy applies"
    excluded = grounds[("not_accepted", "older_than_twelve_months")]
    assert excluded.count == 1
    assert excluded.label.startswith("The issue occurred")


def test_compensation_awarded_in_the_period(code_org, year, now):
    user = User.objects.create_user("approver")

    def award(case, when, total, status, paid=0):
        Award.objects.create(
            case=case,
            stage="stage1",
            status=status,
            total_pence=total,
            paid_pence=paid,
            reasoning="Time and trouble",
            proposed_by=user,
            proposed_at=when,
        )

    award(year["late_day_16"], at(2025, 6, 24), 15000, AwardStatus.PAID, 15000)
    award(year["beyond_day_27"], at(2025, 7, 9), 5000, AwardStatus.OFFERED)
    award(year["late_ack"], at(2025, 6, 20), 100000, AwardStatus.REJECTED)
    award(year["stage2_before_answered_inside"], at(2025, 3, 20), 2500, AwardStatus.PAID, 2500)
    f = performance_report(code_org, START, END).total.figures
    assert f["compensation.awards"].value == 2
    assert f["compensation.awarded_pence"].value == 20000
    assert f["compensation.paid_pence"].value == 15000
    assert f["compensation.awarded_pence"].display() == "£200.00"


def test_compensation_offered_accepted_and_paid_by_stage_and_period(code_org, year, now):
    """Each figure counts in the period of its own date, at the stage the award was made."""
    user = User.objects.create_user("offerer")

    def award(case, stage, total, status, *, offered, answered=None, paid=None, offset=0):
        return Award.objects.create(
            case=case,
            stage=stage,
            status=status,
            total_pence=total,
            paid_pence=total - offset if paid else 0,
            arrears_offset_pence=offset,
            reasoning="Time and trouble",
            proposed_by=user,
            proposed_at=offered,
            offered_at=offered,
            answered_at=answered,
            paid_at=paid,
        )

    # Stage 1: offered in June, accepted in June, paid in July with £20 against arrears.
    award(
        year["late_day_16"], "stage1", 15000, AwardStatus.PAID,
        offered=at(2025, 6, 24), answered=at(2025, 6, 30), paid=at(2025, 7, 2), offset=2000,
    )  # fmt: skip
    # Stage 1: offered in July, refused by the customer in August.
    award(
        year["beyond_day_27"], "stage1", 5000, AwardStatus.REFUSED,
        offered=at(2025, 7, 9), answered=at(2025, 8, 1),
    )  # fmt: skip
    # Stage 2: offered before the period (March 2025), accepted and paid in April.
    award(
        year["stage2_before_answered_inside"], "stage2", 40000, AwardStatus.PAID,
        offered=at(2025, 3, 20), answered=at(2025, 4, 2), paid=at(2025, 4, 10),
    )  # fmt: skip
    # An informal stage's award (level 0 in the Code pack's terms: any other stage).
    award(
        year["late_ack"], "informal", 1000, AwardStatus.OFFERED, offered=at(2025, 9, 1)
    )  # fmt: skip

    f = performance_report(code_org, START, END).total.figures
    assert f["compensation.offered"].value == 3  # not the one offered in March 2025
    assert f["compensation.offered_pence"].value == 15000 + 5000 + 1000
    assert f["compensation.accepted"].value == 2  # June's and April's
    assert f["compensation.accepted_pence"].value == 15000 + 40000
    assert f["compensation.declined"].value == 1
    assert f["compensation.payments"].value == 2
    assert f["compensation.payments_pence"].value == 13000 + 40000
    assert f["compensation.offset_pence"].value == 2000
    assert f["compensation.stage1.offered_pence"].value == 20000
    assert f["compensation.stage1.offered"].value == 2
    assert f["compensation.stage2.offered"].value == 0
    assert f["compensation.stage2.accepted_pence"].value == 40000
    assert f["compensation.stage2.paid_pence"].value == 40000
    assert f["compensation.stage1.paid_pence"].value == 13000
    assert f["compensation.other.offered_pence"].value == 1000
    assert f["compensation.payments_pence"].display() == "£530.00"
    assert ids(f["compensation.declined"]) == {year["beyond_day_27"].pk}

    # By quarter: the offer in Apr-Jun, the refusal in Jul-Sep; by month, the payment of July.
    quarters = performance_report(code_org, START, END, by=["quarter"])
    by_quarter = {g.key: g.figures for g in quarters.groups}
    assert by_quarter[("2025-04",)]["compensation.offered_pence"].value == 15000
    assert by_quarter[("2025-04",)]["compensation.accepted"].value == 2
    assert by_quarter[("2025-07",)]["compensation.declined"].value == 1
    assert by_quarter[("2025-07",)]["compensation.payments_pence"].value == 13000
    assert by_quarter[("2025-04",)]["compensation.payments_pence"].value == 40000


def test_references_behind_a_figure(report, year):
    behind = references(report.figure("stage1.withdrawn").case_ids)
    assert behind == [year["withdrawn"].reference]


def test_groups_by_service_area_channel_tenure_and_month(code_org, now):
    b = Builder(code_org)
    b.respond(b.case(d(2025, 5, 1), service_area="Repairs", channel="phone"), d(2025, 5, 8))
    b.case(d(2025, 5, 2), service_area="Repairs", channel="email", tenure="leaseholder")
    b.respond(
        b.case(d(2025, 6, 2), service_area="Anti-social behaviour", channel="phone"), d(2025, 7, 30)
    )
    b.case(d(2025, 6, 3), service_area="", channel="letter", customer=False)
    by_area = performance_report(code_org, START, END, by=["service_area"])
    rows = {g.key: g for g in by_area.groups}
    assert rows[("Repairs",)].value("stage1.received") == 2
    assert rows[("Anti-social behaviour",)].value("stage1.responded_on_time") == 0
    assert rows[("Anti-social behaviour",)].value("stage1.responded_on_time_share") == 0.0
    assert rows[("",)].labels == ("Not recorded",)
    assert [g.key for g in by_area.groups][-1] == ("",)  # not recorded comes last
    assert by_area.total.value("stage1.received") == 4
    two = performance_report(code_org, START, END, by=["service_area", "channel"])
    assert {g.key for g in two.groups} == {
        ("Repairs", "phone"),
        ("Repairs", "email"),
        ("Anti-social behaviour", "phone"),
        ("", "letter"),
    }
    assert dict((g.key, g.labels) for g in two.groups)[("Repairs", "email")] == (
        "Repairs",
        "E-mail",
    )
    tenure = {g.key: g for g in performance_report(code_org, START, END, by=["tenure"]).groups}
    assert tenure[("leaseholder",)].value("stage1.received") == 1
    assert tenure[("",)].value("stage1.received") == 1  # no customer
    months = performance_report(code_org, START, END, by=["month"])
    by_month = {g.key: g for g in months.groups}
    assert by_month[("2025-05",)].value("stage1.received") == 2
    assert by_month[("2025-05",)].labels == ("May 2025",)
    # A response is placed in the month it was sent.
    assert by_month[("2025-07",)].value("stage1.responded") == 1
    assert by_month[("2025-07",)].value("stage1.received") == 0


def test_an_empty_period_gives_zeros_not_errors(code_org):
    report = performance_report(
        code_org, d(2030, 1, 1), d(2030, 3, 31), today=datetime.date(2026, 6, 1)
    )
    f = report.total.figures
    assert f["stage1.received"].value == 0
    assert f["stage1.responded_on_time_share"].value is None
    assert f["stage1.median_working_days"].value is None
    assert f["stage1.escalation_rate"].value is None
