"""Every step of every built-in pack, across Christmas, Easter and the 2022/2023 special bank holidays.

The expected dates come from numpy's business-day functions with the same holidays,
an implementation independent of ours; the anchors come from the facts given.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from putright.domain.calendar import WorkingCalendar, bank_holidays
from putright.domain.deadlines import Fact, FactKind, Timeline, derive_deadlines
from putright.domain.policy import Anchor, Counting, builtin_registry

LONDON = ZoneInfo("Europe/London")
CALENDAR = WorkingCalendar()
HOLIDAYS = np.array(sorted(bank_holidays("ENG")), dtype="datetime64[D]")

RECEIVED = {
    "christmas": datetime(2025, 12, 19, 10, 0, tzinfo=LONDON),
    "easter": datetime(2026, 4, 1, 16, 0, tzinfo=LONDON),
    "platinum-jubilee": datetime(2022, 5, 27, 11, 0, tzinfo=LONDON),
    "state-funeral": datetime(2022, 9, 12, 9, 0, tzinfo=LONDON),
    "coronation": datetime(2023, 5, 2, 12, 0, tzinfo=LONDON),
}

# Each anchor happens this many working days after receipt.
ANCHOR_OFFSET = {
    Anchor.ACKNOWLEDGED: 1,
    Anchor.INVESTIGATION_REQUESTED: 1,
    Anchor.INFORMATION_REQUESTED: 1,
    Anchor.INVESTIGATOR_REPLIED: 2,
    Anchor.RESPONDED: 3,
}
FACT_FOR = {
    Anchor.ACKNOWLEDGED: FactKind.ACKNOWLEDGED,
    Anchor.INVESTIGATION_REQUESTED: FactKind.INVESTIGATION_REQUESTED,
    Anchor.INFORMATION_REQUESTED: FactKind.INFORMATION_REQUESTED,
    Anchor.INVESTIGATOR_REPLIED: FactKind.INVESTIGATOR_REPLIED,
    Anchor.RESPONDED: FactKind.RESPONDED,
}


def numpy_due(start: date, days: int, counts: Counting) -> date:
    if counts is Counting.WORKING:
        if days == 0:
            return start
        return np.busday_offset(start, days, roll="backward", holidays=HOLIDAYS).astype(date)
    nominal = start + timedelta(days=days)
    return np.busday_offset(nominal, 0, roll="forward", holidays=HOLIDAYS).astype(date)


def every_step():
    for pack in builtin_registry().all():
        for stage in pack.stages:
            for route in [None, *(r.id for r in stage.routes)]:
                for step in stage.steps_for(route):
                    yield pytest.param(
                        pack,
                        stage,
                        route,
                        step,
                        id=f"{pack.id}:{stage.id}:{route or '-'}:{step.id}",
                    )


@pytest.mark.parametrize("when", sorted(RECEIVED))
@pytest.mark.parametrize(("pack", "stage", "route", "step"), list(every_step()))
def test_every_step_falls_on_the_independently_computed_date(pack, stage, route, step, when):
    received_at = RECEIVED[when]
    deemed = CALENDAR.deemed_receipt(received_at).deemed
    facts = [
        Fact(FACT_FOR[a], CALENDAR.add_working_days(deemed, n)) for a, n in ANCHOR_OFFSET.items()
    ]
    if route:
        facts.append(Fact(FactKind.ROUTE_CHOSEN, deemed, route=route))
    timeline = Timeline(
        kind="complaint", received_at=received_at, facts=tuple(facts), start_stage=stage.id
    )

    deadlines = derive_deadlines(pack, CALENDAR, timeline, today=deemed)

    found = [d for d in deadlines if d.stage == stage.id and d.step == step.id]
    assert len(found) == 1
    deadline = found[0]
    if step.start in (Anchor.RECEIVED, Anchor.STAGE_STARTED):
        start = deemed
    else:
        start = CALENDAR.add_working_days(deemed, ANCHOR_OFFSET[step.start])
    assert deadline.explanation.start == start
    assert deadline.due == numpy_due(start, step.days, step.counts)
    assert step.source in deadline.explanation.text()
