"""A person's page: how to reach them, their restrictions and the cases the viewer may see,
open to those who may read the organisation's customer records, each read recorded."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from putright.accounts.models import AccessLog, Role, User
from putright.accounts.tokens import token_create
from putright.cases.models import Case, CaseMember
from putright.cases.services import Actor, case_receive
from putright.people.models import ContactRestriction, Person, RestrictionLevel

from .conftest import give_role
from .html import parse

RECEIVED = datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)


@pytest.fixture
def person(vulnerable_customer, clock) -> Person:
    clock(2026, 3, 10, 10)
    customer, _representative = vulnerable_customer
    customer.phone = "0151 496 0000"
    customer.address = "3 Garden Lane\nSpeke"
    customer.save()
    return customer


@pytest.fixture
def receive_for(code_org, caseworker, person):
    def make(summary: str, *, received_at=RECEIVED, **extra) -> Case:
        return case_receive(
            organisation=code_org,
            kind="complaint",
            channel="phone",
            received_at=received_at,
            summary=summary,
            actor=Actor(caseworker),
            customer=person,
            **extra,
        )

    return make


@pytest.fixture
def case(receive_for) -> Case:
    return receive_for("Damp in the bedroom")


def restrict(person, level, starts, review, ends=None, arrangements="E-mail only, to Jo Bloggs"):
    return ContactRestriction.objects.create(
        person=person,
        level=level,
        behaviour="Abusive calls to the contact centre",
        arrangements=arrangements,
        starts_on=starts,
        review_on=review,
        ends_on=ends,
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reads_of(person: Person) -> list[AccessLog]:
    return list(
        AccessLog.objects.filter(action="read customer record", detail__contains=person.name)
    )


def test_a_handler_sees_how_to_reach_them_their_restrictions_and_cases(
    staff_client, person, case, receive_for
):
    older = receive_for("Noise from next door", received_at=RECEIVED - datetime.timedelta(days=20))
    restrict(
        person, RestrictionLevel.RESTRICTION, datetime.date(2026, 2, 1), datetime.date(2026, 8, 1)
    )
    restrict(
        person,
        RestrictionLevel.WARNING,
        datetime.date(2025, 1, 1),
        datetime.date(2025, 6, 1),
        ends=datetime.date(2025, 7, 1),
        arrangements="Letters only",
    )

    answer = staff_client.get(f"/people/{person.pk}/")

    assert answer.status_code == 200
    page = parse(answer.content)
    assert page.find("h1").text == "Robin Clarke"
    contact = page.find("h2", id="contact").parent.find("dl", cls="govuk-summary-list").text
    for shown in (
        "Phone, mornings only",
        "robin@example.org",
        "0151 496 0000",
        "3 Garden Lane",
        "L19 2BB",
        "Leaseholder",
        "Large print letters",
        "Call before visiting",
    ):
        assert shown in contact
    assert "Sam Advocate Advocate Authority held" in page.find("table").text

    cards = [card.text for card in page.find_all(cls="govuk-summary-card")]
    assert len(cards) == 2
    assert cards[0].startswith("Contact restricted in force since 1 February 2026")
    assert "E-mail only, to Jo Bloggs" in cards[0]
    assert "Abusive calls to the contact centre" in cards[0]
    assert "By 1 August 2026" in cards[0]
    assert cards[1].startswith("Warning about behaviour 1 January 2025 to 1 July 2025")
    assert "Letters only" in cards[1]
    assert "overdue" not in cards[1]  # lifted: no review owed
    assert (
        "A restriction or behaviour warning is in force" in page.find(cls="govuk-warning-text").text
    )

    table = page.find("h2", id="cases").parent.find("div", cls="app-table-scroll")
    links = [a.attrs["href"] for a in table.find_all("a")]
    assert links == [f"/cases/{case.reference}/", f"/cases/{older.reference}/"]  # newest first
    first = [cell.text for cell in next(table.find_all("tbody")).find("tr").find_all("td")]
    assert first[:5] == [case.reference, "Damp in the bedroom", "Complaint", "Stage 1", "Open"]
    assert case.next_due_on is not None
    assert case.next_due_on.strftime("%-d %b %Y") in first[6]

    assert not page.has("h2", id="actions")  # no person actions are declared yet


def test_an_overdue_review_is_flagged(staff_client, person, clock):
    restrict(
        person, RestrictionLevel.RESTRICTION, datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)
    )
    page = parse(staff_client.get(f"/people/{person.pk}/").content)
    assert "Review overdue since 1 March 2026" in page.find(cls="govuk-summary-card").text


def test_each_read_is_recorded_as_the_api_records_it(staff_client, caseworker, person):
    assert staff_client.get(f"/people/{person.pk}/").status_code == 200
    [page_read] = reads_of(person)
    assert page_read.user == caseworker
    assert page_read.detail == f"Robin Clarke (person {person.pk})"

    _token, raw = token_create(user=caseworker, name="tests", expires_in_days=30)
    api = Client().get(f"/api/v1/people/{person.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 200
    api_read = next(r for r in reads_of(person) if r.pk != page_read.pk)
    assert (api_read.user, api_read.action, api_read.case_reference, api_read.detail) == (
        page_read.user,
        page_read.action,
        page_read.case_reference,
        page_read.detail,
    )


@pytest.mark.parametrize("role", [Role.INVESTIGATING_OFFICER, Role.PANEL_MEMBER])
def test_those_named_on_a_case_without_the_customer_record_get_404(role, code_org, person, case):
    named = give_role(User.objects.create_user("named"), code_org, role)
    CaseMember.objects.create(case=case, user=named, role=role)

    assert signed_in(named).get(f"/cases/{case.reference}/").status_code == 200  # the case: yes
    assert signed_in(named).get(f"/people/{person.pk}/").status_code == 404  # the person: no
    assert reads_of(person) == []


def test_a_board_member_and_another_organisations_staff_get_404(code_org, organisation_on, person):
    board = give_role(User.objects.create_user("board"), code_org, Role.BOARD_MEMBER)
    elsewhere = organisation_on("rooftop-2023")
    outsider = User.objects.create_user("outsider")
    for role in (Role.COMPLAINT_HANDLER, Role.COMPLAINTS_MANAGER, Role.ADMINISTRATOR):
        give_role(outsider, elsewhere, role)

    for user in (board, outsider):
        answer = signed_in(user).get(f"/people/{person.pk}/")
        assert answer.status_code == 404
        assert b"Robin Clarke" not in answer.content
    assert reads_of(person) == []


def test_a_missing_person_is_404_like_a_hidden_one(staff_client, person):
    assert staff_client.get(f"/people/{person.pk + 1000}/").status_code == 404
    assert not AccessLog.objects.filter(action="read customer record").exists()


def test_signing_in_comes_first(client, person):
    answer = client.get(f"/people/{person.pk}/")
    assert answer.status_code == 302
    assert reads_of(person) == []


def test_a_conduct_case_is_listed_only_to_those_who_may_read_it(
    caseworker, complaints_manager, person, case, receive_for
):
    conduct = receive_for("A housing officer was rude on the phone", flags=["conduct"])

    to_handler = signed_in(caseworker).get(f"/people/{person.pk}/").content.decode()
    assert case.reference in to_handler
    assert conduct.reference not in to_handler
    assert "rude on the phone" not in to_handler

    to_manager = parse(signed_in(complaints_manager).get(f"/people/{person.pk}/").content)
    table = to_manager.find("h2", id="cases").parent.find("div", cls="app-table-scroll")
    assert f"/cases/{conduct.reference}/" in [a.attrs["href"] for a in table.find_all("a")]
    assert "Restricted" in table.text


def test_the_case_page_links_the_name_for_those_who_may_open_the_person(
    staff_client, code_org, person, case
):
    bar = parse(staff_client.get(f"/cases/{case.reference}/").content).find(cls="moj-identity-bar")
    assert bar.find("a").attrs["href"] == f"/people/{person.pk}/"
    assert bar.find("a").text == "Robin Clarke"

    panel = give_role(User.objects.create_user("pip"), code_org, Role.PANEL_MEMBER)
    CaseMember.objects.create(case=case, user=panel, role="panel_member")
    bar = parse(signed_in(panel).get(f"/cases/{case.reference}/").content).find(
        cls="moj-identity-bar"
    )
    assert "Robin Clarke" in bar.text
    assert not bar.has("a")


def test_the_page_costs_the_same_queries_whatever_the_number_of_cases(
    staff_client, person, receive_for, django_assert_max_num_queries
):
    receive_for("The first")
    restrict(
        person, RestrictionLevel.RESTRICTION, datetime.date(2026, 2, 1), datetime.date(2026, 8, 1)
    )
    with CaptureQueriesContext(connection) as one:
        assert staff_client.get(f"/people/{person.pk}/").status_code == 200
    for number in range(12):
        receive_for(f"Another matter {number}")
        restrict(
            person,
            RestrictionLevel.WARNING,
            datetime.date(2025, 1, 1),
            datetime.date(2025, 3, 1),
            ends=datetime.date(2025, 4, 1),
        )
    with django_assert_max_num_queries(len(one)):
        answer = staff_client.get(f"/people/{person.pk}/")
    assert answer.content.decode().count("Another matter") == 12
