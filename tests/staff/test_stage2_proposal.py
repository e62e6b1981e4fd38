"""Stage 2 is proposed to someone other than whoever answered stage 1 (Code 6.13): the
assignment page names only people who may take it."""

from __future__ import annotations

import pytest

from putright.accounts.models import User
from putright.cases.selectors import case_pack
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_assign,
    case_escalate,
    case_respond,
)
from putright.staff.forms import policy_suggestion

from .conftest import at, give_role
from .test_pages import received

pytestmark = pytest.mark.django_db


def test_the_stage_1_responder_is_not_proposed_for_stage_2(code_org, time_machine):
    first = give_role(
        User.objects.create_user("ana", display_name="Ana First"), code_org, "complaints_manager"
    )
    other = give_role(
        User.objects.create_user("ben", display_name="Ben Other"), code_org, "complaints_manager"
    )
    time_machine.move_to(at(2026, 3, 2, 10), tick=False)
    case = received(code_org, first)
    case = case_assign(case=case, actor=Actor(first), handler=first)
    case = case_acknowledge(case=case, actor=Actor(first))
    time_machine.move_to(at(2026, 3, 5, 10), tick=False)
    case = case_respond(case=case, actor=Actor(first), outcome="not_upheld", text="Found.")
    time_machine.move_to(at(2026, 3, 9, 10), tick=False)
    case = case_escalate(case=case, actor=Actor(first))

    role, people = policy_suggestion(case, case_pack(case))
    assert role == "complaints_manager"
    assert people == [other]


def test_only_those_who_may_investigate_are_offered_as_investigators(
    staff_client, caseworker, code_org
):
    from .html import parse, radio_values  # noqa: F401

    board = give_role(
        User.objects.create_user("bea", display_name="Bea Board"), code_org, "board_member"
    )
    officer = give_role(
        User.objects.create_user("ivy", display_name="Ivy Investigator"),
        code_org,
        "investigating_officer",
    )
    case = received(code_org, caseworker)
    page = parse(staff_client.get(f"/cases/{case.reference}/assign/").content)
    investigators = [o.text for o in page.find("select", id="id_investigator").find_all("option")]
    handlers = [o.text for o in page.find("select", id="id_handler").find_all("option")]
    assert str(officer) in investigators
    assert str(board) not in investigators
    assert str(board) not in handlers
