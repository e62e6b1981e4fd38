import datetime

import pytest

from putright.cases.selectors import case_deadlines
from putright.organisations.services import organisation_add_closure_day

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_closure_day_moves_open_cases_dates(receive, clock):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    assert case.next_due_on == datetime.date(2026, 3, 9)

    organisation_add_closure_day(
        organisation=case.organisation, date=datetime.date(2026, 3, 4), name="Staff training day"
    )

    case.refresh_from_db()
    assert case.next_due_on == datetime.date(2026, 3, 10)
    acknowledge = next(d for d in case_deadlines(case) if d.step == "acknowledge")
    assert "Staff training day" in acknowledge.explanation.text()
