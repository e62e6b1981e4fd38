"""A contact restriction (unacceptable behaviour) is in plain sight on the case page."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from putright.cases.services import Actor, case_receive
from putright.people.models import ContactRestriction, Person, RestrictionLevel

from .html import parse


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


@pytest.fixture
def case(code_org, caseworker, vulnerable_customer, clock):
    clock(2026, 3, 2, 10)
    person, _representative = vulnerable_customer
    return case_receive(
        organisation=code_org,
        kind="complaint",
        channel="phone",
        received_at=datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC),
        summary="The repair never happened",
        actor=Actor(caseworker),
        customer=person,
    )


def identity(staff_client, case) -> str:
    page = staff_client.get(f"/cases/{case.reference}/")
    assert page.status_code == 200
    return parse(page.content).find(cls="moj-identity-bar").text


def test_a_restriction_in_force_shows_how_to_contact_and_when_it_is_reviewed(
    staff_client, case, clock
):
    person = case.customer
    restrict(
        person, RestrictionLevel.RESTRICTION, datetime.date(2026, 2, 1), datetime.date(2026, 8, 1)
    )
    restrict(  # lifted before today: not shown
        person,
        RestrictionLevel.WARNING,
        datetime.date(2025, 1, 1),
        datetime.date(2025, 6, 1),
        ends=datetime.date(2025, 7, 1),
        arrangements="Lifted arrangement",
    )
    shown = identity(staff_client, case)
    assert "Contact restricted E-mail only, to Jo Bloggs (review by 1 August 2026)" in shown
    assert "Lifted arrangement" not in shown
    assert "Abusive calls" not in shown  # what happened stays off the bar

    clock(2026, 8, 3, 9)
    assert "Review overdue since 1 August 2026" in identity(staff_client, case)


def test_a_warning_not_yet_started_is_not_shown(staff_client, case):
    restrict(
        case.customer,
        RestrictionLevel.WARNING,
        datetime.date(2026, 4, 1),
        datetime.date(2026, 10, 1),
        arrangements="Future arrangement",
    )
    assert "Future arrangement" not in identity(staff_client, case)


def test_another_customers_restriction_is_not_shown(staff_client, case, code_org):
    other = Person.objects.create(organisation=code_org, name="Someone Else", tenure="tenant")
    restrict(
        other, RestrictionLevel.RESTRICTION, datetime.date(2026, 1, 1), datetime.date(2026, 9, 1)
    )
    assert "E-mail only" not in identity(staff_client, case)


def test_review_and_end_dates_cannot_come_before_the_start(code_org):
    person = Person.objects.create(organisation=code_org, name="Pat", tenure="tenant")
    bad = ContactRestriction(
        person=person,
        level=RestrictionLevel.WARNING,
        behaviour="Shouting",
        arrangements="Letters only",
        starts_on=datetime.date(2026, 5, 1),
        review_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 4, 2),
    )
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()
    assert set(refused.value.message_dict) >= {"review_on", "ends_on"}


def test_administrators_record_restrictions_on_the_person_in_the_admin(
    client, case, django_user_model
):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-long-enough")
    client.force_login(admin)
    page = client.get(f"/admin/people/person/{case.customer_id}/change/")
    assert page.status_code == 200
    assert b"Contact restrictions" in page.content
    assert b"review_on" in page.content


def test_a_panel_member_named_on_the_case_does_not_see_the_arrangements(client, case, code_org):
    from putright.accounts.models import Role, User
    from putright.cases.models import CaseMember

    from .conftest import give_role

    panel = give_role(User.objects.create_user("pip"), code_org, Role.PANEL_MEMBER)
    CaseMember.objects.create(case=case, user=panel, role="panel_member")
    restrict(
        case.customer,
        RestrictionLevel.RESTRICTION,
        datetime.date(2026, 2, 1),
        datetime.date(2026, 8, 1),
        arrangements="E-mail only to pat.secret@example.org",
    )
    client.force_login(panel)
    page = client.get(f"/cases/{case.reference}/")
    assert page.status_code == 200
    assert "pat.secret@example.org" not in page.content.decode()
