"""Wherever staff act for a person, the restriction in force on them shows: the case list and
My work mark the customer; an expired or lifted one does not show."""

from __future__ import annotations

import datetime

import pytest

from putright.people.models import ContactRestriction, Person

from .html import parse
from .test_pages import received

pytestmark = pytest.mark.django_db


def _restricted_customer(organisation, *, ends_on=None):
    person = Person.objects.create(organisation=organisation, name="Rory Restricted")
    ContactRestriction.objects.create(
        person=person,
        level="restriction",
        behaviour="Abusive calls",
        arrangements="Letters only",
        starts_on=datetime.date(2026, 1, 5),
        review_on=datetime.date(2027, 1, 5),
        ends_on=ends_on,
    )
    return person


def test_the_case_list_marks_a_customer_under_a_restriction(staff_client, caseworker, code_org):
    case = received(code_org, caseworker, customer=_restricted_customer(code_org))
    rows = parse(staff_client.get("/cases/?all=1").content).find_all("tr")
    row = next(r for r in rows if case.reference in r.text)
    assert "Contact restricted" in row.text


def test_a_lifted_restriction_is_not_shown(staff_client, caseworker, code_org):
    lifted = _restricted_customer(code_org, ends_on=datetime.date(2026, 2, 1))
    case = received(code_org, caseworker, customer=lifted)
    rows = parse(staff_client.get("/cases/?all=1").content).find_all("tr")
    row = next(r for r in rows if case.reference in r.text)
    assert "Contact restricted" not in row.text


def test_a_list_shows_the_day_received_where_the_landlord_is_and_a_long_summary_cut_short(
    staff_client, caseworker, code_org
):
    # 23:30 on 1 July in UTC is already 2 July in London (summer time).
    summary = "The damp in the back bedroom came back " * 4
    when = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)
    case = received(code_org, caseworker, when=when, summary=summary.strip())
    rows = parse(staff_client.get("/cases/?all=1").content).find_all("tr")
    cells = list(next(r for r in rows if case.reference in r.text).find_all("td"))
    assert cells[1].text.strip() == summary[:69] + "…"
    assert cells[4].text.strip() == "2 Jul 2026"
