"""The reports benchmark's bare SQL judges CH02 as the reports do, from the acknowledgement.

`putright bench reports` fails when its hand-written statements and the reports disagree;
here they are compared on the cases where counting from the acknowledgement (Code 6.3, and
stage 2 from the escalation's acknowledgement) differs from counting from the stage start:
an early, a late and a missing acknowledgement, an extension, a stage 2 and a closure day.
Every case is recorded through the case services (dates as in ``test_ch02_code_anchor``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from putright.accounts.models import User
from putright.cases.services import Actor, case_escalate
from putright.organisations.services import organisation_add_closure_day
from putright.reports.service import performance_report, tsm_report

from .conftest import at, d
from .test_ch02_code_anchor import ack, answer, extend, organisation, receive

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bare SQL is PostgreSQL's"
)

START, END, TODAY = d(2025, 4, 1), d(2026, 3, 31), d(2026, 6, 1)


@pytest.fixture
def handler(db: None) -> Actor:
    return Actor(User.objects.create_user("handler"))


@pytest.fixture
def reviewer(db: None) -> Actor:
    """Someone other than the stage 1 handler, to answer stage 2 (Code 6.13)."""
    return Actor(User.objects.create_user("reviewer"))


def test_the_bare_sql_agrees_with_the_reports_where_the_acknowledgement_decides(
    now: Any, handler: Actor, reviewer: Actor
) -> None:
    from putright.benchmarks.reports import (
        _PERFORMANCE_SQL,
        _TSM_SQL,
        PERFORMANCE_COLUMNS,
        _fetch,
        _parameters,
    )

    org = organisation("bare")
    organisation_add_closure_day(organisation=org, date=d(2025, 12, 24), name="Christmas Eve")
    # Acknowledged on day 2, answered 12 working days later: late (on time from the start).
    answer(
        ack(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 4)),
        handler,
        at(2025, 6, 20),
    )
    # Acknowledged on day 1, extended by the Code's 10, answered on day 19 after it: on time.
    extended = ack(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 3))
    answer(extend(extended, handler, at(2025, 6, 10), 10), handler, at(2025, 6, 30))
    # Never acknowledged: from the day it was due (Mon 9 Jun); day 10 on time, day 11 late.
    answer(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 23))
    answer(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 24))
    # Acknowledged late (day 10), answered 9 working days after it: on time by the Code.
    answer(
        ack(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 16)),
        handler,
        at(2025, 6, 27),
    )
    # Stage 2: escalated Mon 7 Jul, acknowledged Fri 11 Jul; day 20 after it on time, day 21 late.
    for answered in (at(2025, 8, 8), at(2025, 8, 11)):
        case = answer(receive(org, handler, at(2025, 6, 2)), handler, at(2025, 6, 10))
        case = ack(
            case_escalate(case=case, actor=handler, occurred_at=at(2025, 7, 7)),
            reviewer,
            at(2025, 7, 11),
        )
        answer(case, reviewer, answered)
    # Across Christmas with the office shut on 24 Dec: day 10 after Mon 22 Dec is Fri 9 Jan.
    for answered in (at(2026, 1, 9), at(2026, 1, 12)):
        answer(
            ack(receive(org, handler, at(2025, 12, 19)), handler, at(2025, 12, 22)),
            handler,
            answered,
        )
    # Open: acknowledged, never answered (overdue now); and one not yet acknowledged.
    ack(receive(org, handler, at(2026, 3, 2)), handler, at(2026, 3, 3))
    receive(org, handler, at(2026, 3, 30))

    params = _parameters(org, START, END, TODAY)
    rows = {r["level"]: r for r in _fetch(_TSM_SQL, params)}
    f = tsm_report(org, START, END, today=TODAY).total.figures
    for level in (1, 2):
        ch02 = f[f"ch02.stage{level}"]
        assert (rows[level]["responded"], rows[level]["on_time"]) == (
            ch02.denominator,
            ch02.numerator,
        )
        assert rows[level]["received"] == f[f"ch01.stage{level}"].value
    # On time by the Code at stage 1: the extended one, the unacknowledged one answered on
    # Mon 23 Jun, the late-acknowledged one, the two answered on day 6 before their stage 2
    # and the one of Fri 9 Jan: 6 of 9. At stage 2, 1 of 2.
    assert (f["ch02.stage1"].numerator, f["ch02.stage1"].denominator) == (6, 9)
    assert (f["ch02.stage2"].numerator, f["ch02.stage2"].denominator) == (1, 2)
    total = next(r for r in _fetch(_PERFORMANCE_SQL, params) if r["is_total"])
    figures = performance_report(org, START, END, today=TODAY).total.figures
    for column, key in PERFORMANCE_COLUMNS.items():
        ours = figures[key].value
        assert (ours is None and total[column] is None) or float(ours) == pytest.approx(
            float(total[column])
        ), key
