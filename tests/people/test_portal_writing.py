"""A person limited to writing is told, on the portal, how to write; the portal never
refuses them."""

from __future__ import annotations

import pytest

from putright.accounts.models import Role
from putright.cases.services import Actor, case_receive
from putright.people import restrictions as r
from putright.people.models import Person
from tests.api.conftest import make_user
from tests.conftest import at
from tests.portal.test_portal import follow, text

pytestmark = pytest.mark.django_db


def test_the_message_page_tells_a_person_limited_to_letters_how_to_write(
    client, clock, organisation_on
):
    clock(2026, 12, 11)
    hpg = organisation_on("housing-plus-group-2021")
    senior = make_user("sam", hpg, Role.SENIOR_MANAGER)
    person = Person.objects.create(organisation=hpg, name="Pat Resident", email="pat@example.org")
    case = case_receive(
        organisation=hpg,
        kind="complaint",
        channel="letter",
        received_at=at(2026, 12, 11),
        summary="A leak",
        actor=Actor(senior),
        customer=person,
    )
    follow(client, case.reference)
    before = text(client.get("/resident/follow/case/message/"))
    assert "only by" not in before

    r.restriction_impose(
        person=person,
        categories=["unreasonable_contact"],
        measures=["single_form_of_contact"],
        channels=["letter"],
        behaviour="Calls.",
        reasons="Agreed.",
        review_days=30,
        actor=Actor(senior),
    )
    page = client.get("/resident/follow/case/message/")

    assert page.status_code == 200
    assert (
        "We wrote to you on 11 December 2026 to ask you to contact us only by letter. "
        f"Please write to us at the address on that letter, quoting {case.reference}."
    ) in text(page)
    assert "Send message" in text(page)
