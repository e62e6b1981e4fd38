"""CH02 judges each response from the acknowledgement, as the Code does (6.3 at stage 1, the
stage 2 response from the escalation's acknowledgement), beside the landlord's own timescale.

Every case is recorded through the case services. Working days were counted by hand on the
England calendar (the day counted from is day 0):

- from Tue 3 Jun 2025: day 8 is Fri 13 Jun, day 10 Tue 17 Jun, day 19 Mon 30 Jun,
  day 20 Tue 1 Jul;
- from Wed 4 Jun 2025: day 10 is Wed 18 Jun, day 12 Fri 20 Jun (day 14 from receipt on
  Mon 2 Jun, inside the old "15 from the stage start");
- from Mon 2 Jun 2025 (received, never acknowledged): the acknowledgement was due on day 5,
  Mon 9 Jun; day 10 from that is Mon 23 Jun;
- from Fri 11 Jul 2025 (a stage 2 acknowledged on day 4 of the escalation on Mon 7 Jul):
  day 20 is Fri 8 Aug, day 21 Mon 11 Aug, day 40 Mon 8 Sep and day 41 Tue 9 Sep (Mon 25 Aug
  is the summer bank holiday); the old "25 from the stage start" was Mon 11 Aug and
  "45" Tue 9 Sep;
- from Mon 22 Dec 2025 (Christmas): day 10 is Thu 8 Jan 2026 (25 and 26 Dec and 1 Jan are
  bank holidays); with the organisation closed on Wed 24 Dec, day 10 is Fri 9 Jan.
"""

from __future__ import annotations

import pytest

from putright.accounts.models import User
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_escalate,
    case_extend,
    case_receive,
    case_respond,
)
from putright.organisations.services import organisation_add_closure_day, organisation_create
from putright.people.models import Person
from putright.reports.export import as_csv, as_json
from putright.reports.service import performance_report, tsm_report

from .conftest import at, d

START = d(2025, 4, 1)
END = d(2026, 3, 31)


@pytest.fixture
def handler(db):
    return Actor(User.objects.create_user("handler"))


@pytest.fixture
def reviewer(db):
    """Someone other than the stage 1 handler, to answer stage 2 (Code 6.13)."""
    return Actor(User.objects.create_user("reviewer"))


def organisation(slug: str, pack: str = "hos-code-2024"):
    return organisation_create(
        slug=slug, name=slug.title(), policy_pack=pack, reference_prefix=slug[:4].upper()
    )


def receive(org, actor, when):
    person = Person.objects.create(organisation=org, name="Pat", tenure="tenant")
    return case_receive(
        organisation=org,
        kind="complaint",
        channel="email",
        received_at=when,
        summary="The leak is still not fixed",
        actor=actor,
        customer=person,
    )


def ack(case, actor, when):
    return case_acknowledge(case=case, actor=actor, occurred_at=when)


def answer(case, actor, when, outcome="upheld"):
    return case_respond(
        case=case, actor=actor, outcome=outcome, text="Our answer", occurred_at=when
    )


def extend(case, actor, when, days):
    return case_extend(
        case=case, actor=actor, working_days=days, reason="complexity", occurred_at=when
    )


def ids(figure) -> set[int]:
    return {int(i) for i in figure.case_ids}


def pair(figure) -> tuple[int | None, int | None]:
    return figure.numerator, figure.denominator


def test_stage1_counts_ten_working_days_from_the_acknowledgement(now, handler):
    org = organisation("anchor")
    # Acknowledged on day 2, answered 12 working days later (day 14 from receipt): late.
    late = answer(
        ack(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 4)),
        handler,
        at(2025, 6, 20),
    )
    # Acknowledged on day 1, extended by 10 (the Code's most), answered on day 19: on time.
    extended = ack(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 3))
    extended = extend(extended, handler, at(2025, 6, 10), 10)
    extended = answer(extended, handler, at(2025, 6, 30), "partly_upheld")
    # Two on time: day 8 after the acknowledgement, and day 10 exactly (the last day).
    early = answer(
        ack(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 3)),
        handler,
        at(2025, 6, 13),
    )
    last_day = answer(
        ack(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 4)),
        handler,
        at(2025, 6, 18),
    )

    report = tsm_report(org, START, END)
    ch02 = report.figure("ch02.stage1")
    assert pair(ch02) == (3, 4)
    assert ch02.value == pytest.approx(0.75)
    assert ids(ch02) == {extended.pk, early.pk, last_day.pk}
    assert late.pk not in ids(ch02)
    # The organisation's policy is the Code: the same judgement.
    assert pair(report.figure("ch02.stage1_policy")) == (3, 4)

    perf = performance_report(org, START, END).total.figures
    assert pair(perf["stage1.responded_on_time_share"]) == (3, 4)
    assert ids(perf["stage1.responded_on_time"]) == {extended.pk, early.pk, last_day.pk}
    assert perf["stage1.responded_within_policy"].value == 3
    # All four were acknowledged within the Code's five working days.
    assert perf["stage1.acknowledged_on_time"].value == 4


