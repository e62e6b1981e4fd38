"""The person's page: warn and restrict from it, errors beside the field, deadlines explained,
letters as PDF, and the actions offered only to the roles allowed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from putright.accounts.models import AccessLog, Role
from putright.cases.services import Actor
from putright.people import restrictions as r
from putright.people.models import ContactRestriction, Person, PersonLetter
from putright.timeline.selectors import record_history
from tests.api.conftest import make_user

pytestmark = pytest.mark.django_db

HPG = "housing-plus-group-2021"


@pytest.fixture
def hpg(organisation_on):
    return organisation_on(HPG)


@pytest.fixture
def person(hpg):
    return Person.objects.create(
        organisation=hpg, name="Pat Resident", reasonable_adjustments="Large print"
    )


@pytest.fixture
def senior(hpg):
    user = make_user("sam", hpg, Role.SENIOR_MANAGER)
    user.directorate = "Housing"
    user.save()
    return user


def restrict_form(**extra):
    form = {
        "kind": "restriction",
        "categories": ["unreasonable_contact"],
        "behaviour": "Forty calls a day.",
        "measures": ["single_form_of_contact"],
        "channels": ["letter"],
        "reasons": "With the Customer Complaint Team.",
        "review_days": "30",
    }
    form.update(extra)
    return form


def test_a_restriction_from_the_persons_page_with_its_letter_and_deadlines(
    client, clock, person, senior
):
    clock(2026, 12, 11)
    client.force_login(senior)
    url = reverse("staff:restriction-record", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Large print" in page.content.decode()  # the known adjustments beside the decision

    sent = client.post(url, restrict_form())

    assert sent.status_code == 302
    restriction = ContactRestriction.objects.get()
    letter = PersonLetter.objects.get()
    assert letter.template == "restriction_imposed"
    assert "write to us by <strong>Wed 13 Jan 2027</strong>" in letter.html
    assert "Forty calls a day" in letter.html
    shown = client.get(reverse("staff:person", args=[person.pk])).content.decode()
    assert "Review the restriction: Mon 11 Jan 2027 (due)" in shown
    assert "Christmas Day" in shown  # the appeal window's explanation
    assert "Contact only by" in shown
    assert (
        "Review the restriction</a>" in shown
        or "Review the restriction\n" in shown
        or (reverse("staff:restriction-review", args=[person.pk, restriction.pk]) in shown)
    )
    pdf = client.get(reverse("staff:person-letter", args=[person.pk, letter.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert AccessLog.objects.filter(action="downloaded letter").exists()
    assert "letter_issued" in [
        e.kind for e in record_history(record_type="person", record_id=person.pk)
    ]


def test_a_mistake_is_shown_beside_its_field(client, clock, person, senior):
    clock(2026, 12, 11)
    client.force_login(senior)
    url = reverse("staff:restriction-record", args=[person.pk])

    sent = client.post(url, restrict_form(review_days="45"))

    assert sent.status_code == 400
    text = sent.content.decode()
    assert 'id="review_days-error"' in text
    assert "The policy sets the review at 30, 60, 90 days: choose one." in text
    assert not ContactRestriction.objects.exists()


def test_a_handler_may_warn_but_is_not_offered_restrict_actions(client, clock, person, hpg, senior):
    clock(2026, 12, 11)
    handler = make_user("hana", hpg, Role.COMPLAINT_HANDLER)
    restriction = r.restriction_impose(
        person=person,
        categories=["unreasonable_contact"],
        measures=["single_form_of_contact"],
        channels=["letter"],
        behaviour="Calls.",
        reasons="Agreed.",
        review_days=30,
        actor=Actor(senior),
    )
    client.force_login(handler)
    shown = client.get(reverse("staff:person", args=[person.pk])).content.decode()
    assert reverse("staff:restriction-review", args=[person.pk, restriction.pk]) not in shown
    assert reverse("staff:restriction-record", args=[person.pk]) in shown
    refused = client.get(reverse("staff:restriction-review", args=[person.pk, restriction.pk]))
    assert refused.status_code == 403
    warned = client.post(
        reverse("staff:restriction-record", args=[person.pk]),
        {
            "kind": "warning",
            "categories": ["unreasonable_demands"],
            "behaviour": "Demands.",
            "change_by": "2027-01-29",
        },
    )
    assert warned.status_code == 302
    imposed = client.post(reverse("staff:restriction-record", args=[person.pk]), restrict_form())
    assert imposed.status_code == 403
    assert "You cannot do this" in imposed.content.decode()
    assert "restrict contact" in imposed.content.decode()


def test_a_review_from_its_page_keeps_it_with_the_explanation_in_the_letter(
    client, clock, person, senior
):
    clock(2026, 12, 11)
    restriction = r.restriction_impose(
        person=person,
        categories=["unreasonable_contact"],
        measures=["single_form_of_contact"],
        channels=["letter"],
        behaviour="Calls.",
        reasons="Agreed.",
        review_days=30,
        actor=Actor(senior),
    )
    clock(2027, 1, 11)
    client.force_login(senior)
    url = reverse("staff:restriction-review", args=[person.pk, restriction.pk])
    refused = client.post(url, {"outcome": "keep", "explanation": "Still calling."})
    assert refused.status_code == 400  # the next review period is a choice
    assert 'id="review_days-error"' in refused.content.decode()

    sent = client.post(
        url, {"outcome": "keep", "explanation": "Still calling daily.", "review_days": "90"}
    )

    assert sent.status_code == 302
    letter = PersonLetter.objects.get(template="restriction_review")
    assert "Still calling daily." in letter.html
    assert "Mon 12 Apr 2027" in letter.html  # 90 calendar days from 11 January 2027
    shown = client.get(reverse("staff:person", args=[person.pk])).content.decode()
    assert "Need-to-know notice" in shown
    assert "Calls." not in shown.split("Need-to-know notice")[1].split("</details>")[0]


def test_a_letter_is_issued_only_where_the_policy_gives_one(client, clock, organisation_on):
    """South Liverpool Homes advises the complainant "preferably in person" (4.1.10) and gives
    no letter: the restriction is recorded without one. Its measures are its own."""
    clock(2026, 12, 11)
    slh = organisation_on("south-liverpool-homes-2021")
    person = Person.objects.create(organisation=slh, name="Lee Resident")
    director = make_user("dee", slh, Role.SENIOR_MANAGER)
    client.force_login(director)
    url = reverse("staff:restriction-record", args=[person.pk])
    form = restrict_form(
        categories=["unreasonable_demands"],
        measures=["restricted_channels"],
        review_on="2027-03-01",
    )
    del form["review_days"]
    sent = client.post(url, form)

    assert sent.status_code == 302, sent.content.decode()[:2000]
    assert ContactRestriction.objects.filter(person=person).exists()
    assert not PersonLetter.objects.filter(person=person).exists()
