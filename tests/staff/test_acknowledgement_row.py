"""A stage answered without an acknowledgement: the case page says the acknowledgement was
never done, rather than "Done" with no date (Code 6.11)."""

from __future__ import annotations

import pytest

from putright.cases.services import Actor, case_acknowledge, case_escalate, case_respond

from .conftest import at
from .html import parse
from .test_pages import received

pytestmark = pytest.mark.django_db


def test_stage_2_answered_without_acknowledgement_shows_never_done(
    staff_client, caseworker, manager, code_org, time_machine
):
    time_machine.move_to(at(2026, 3, 2, 10), tick=False)
    case = received(code_org, caseworker)
    case = case_acknowledge(case=case, actor=Actor(caseworker))
    time_machine.move_to(at(2026, 3, 5, 10), tick=False)
    case = case_respond(case=case, actor=Actor(caseworker), outcome="not_upheld", text="Found.")
    time_machine.move_to(at(2026, 3, 9, 10), tick=False)
    case = case_escalate(case=case, actor=Actor(caseworker))
    time_machine.move_to(at(2026, 3, 10, 10), tick=False)
    case = case_respond(case=case, actor=Actor(manager), outcome="not_upheld", text="Reviewed.")

    page = parse(staff_client.get(f"/cases/{case.reference}/").content)
    rows = [r.text for r in page.find_all("tr") if "Acknowledge" in r.text]
    stage_2 = next(r for r in rows if "Stage 2" in r)
    assert "Never done" in stage_2
    assert "Done" not in stage_2.replace("Never done", "")
    stage_1 = next(r for r in rows if "Stage 1" in r)
    assert "Done" in stage_1