def test_stage2_counts_twenty_working_days_from_the_escalations_acknowledgement(
    now, handler, reviewer
):
    org = organisation("second")

    def at_stage2(acknowledged_on):
        case = ack(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 3))
        case = answer(case, handler, at(2025, 6, 13), "not_upheld")
        case = case_escalate(case=case, actor=handler, occurred_at=at(2025, 7, 7))
        return ack(case, reviewer, acknowledged_on)

    # Escalated Mon 7 Jul, acknowledged Fri 11 Jul (day 4): day 20 after it is on time;
    # day 21 is late, though it was day 25 from the escalation.
    on_time = answer(at_stage2(at(2025, 7, 11)), reviewer, at(2025, 8, 8))
    late = answer(at_stage2(at(2025, 7, 11)), reviewer, at(2025, 8, 11))
    # Extended by 20 (the Code's most) and answered over the August bank holiday: day 40
    # after the acknowledgement is on time, day 41 late (the old reading allowed day 45
    # from the escalation, Tue 9 Sep).
    extended_ok = extend(at_stage2(at(2025, 7, 11)), reviewer, at(2025, 7, 21), 20)
    extended_ok = answer(extended_ok, reviewer, at(2025, 9, 8))
    extended_late = extend(at_stage2(at(2025, 7, 11)), reviewer, at(2025, 7, 21), 20)
    extended_late = answer(extended_late, reviewer, at(2025, 9, 9))

    report = tsm_report(org, START, END)
    ch02 = report.figure("ch02.stage2")
    assert pair(ch02) == (2, 4)
    assert ids(ch02) == {on_time.pk, extended_ok.pk}
    assert {late.pk, extended_late.pk}.isdisjoint(ids(ch02))
    assert pair(report.figure("ch02.stage1")) == (4, 4)
    perf = performance_report(org, START, END).total.figures
    assert perf["stage2.responded_on_time"].value == 2
    assert perf["stage2.acknowledged_on_time"].value == 4


def test_a_response_with_no_acknowledgement_counts_from_the_day_it_was_due(now, handler, reviewer):
    org = organisation("unacknowledged")
    # Never acknowledged: counted from day 5 (Mon 9 Jun), when the acknowledgement was due.
    on_time = answer(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 23))
    late = answer(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 24))
    # Acknowledged only after the response: the response was not counted from it.
    after = answer(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 24))
    after = ack(after, handler, at(2025, 6, 25))
    # Stage 2 answered with no acknowledgement (issue: it counted as done, undated): from
    # Mon 14 Jul, when its acknowledgement was due, day 20 is Mon 11 Aug.
    stage2 = ack(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 3))
    stage2 = answer(stage2, handler, at(2025, 6, 13))
    stage2 = case_escalate(case=stage2, actor=handler, occurred_at=at(2025, 7, 7))
    stage2_late = answer(stage2, reviewer, at(2025, 8, 12))

    report = tsm_report(org, START, END)
    assert ids(report.figure("ch02.stage1")) == {on_time.pk, stage2.pk}
    assert {late.pk, after.pk}.isdisjoint(ids(report.figure("ch02.stage1")))
    assert pair(report.figure("ch02.stage1")) == (2, 4)
    assert pair(report.figure("ch02.stage2")) == (0, 1)
    assert stage2_late.pk not in ids(report.figure("ch02.stage2"))

    # The acknowledgement measures count only acknowledgements made, on their own dates.
    perf = performance_report(org, START, END).total.figures
    assert perf["stage1.acknowledgements_due"].value == 4
    assert ids(perf["stage1.acknowledged_on_time"]) == {stage2.pk}
    assert perf["stage2.acknowledgements_due"].value == 1
    assert perf["stage2.acknowledged_on_time"].value == 0


