"""The measures read what the case services record: a year recorded through them."""

from __future__ import annotations

import pytest

from putright.accounts.models import User
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_decide_eligibility,
    case_escalate,
    case_extend,
    case_make_formal,
    case_receive,
    case_refuse_escalation,
    case_respond,
    case_withdraw,
)
from putright.organisations.models import HomesCount
from putright.organisations.services import organisation_create
from putright.people.models import Person
from putright.reports.service import performance_report, tsm_report

from .conftest import at, d

START = d(2025, 4, 1)
END = d(2026, 3, 31)


@pytest.fixture
def actor(db):
    return Actor(User.objects.create_user("recorder"))


def receive(org, actor, when, kind="complaint"):
    person = Person.objects.create(organisation=org, name="Pat", tenure="tenant")
    return case_receive(
        organisation=org,
        kind=kind,
        channel="email",
        received_at=when,
        summary="Nobody came to fix the leak",
        actor=actor,
        customer=person,
    )


def test_code_pack_year_through_the_services(now, actor):
    org = organisation_create(slug="svc", name="Service Homes", reference_prefix="SVC")
    HomesCount.objects.create(organisation=org, year=2026, homes=500)
    # On time: acknowledged day 2, answered day 12.
    a = receive(org, actor, at(2025, 6, 2))
    a = case_acknowledge(case=a, actor=actor, occurred_at=at(2025, 6, 4))
    a = case_respond(
        case=a, actor=actor, outcome="upheld", text="Sorry", occurred_at=at(2025, 6, 18)
    )
    # Acknowledged on day 1, extended by 10 and answered on day 25 (day 24 from the
    # acknowledgement: the Code allows 10 + 10, so late, though within 25 days of receipt);
    # then escalated on a Saturday, acknowledged on Tue 15 Jul and answered 25 working days
    # later: late.
    b = receive(org, actor, at(2025, 6, 2))
    b = case_acknowledge(case=b, actor=actor, occurred_at=at(2025, 6, 3))
    b = case_extend(
        case=b, actor=actor, working_days=10, reason="complexity", occurred_at=at(2025, 6, 10)
    )
    b = case_respond(
        case=b, actor=actor, outcome="partly_upheld", text="Partly", occurred_at=at(2025, 7, 7)
    )
    b = case_escalate(case=b, actor=actor, occurred_at=at(2025, 7, 12))
    b = case_acknowledge(case=b, actor=actor, occurred_at=at(2025, 7, 15))
    reviewer = Actor(User.objects.create_user("reviewer"))  # someone else considers stage 2
    b = case_respond(
        case=b, actor=reviewer, outcome="not_upheld", text="Final", occurred_at=at(2025, 8, 19)
    )
    # Refused under an exclusion; withdrawn; escalation refused.
    c = receive(org, actor, at(2025, 6, 2))
    case_decide_eligibility(
        case=c,
        accepted=False,
        actor=actor,
        reason="This happened in 2022.",
        exclusion="older_than_twelve_months",
        occurred_at=at(2025, 6, 3),
    )
    w = receive(org, actor, at(2025, 6, 2))
    case_withdraw(case=w, actor=actor, occurred_at=at(2025, 6, 5))
    r = receive(org, actor, at(2025, 6, 2))
    r = case_respond(
        case=r, actor=actor, outcome="not_upheld", text="No", occurred_at=at(2025, 6, 13)
    )
    case_refuse_escalation(
        case=r,
        actor=actor,
        ground="exclusion",
        explanation="Court case",
        occurred_at=at(2025, 6, 20),
    )
    tsm = tsm_report(org, START, END)
    assert tsm.figure("ch01.stage1").value == 5
    assert tsm.figure("ch01.stage1_per_1000").value == pytest.approx(10.0)
    assert tsm.figure("ch01.stage2").value == 1
    assert (tsm.figure("ch02.stage1").numerator, tsm.figure("ch02.stage1").denominator) == (2, 3)
    assert b.pk not in {int(i) for i in tsm.figure("ch02.stage1").case_ids}
    # The organisation's policy is the Code: the same judgement beside it.
    assert tsm.figure("ch02.stage1_policy").numerator == 2
    # Stage 2 from its acknowledgement on Tue 15 Jul 2025: day 20 is Tue 12 Aug, so Tue 19
    # Aug is late.
    assert (tsm.figure("ch02.stage2").numerator, tsm.figure("ch02.stage2").denominator) == (0, 1)
    perf = performance_report(org, START, END).total.figures
    assert perf["stage1.extended"].value == 1
    assert perf["stage1.refused"].value == 1
    assert perf["stage1.withdrawn"].value == 1
    assert perf["stage1.escalation_refused"].value == 1
    assert perf["stage1.partly_upheld"].value == 1
    assert perf["stage2.not_upheld"].value == 1
    assert perf["stage2.acknowledged_on_time"].value == 1


def test_an_informal_first_stage_counts_from_becoming_formal(now, actor):
    org = organisation_create(
        slug="informal", name="Informal Homes", policy_pack="rooftop-2023", reference_prefix="INF"
    )
    # Dissatisfaction received before the period, made formal inside it (on a Saturday:
    # stage 1 starts on Monday 7 April 2025).
    early = receive(org, actor, at(2025, 3, 28), kind="dissatisfaction")
    early = case_make_formal(case=early, actor=actor, occurred_at=at(2025, 4, 5))
    # Answered from Mon 7 Apr 2025 (Good Friday 18 Apr and Easter Monday 21 Apr
    # are not counted): Tue 29 Apr is day 14, on time under the Code.
    case_respond(
        case=early, actor=actor, outcome="upheld", text="Fixed", occurred_at=at(2025, 4, 29)
    )
    # Dissatisfaction never made formal: not a stage 1 complaint.
    receive(org, actor, at(2025, 6, 2), kind="dissatisfaction")
    # A complaint received straight at stage 1.
    receive(org, actor, at(2025, 6, 2))
    report = tsm_report(org, START, END)
    assert report.figure("ch01.stage1").value == 2
    assert {int(i) for i in report.figure("ch01.stage1").case_ids} >= {early.pk}
    assert report.figure("ch02.stage1").value == 1.0
    last_year = tsm_report(org, d(2024, 4, 1), d(2025, 3, 31))
    assert last_year.figure("ch01.stage1").value == 0
