"""An investigator's own work is on their My work: the cases they investigate, counted by
when they are due, not only under "My team"."""

from __future__ import annotations

import pytest

from putright.accounts.models import User
from putright.cases.services import Actor, case_acknowledge, case_assign, case_request_investigation

from .conftest import PASSWORD, at, give_role
from .html import parse
from .test_pages import received

pytestmark = pytest.mark.django_db


def test_a_case_i_investigate_is_my_work(client, caseworker, southern_org, time_machine):
    time_machine.move_to(at(2026, 3, 2, 10), tick=False)
    ivy = give_role(
        User.objects.create_user("ivy", password=PASSWORD, display_name="Ivy Investigator"),
        southern_org,
        "investigating_officer",
    )
    case = received(southern_org, caseworker)
    case = case_assign(case=case, actor=Actor(caseworker), handler=caseworker)
    case = case_acknowledge(case=case, actor=Actor(caseworker))
    case = case_request_investigation(
        case=case, actor=Actor(caseworker), team="Repairs", investigator=ivy
    )
    time_machine.move_to(at(2026, 3, 9, 10), tick=False)
    client.force_login(ivy)
    page = parse(client.get("/work/").content)
    assert case.reference in page.text
    counts = [p.text for p in page.find_all("p", cls="govuk-body")][:3]
    due = sum(int(c.split()[0]) for c in counts)
    assert due >= 1, counts
