"""Wherever staff act for the person, the restriction in force shows; a contact on a channel
it excludes is flagged before saving and the handler says why it was accepted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from putright.accounts.models import Role
from putright.cases.models import Case
from putright.cases.services import Actor, case_receive
from putright.people import restrictions as r
from putright.people.models import Person
from putright.timeline.selectors import record_history
from tests.api.conftest import make_user
from tests.conftest import at
from tests.staff.conftest import contact_form

pytestmark = pytest.mark.django_db

HPG = "housing-plus-group-2021"


@pytest.fixture
def hpg(organisation_on):
    return organisation_on(HPG)


@pytest.fixture
def restricted(clock, hpg):
    clock(2026, 12, 11)
    senior = make_user("sam", hpg, Role.SENIOR_MANAGER)
    person = Person.objects.create(
        organisation=hpg, name="Alex Kowalski", email="alex@example.org", postcode="L24 1AA"
    )
    restriction = r.restriction_impose(
        person=person,
        categories=["unreasonable_contact"],
        measures=["single_form_of_contact"],
        channels=["letter"],
        behaviour="Forty calls a day.",
        reasons="Agreed.",
        review_days=30,
        actor=Actor(senior),
    )
    return person, restriction, senior


def form(**extra):
    return contact_form(organisation=HPG, service_area="", matter_occurred_on="2026-12-01", **extra)


def test_a_contact_by_phone_is_flagged_before_saving_and_its_acceptance_recorded(
    client, restricted, hpg
):
    person, _restriction, _senior = restricted
    client.force_login(make_user("hana", hpg, Role.COMPLAINT_HANDLER))
    url = reverse("staff:record")

    checked = client.post(url, {**form(), "check": "1"})
    assert "allows contact only by letter" in checked.content.decode()

    refused = client.post(url, {**form(), "record": "1"})
    assert refused.status_code == 400
    assert "Say why this contact is accepted despite the restriction." in refused.content.decode()
    assert not Case.objects.exists()

    saved = client.post(
        url,
        {**form(accepted_because="A new leak: the complaint is still dealt with."), "record": "1"},
    )
    assert saved.status_code == 302
    entry = [e for e in record_history(record_type="person", record_id=person.pk)][-1]
    assert entry.kind == r.CONTACT_ACCEPTED
    assert entry.data["channel"] == "phone"


def test_a_letter_is_not_flagged(client, restricted, hpg):
    client.force_login(make_user("hana", hpg, Role.COMPLAINT_HANDLER))
    saved = client.post(reverse("staff:record"), {**form(channel="letter"), "record": "1"})
    assert saved.status_code == 302


def test_the_case_page_shows_the_restriction_in_force_and_not_once_lifted(client, restricted, hpg):
    person, restriction, senior = restricted
    handler = make_user("hana", hpg, Role.COMPLAINT_HANDLER)
    case = case_receive(
        organisation=hpg,
        kind="complaint",
        channel="letter",
        received_at=at(2026, 12, 11),
        summary="A leak",
        actor=Actor(handler),
        customer=person,
    )
    client.force_login(handler)
    page = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert "contact only by letter" in page
    assert "review by 11 January 2027" in page
    r.restriction_lift(restriction=restriction, reason="Better.", actor=Actor(senior))
    page = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert "contact only by letter" not in page


def test_the_review_is_on_the_reviewers_my_work(client, restricted):
    person, _restriction, senior = restricted
    client.force_login(senior)
    page = client.get(reverse("staff:work")).content.decode()
    assert "Review the restriction" in page
    assert reverse("staff:person", args=[person.pk]) in page
