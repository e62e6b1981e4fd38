"""My work lists the chases and breach alerts the sweep records, to the people they concern."""

from __future__ import annotations

import pytest
from django.test import Client

from putright.accounts.models import Role, User
from putright.cases.models import Event, EventKind
from putright.cases.services import Actor, case_acknowledge, case_assign, case_close
from putright.cases.tasks import sweep_deadlines

from .conftest import at, give_role
from .html import parse


@pytest.fixture
def people(organisation_on):
    rooftop = organisation_on("rooftop-2023")

    def user(name: str, role: str) -> User:
        return give_role(User.objects.create_user(name), rooftop, role)

    return {
        "mine": user("hana", Role.COMPLAINT_HANDLER),
        "colleague": user("colin", Role.COMPLAINT_HANDLER),
        "manager": user("mo", Role.COMPLAINTS_MANAGER),
    }


def sweep_a_late_complaint(receive, clock, handler, people):
    """A Rooftop complaint taken past day 10 and its 20-day ceiling, then swept."""
    clock(2026, 3, 2, 9)
    case = receive("rooftop-2023", received_at=at(2026, 3, 2, 9))
    clock(2026, 3, 3, 9)
    case = case_acknowledge(case=case, actor=Actor(handler))
    case = case_assign(case=case, actor=Actor(handler), handler=people["mine"])
    clock(2026, 3, 31, 7)
    sweep_deadlines.enqueue()
    return case


@pytest.fixture
def swept_case(receive, clock, handler, people):
    """A Rooftop complaint past day 10 and its 20-day ceiling: a chase and a breach alert."""
    case = sweep_a_late_complaint(receive, clock, handler, people)
    kinds = set(Event.objects.filter(case=case).values_list("kind", flat=True))
    assert {EventKind.CHASED, EventKind.ALERTED} <= kinds
    return case


def alerts(user: User) -> list[str]:
    client = Client()
    client.force_login(user)
    page = client.get("/work/")
    assert page.status_code == 200
    table = next(parse(page.content).find_all(id="alerts"), None)
    if table is None:
        return []
    return [" ".join(row.text.split()) for row in table.find("tbody").find_all("tr")]


def test_the_handler_sees_the_chase_and_the_alert_on_their_case(swept_case, people):
    rows = alerts(people["mine"])
    assert len(rows) == 2
    assert all(swept_case.reference in row for row in rows)
    assert any("Breach alert" in row for row in rows)
    assert any("Chased" in row for row in rows)


def test_the_complaints_manager_sees_the_breach_alert_only(swept_case, people):
    rows = alerts(people["manager"])
    assert len(rows) == 1
    assert "Breach alert" in rows[0]


def test_a_colleague_sees_nothing_of_a_case_that_is_not_theirs(swept_case, people):
    assert alerts(people["colleague"]) == []


def test_alerts_leave_my_work_after_two_weeks_or_when_the_case_closes(
    swept_case, people, clock, handler
):
    clock(2026, 4, 13, 9)  # 13 days on: still there
    assert len(alerts(people["mine"])) == 2
    clock(2026, 4, 15, 9)
    assert alerts(people["mine"]) == []
    clock(2026, 4, 1, 9)
    case_close(case=swept_case, actor=Actor(handler), reason="resolved")
    assert alerts(people["mine"]) == []


def test_the_owner_of_an_action_that_slipped_sees_it(swept_case, people, handler, clock):
    import datetime

    from putright.remedies.services import action_add
    from putright.remedies.tasks import alert_overdue_actions

    action_add(
        case=swept_case,
        actor=Actor(people["manager"]),
        description="Replace the guttering",
        owner=people["colleague"],
        due_on=datetime.date(2026, 4, 2),
    )
    clock(2026, 4, 3, 9)
    alert_overdue_actions.enqueue()

    rows = alerts(people["colleague"])
    assert len(rows) == 1
    assert "Action overdue" in rows[0]
    assert "Replace the guttering" in rows[0]
    assert any("Action overdue" in row for row in alerts(people["mine"]))  # the handler too


def test_the_people_concerned_are_told_by_e_mail_once_without_the_customer(
    receive, clock, handler, people, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://complaints.example.org"
    for user, address in (
        (people["mine"], "hana@example.org"),
        (people["manager"], "mo@example.org"),
    ):
        user.email = address
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = sweep_a_late_complaint(receive, clock, handler, people)
        sweep_deadlines.enqueue()  # again the same day: nothing new to tell

    told = sorted((m.to[0], m.subject) for m in mailoutbox)
    assert told == [
        ("hana@example.org", f"Breach alert: {case.reference}"),
        ("hana@example.org", f"Reminder: {case.reference} needs your next step"),
        ("mo@example.org", f"Breach alert: {case.reference}"),
    ]
    body = mailoutbox[0].body
    assert f"https://complaints.example.org/cases/{case.reference}/" in body
    assert "Pat Resident" not in body  # the customer is not named in an e-mail


def test_a_breach_alert_on_a_conduct_case_is_told_only_to_those_who_may_see_it(
    receive, clock, handler, people, organisation_on, mailoutbox, django_capture_on_commit_callbacks
):
    senior = give_role(
        User.objects.create_user("sam"), organisation_on("rooftop-2023"), Role.SENIOR_MANAGER
    )
    for user, address in ((people["manager"], "mo@example.org"), (senior, "sam@example.org")):
        user.email = address
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        clock(2026, 3, 2, 9)
        case = receive("rooftop-2023", received_at=at(2026, 3, 2, 9), flags=["conduct"])
        clock(2026, 3, 3, 9)
        case_acknowledge(case=case, actor=Actor(handler))
        clock(2026, 3, 31, 7)
        sweep_deadlines.enqueue()

    told = {m.to[0] for m in mailoutbox if m.subject.startswith("Breach alert")}
    assert told == {"mo@example.org"}  # the complaints manager; not the senior manager
    assert alerts(senior) == []


def test_owning_another_action_on_the_case_does_not_bring_its_alerts(
    swept_case, people, handler, clock, organisation_on
):
    import datetime

    from putright.remedies.services import action_add
    from putright.remedies.tasks import alert_overdue_actions

    other = give_role(
        User.objects.create_user("olu"), organisation_on("rooftop-2023"), Role.COMPLAINT_HANDLER
    )
    action_add(
        case=swept_case, actor=Actor(people["manager"]), description="Replace the guttering",
        owner=people["colleague"], due_on=datetime.date(2026, 4, 2),
    )  # fmt: skip
    action_add(
        case=swept_case, actor=Actor(people["manager"]), description="Write to the neighbour",
        owner=other, due_on=datetime.date(2026, 5, 1),
    )  # fmt: skip
    clock(2026, 4, 3, 9)
    alert_overdue_actions.enqueue()

    assert alerts(other) == []  # the overdue action is the colleague's, not theirs
    assert len(alerts(people["colleague"])) == 1
