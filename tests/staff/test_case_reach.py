"""The case page says how to reach the customer (phone, e-mail, address, the preference)
and when the matter happened, to those who may see personal data; not to others."""

from __future__ import annotations

import datetime

import pytest

from putright.accounts.models import Role, User
from putright.people.models import Person

from .conftest import PASSWORD, give_role
from .html import parse
from .test_pages import received

pytestmark = pytest.mark.django_db


def test_those_who_may_see_personal_data_see_how_to_reach_the_customer(
    staff_client, caseworker, code_org
):
    customer = Person.objects.create(
        organisation=code_org,
        name="Ada Reach",
        email="ada@example.org",
        phone="07700 900777",
        address="3 Mill Lane",
        postcode="AB1 2CD",
        preferred_contact="phone",
    )
    case = received(
        code_org, caseworker, customer=customer, matter_occurred_on=datetime.date(2026, 2, 20)
    )
    text = parse(staff_client.get(f"/cases/{case.reference}/").content).text
    assert "How to reach Ada Reach" in text
    for detail in ("Prefers phone", "07700 900777", "ada@example.org", "3 Mill Lane", "AB1 2CD"):
        assert detail in text, detail
    assert "When it happened" in text
    assert "Fri 20 Feb 2026" in text


def test_a_panel_member_does_not_see_them(client, caseworker, code_org):
    customer = Person.objects.create(
        organisation=code_org, name="Ada Reach", phone="07700 900777", email="ada@example.org"
    )
    case = received(code_org, caseworker, customer=customer)
    panel = User.objects.create_user("panel", password=PASSWORD)
    give_role(panel, code_org, Role.PANEL_MEMBER)
    from putright.cases.models import CaseMember

    CaseMember.objects.create(case=case, user=panel, role="panel_member")
    client.force_login(panel)
    page = client.get(f"/cases/{case.reference}/")
    assert page.status_code == 200
    assert "07700 900777" not in page.content.decode()
    assert "How to reach" not in page.content.decode()