def test_working_days_follow_the_organisations_calendar_across_christmas(now, handler):
    plain = organisation("plain")
    closed = organisation("closed")
    organisation_add_closure_day(organisation=closed, date=d(2025, 12, 24), name="Christmas Eve")
    for org in (plain, closed):
        # Received Fri 19 Dec, acknowledged Mon 22 Dec; day 10 after it is Thu 8 Jan 2026
        # over the bank holidays, and Fri 9 Jan where the office is also shut on 24 Dec.
        case = ack(receive(org, handler, at(2025, 12, 19)), handler, at(2025, 12, 22))
        answer(case, handler, at(2026, 1, 9))
        case = ack(receive(org, handler, at(2025, 12, 19)), handler, at(2025, 12, 22))
        answer(case, handler, at(2026, 1, 8))
    assert pair(tsm_report(plain, START, END).figure("ch02.stage1")) == (1, 2)
    assert pair(tsm_report(closed, START, END).figure("ch02.stage1")) == (2, 2)


def test_the_landlords_own_timescale_is_shown_beside_the_codes(now, handler):
    # Housing Plus Group's policy answers stage 1 within 10 working days of receipt (the
    # Code: 10 of the acknowledgement, which may come up to 5 days after receipt).
    org = organisation("policy", "housing-plus-group-2021")
    # Acknowledged Tue 3 Jun, answered Tue 17 Jun: day 10 from the acknowledgement (the
    # Code: on time), day 11 from receipt (the policy: late).
    slower = answer(
        ack(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 3)),
        handler,
        at(2025, 6, 17),
    )
    both = answer(
        ack(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 3)),
        handler,
        at(2025, 6, 13),
    )

    report = tsm_report(org, START, END)
    assert pair(report.figure("ch02.stage1")) == (2, 2)
    policy = report.figure("ch02.stage1_policy")
    assert pair(policy) == (1, 2)
    assert ids(policy) == {both.pk}
    assert slower.pk not in ids(policy)
    assert report.figure("ch02.stage2_policy").value is None  # no stage 2 response

    perf = performance_report(org, START, END).total.figures
    assert pair(perf["stage1.responded_within_policy_share"]) == (1, 2)

    # The exports carry both figures, and the notes say how each is judged.
    body = as_json(report)
    assert body["measures"]["CH02"]["stage1"]["within_timescale"] == 2
    assert body["measures"]["CH02"]["stage1"]["within_policy_timescale"] == 1
    assert body["figures"]["ch02.stage1_policy"]["value"] == pytest.approx(0.5)
    header = as_csv(report).splitlines()[0]
    assert "within the landlord's policy timescale" in header
    notes = " ".join(report.notes)
    assert "10 working days of the acknowledgement (Code 6.3)" in notes
    assert "acknowledgement was due" in notes
    assert "policy timescale" in notes


def test_the_policy_timescale_follows_the_stage_2_route(now, handler, reviewer):
    # Southern's stage 2 answers within 20 working days of the escalation, but within 10 on
    # its Compensation Review route (4.6); the Code: 20 from the escalation's acknowledgement.
    org = organisation("routes", "southern-housing-2020")

    def escalated(route: str):
        case = ack(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 3))
        case = answer(case, handler, at(2025, 6, 13), "partly_upheld")
        case = case_escalate(
            case=case,
            actor=handler,
            route=route,
            reasons="The offer is too low",
            about=["compensation"] if route else [],
            occurred_at=at(2025, 7, 7),
        )
        return ack(case, reviewer, at(2025, 7, 8))

    # Answered on Mon 28 Jul, day 15 from the escalation on Mon 7 Jul (day 14 from the
    # acknowledgement): inside the Code and the usual 20 days; late on the 10-day route.
    review = answer(escalated("compensation_review"), reviewer, at(2025, 7, 28))
    panel = answer(escalated("complaint_review_panel"), reviewer, at(2025, 7, 28))

    report = tsm_report(org, START, END)
    assert pair(report.figure("ch02.stage2")) == (2, 2)
    assert ids(report.figure("ch02.stage2_policy")) == {panel.pk}
    assert review.pk not in ids(report.figure("ch02.stage2_policy"))
