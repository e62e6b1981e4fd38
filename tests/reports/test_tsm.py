"""CH01, CH02 and TP09 on hand-built data where the answer is known (``year`` in conftest)."""

from __future__ import annotations

import pytest

from putright.organisations.models import HomesCount
from putright.organisations.services import organisation_create
from putright.portal.models import SatisfactionResponse
from putright.reports.service import ReportInputError, tsm_report

from .conftest import Builder, d

START = d(2025, 4, 1)
END = d(2026, 3, 31)


def refs(figure) -> set[int]:
    return {int(i) for i in figure.case_ids}


def test_ch01_counts_stage_starts_in_the_period(code_org, year):
    report = tsm_report(code_org, START, END)
    stage1 = report.figure("ch01.stage1")
    expected_stage1 = {
        "on_time_day_15",
        "late_day_16",
        "late_ack",
        "extended_10_day_25",
        "extended_5_day_22",
        "beyond_day_25",
        "beyond_day_27",
        "withdrawn",
        "refused",
        "stage2_day_25",
        "stage2_day_26",
        "stage2_ext_day_45",
        "stage2_ext_day_46",
        "escalation_refused",
        "after_cutoff_31_march",
        "last_day",
        "answered_after",
    }
    assert refs(stage1) == {year[k].pk for k in expected_stage1}
    assert stage1.value == 17
    stage2 = report.figure("ch01.stage2")
    assert refs(stage2) == {
        year[k].pk
        for k in ("stage2_day_25", "stage2_day_26", "stage2_ext_day_45", "stage2_ext_day_46")
    }
    # Homes for the year the period ends in (2026): 2,000.
    assert report.homes == 2000
    assert report.figure("ch01.stage1_per_1000").value == pytest.approx(8.5)
    assert report.figure("ch01.stage2_per_1000").value == pytest.approx(2.0)


def test_ch02_judges_responses_sent_in_the_period_against_the_code(code_org, year):
    report = tsm_report(code_org, START, END)
    stage1 = report.figure("ch02.stage1")
    responded = {
        "on_time_day_15",
        "late_day_16",
        "late_ack",
        "extended_10_day_25",
        "extended_5_day_22",
        "beyond_day_25",
        "beyond_day_27",
        "stage2_day_25",
        "stage2_day_26",
        "stage2_ext_day_45",
        "stage2_ext_day_46",
        "escalation_refused",
        "before_answered_inside",
        "last_day",  # answered on 2 Apr 2026: not in this period
    } - {"last_day"}
    on_time = {
        "on_time_day_15",
        "late_ack",
        "extended_10_day_25",
        "beyond_day_25",
        "stage2_day_25",  # stage 1 answered on day 10
        "stage2_day_26",
        "stage2_ext_day_45",
        "stage2_ext_day_46",
        "escalation_refused",
        "before_answered_inside",
    }
    assert stage1.denominator == len(responded) == 13
    assert stage1.numerator == len(on_time) == 10
    assert refs(stage1) == {year[k].pk for k in on_time}
    assert stage1.value == pytest.approx(10 / 13)
    stage2 = report.figure("ch02.stage2")
    assert stage2.denominator == 5
    assert refs(stage2) == {
        year[k].pk for k in ("stage2_day_25", "stage2_ext_day_45", "stage2_before_answered_inside")
    }
    assert stage2.value == pytest.approx(3 / 5)


def test_a_period_boundary_moves_figures_between_periods(code_org, year):
    before = tsm_report(code_org, d(2024, 4, 1), d(2025, 3, 31))
    # Received 31 Mar 2025 at 10:00 and the March 2025 escalation belong to 2024/25.
    assert before.figure("ch01.stage1").value == 2
    assert before.figure("ch01.stage2").value == 1
    assert before.figure("ch02.stage1").denominator == 1  # the 14 March 2025 response
    after = tsm_report(code_org, d(2026, 4, 1), d(2027, 3, 31))
    assert after.figure("ch01.stage1").value == 1
    assert after.figure("ch02.stage1").denominator == 2  # answered 1 and 2 April 2026
    single_day = tsm_report(code_org, d(2025, 4, 1), d(2025, 4, 1))
    assert refs(single_day.figure("ch01.stage1")) == {year["after_cutoff_31_march"].pk}


def test_tp09_is_the_share_very_or_fairly_satisfied(code_org, year, now):
    scores = {"on_time_day_15": 5, "late_day_16": 4, "late_ack": 3, "withdrawn": 1}
    for name, score in scores.items():
        SatisfactionResponse.objects.create(case=year[name], score=score)
    report = tsm_report(code_org, START, d(2026, 6, 30))
    tp09 = report.figure("tp09")
    assert (tp09.numerator, tp09.denominator, tp09.value) == (2, 4, 0.5)
    assert tsm_report(code_org, START, END).figure("tp09").value is None  # answered in June 2026


def test_figures_by_quarter_add_up(code_org, year):
    report = tsm_report(code_org, START, END, by=["quarter"])
    by_key = {g.key: g for g in report.groups}
    assert by_key[("2025-04",)].value("ch01.stage1") == 15
    assert by_key[("2025-04",)].labels == ("Apr-Jun 2025",)
    assert by_key[("2026-01",)].value("ch01.stage1") == 2
    assert by_key[("2025-04",)].value("ch02.stage2") == 1.0  # answered 22 Apr 2025
    assert by_key[("2025-07",)].value("ch02.stage2") == 0.5
    assert sum(g.value("ch01.stage1") for g in report.groups) == report.total.value("ch01.stage1")


def test_a_group_without_homes_uses_its_members(db, now):
    group = organisation_create(slug="group", name="Group", reference_prefix="GRP")
    a = organisation_create(slug="member-a", name="Member A", parent=group, reference_prefix="MA")
    b = organisation_create(slug="member-b", name="Member B", parent=group, reference_prefix="MB")
    HomesCount.objects.create(organisation=a, year=2025, homes=1000)
    HomesCount.objects.create(organisation=b, year=2025, homes=3000)
    Builder(a).case(d(2025, 6, 2))
    Builder(b).case(d(2025, 6, 2))
    Builder(b).case(d(2025, 6, 3))
    report = tsm_report(group, START, END, by=["organisation"])
    assert report.homes == 4000
    assert report.figure("ch01.stage1_per_1000").value == pytest.approx(0.75)
    rows = {g.key: g for g in report.groups}
    assert rows[("member-a",)].value("ch01.stage1_per_1000") == pytest.approx(1.0)
    assert rows[("member-b",)].value("ch01.stage1_per_1000") == pytest.approx(2 / 3, abs=0.01)
    assert rows[("member-b",)].labels == ("Member B",)


def test_no_homes_figure_gives_no_rate_and_says_why(db, now):
    org = organisation_create(slug="nohomes", name="No Homes", reference_prefix="NH")
    Builder(org).case(d(2025, 6, 2))
    report = tsm_report(org, START, END)
    assert report.figure("ch01.stage1").value == 1
    assert report.figure("ch01.stage1_per_1000").value is None
    assert any("homes" in n for n in report.notes)


@pytest.mark.parametrize(
    ("start", "end", "by", "field"),
    [
        (d(2025, 4, 1), d(2025, 3, 1), (), "end"),
        (d(2025, 4, 1), d(2026, 3, 31), ("colour",), "by"),
        (d(2025, 4, 1), d(2026, 3, 31), ("month", "quarter"), "by"),
    ],
)
def test_bad_input_is_refused_with_a_reason(code_org, start, end, by, field):
    with pytest.raises(ReportInputError) as error:
        tsm_report(code_org, start, end, by=by)
    assert error.value.field == field
