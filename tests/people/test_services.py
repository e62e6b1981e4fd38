"""One people service: the same defaults, postcode and checks whichever interface creates a
customer, and every change to a person in their history."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from putright.accounts.models import Role, User
from putright.cases.errors import CaseInputError
from putright.cases.models import Case
from putright.cases.services import Actor
from putright.organisations.services import organisation_create
from putright.people import services
from putright.people.models import (
    Authority,
    ContactRestriction,
    Person,
    Relationship,
    RestrictionLevel,
)
from putright.people.services import (
    normalise_postcode,
    person_create,
    person_update,
    representative_change,
    representative_create,
    restriction_change,
    restriction_record,
)
from putright.portal.services import submit_case
from putright.timeline.models import Entry
from putright.timeline.registry import may_see
from putright.timeline.selectors import record_history
from tests.api.conftest import api_for, make_user
from tests.staff.conftest import contact_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    return organisation_create(slug="hos-code-2024", name="Code Homes", policy_pack="hos-code-2024")


@pytest.fixture
def worker(org) -> User:
    return make_user("hana", org, Role.COMPLAINT_HANDLER)


@pytest.fixture
def actor(worker) -> Actor:
    return Actor(worker)


def kinds(person: Person) -> list[str]:
    return [e.kind for e in record_history(record_type="person", record_id=person.pk)]


# -- defaults -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("details", "preferred"),
    [
        ({"email": "pat@example.org", "phone": "07700 900123"}, "email"),
        ({"phone": "07700 900123"}, "phone"),
        ({"address": "1 Hope Street"}, "letter"),
        ({}, "letter"),
        ({"email": "pat@example.org", "preferred_contact": "text"}, "text"),
    ],
)
def test_with_no_preference_it_is_email_then_phone_then_letter(org, actor, details, preferred):
    person = person_create(organisation=org, name="Pat", actor=actor, **details)
    assert person.preferred_contact == preferred
    assert person.tenure == "unknown"


def test_the_name_is_required_and_trimmed(org, actor):
    with pytest.raises(CaseInputError) as refused:
        person_create(organisation=org, name="   ", actor=actor)
    assert refused.value.fields == {"name": services.NO_NAME}
    assert person_create(organisation=org, name="  Pat Resident ", actor=actor).name == (
        "Pat Resident"
    )


def test_a_bad_email_is_refused_naming_the_field(org, actor):
    with pytest.raises(CaseInputError) as refused:
        person_create(organisation=org, name="Pat", email="pat-at-home", actor=actor)
    assert refused.value.message == services.BAD_EMAIL
    assert refused.value.fields == {"email": services.NOT_AN_EMAIL}
    assert not Person.objects.exists()


def test_a_bad_email_is_refused_beside_the_field_in_the_api(org, worker):
    api = api_for(worker)
    body = {"organisation": org.slug, "name": "Pat", "email": "pat-at-home"}
    error = api.post("/people", body).json()["error"]
    assert error["fields"] == {"email": services.NOT_AN_EMAIL}
    case = {
        "organisation": org.slug,
        "kind": "complaint",
        "channel": "email",
        "received_at": "2026-03-02T10:00:00+00:00",
        "summary": "No call back",
        "customer": {"name": "Pat", "email": "pat-at-home"},
    }
    assert set(api.post("/cases", case).json()["error"]["fields"]) == {"customer.email"}
    assert not Person.objects.exists()


# -- the postcode -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("so147ff", "SO14 7FF"),
        (" so14  7ff ", "SO14 7FF"),
        ("L241AA", "L24 1AA"),
        ("m1 1ae", "M1 1AE"),
        ("bfpo  57", "BFPO 57"),
        ("", ""),
    ],
)
def test_a_postcode_is_kept_in_one_form(typed, kept):
    assert normalise_postcode(typed) == kept


def test_the_postcode_is_normalised_the_same_whichever_interface(org, worker, clock):
    clock(2026, 3, 2, 10)
    api = api_for(worker)
    made = api.post(
        "/people", {"organisation": org.slug, "name": "By the API", "postcode": "so147ff"}
    )
    assert made.status_code == 201, made.content
    received = api.post(
        "/cases",
        {
            "organisation": org.slug,
            "kind": "complaint",
            "channel": "email",
            "received_at": "2026-03-02T09:00:00+00:00",
            "summary": "No call back",
            "customer": {"name": "By an API case", "postcode": "so14 7ff"},
        },
    )
    assert received.status_code == 201, received.content

    staff = Client()
    staff.force_login(worker)
    page = staff.post(
        "/record/",
        {
            **contact_form(organisation=org.slug, name="By the staff page", postcode="so147ff"),
            "record": "1",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]

    submit_case(
        org,
        kind="complaint",
        answers={
            "name": "By the portal",
            "email": "portal@example.org",
            "preferred_contact": "email",
            "postcode": "So14 7fF",
            "summary": "Kitchen tap",
        },
        files=[],
        for_someone_else=False,
        include_desired_outcome=False,
        include_delay_reason=False,
    )
    kept = dict(Person.objects.values_list("name", "postcode"))
    assert kept == {
        "By the API": "SO14 7FF",
        "By an API case": "SO14 7FF",
        "By the staff page": "SO14 7FF",
        "By the portal": "SO14 7FF",
    }
    # Each of them is in its history as created, by whoever created them.
    for person in Person.objects.all():
        assert kinds(person) == [services.PERSON_CREATED]
    portal = Person.objects.get(name="By the portal")
    assert record_history(record_type="person", record_id=portal.pk)[0].actor_label == (
        "resident portal"
    )


# -- representatives ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("relationship", "given", "authority"),
    [
        (Relationship.LEGAL_REPRESENTATIVE, None, Authority.NOT_NEEDED),
        (Relationship.LEGAL_REPRESENTATIVE, Authority.REQUESTED, Authority.NOT_NEEDED),
        (Relationship.FAMILY, None, Authority.REQUESTED),
        (Relationship.SOLICITOR, None, Authority.REQUESTED),
        (Relationship.ADVOCATE, Authority.HELD, Authority.HELD),
    ],
)
def test_a_legal_representative_needs_no_authority_others_start_as_requested(
    org, actor, relationship, given, authority
):
    person = person_create(organisation=org, name="Pat", actor=actor)
    representative = representative_create(
        person=person, name="Sam", relationship=relationship, authority=given, actor=actor
    )
    assert representative.authority == authority
    assert kinds(person) == [services.PERSON_CREATED, services.REPRESENTATIVE_ADDED]


def test_only_a_legal_representative_may_act_without_authority(org, actor):
    person = person_create(organisation=org, name="Pat", actor=actor)
    with pytest.raises(CaseInputError) as refused:
        representative_create(
            person=person,
            name="Sam",
            relationship=Relationship.FAMILY,
            authority=Authority.NOT_NEEDED,
            actor=actor,
        )
    assert refused.value.fields == {"authority": services.AUTHORITY_NEEDED}


def test_a_change_of_authority_is_an_event(org, actor):
    person = person_create(organisation=org, name="Pat", actor=actor)
    representative = representative_create(
        person=person, name="Sam", relationship=Relationship.LEGAL_REPRESENTATIVE, actor=actor
    )
    representative_change(representative=representative, actor=actor, relationship="family")
    representative.refresh_from_db()
    assert representative.authority == Authority.REQUESTED
    representative_change(representative=representative, actor=actor, authority=Authority.HELD)
    history = record_history(record_type="person", record_id=person.pk)
    assert [e.data.get("fields") for e in history[2:]] == [
        ["authority", "relationship"],
        ["authority"],
    ]
    assert history[-1].data["authority"] == Authority.HELD


def test_the_portal_sets_a_representatives_authority_by_the_same_rule(org):
    for relationship in (Relationship.LEGAL_REPRESENTATIVE, Relationship.ADVOCATE):
        case = submit_case(
            org,
            kind="complaint",
            answers={
                "name": "Sam Helper",
                "email": "sam@example.org",
                "preferred_contact": "email",
                "postcode": "l241aa",
                "their_name": "Pat Resident",
                "relationship": relationship,
                "summary": "Kitchen tap",
            },
            files=[],
            for_someone_else=True,
            include_desired_outcome=False,
            include_delay_reason=False,
        )
        assert case.representative is not None
        assert case.representative.authority == services.representative_authority(relationship)
        assert case.representative.address == "L24 1AA"
        assert case.customer is not None
        assert kinds(case.customer) == [services.PERSON_CREATED, services.REPRESENTATIVE_ADDED]


# -- changes are events -------------------------------------------------------------


def test_each_change_to_a_person_is_an_event_naming_the_fields_not_the_old_values(org, actor):
    person = person_create(
        organisation=org, name="Pat", email="old@example.org", postcode="L24 1AA", actor=actor
    )
    person_update(person=person, actor=actor, email="new@example.org", postcode="so147ff")
    person_update(person=person, actor=actor, email="new@example.org")  # no change: no event

    person.refresh_from_db()
    assert (person.email, person.postcode) == ("new@example.org", "SO14 7FF")
    history = record_history(record_type="person", record_id=person.pk)
    assert [e.kind for e in history] == [services.PERSON_CREATED, services.PERSON_CHANGED]
    assert history[0].data["fields"] == ["email", "postcode"]
    assert history[1].data == {"fields": ["email", "postcode"]}
    assert history[1].actor == actor.user
    assert "old@example.org" not in str([e.data for e in history])


def test_a_change_is_checked_as_on_creation(org, actor):
    person = person_create(organisation=org, name="Pat", actor=actor)
    with pytest.raises(CaseInputError) as refused:
        person_update(person=person, actor=actor, email="nope")
    assert set(refused.value.fields) == {"email"}
    with pytest.raises(CaseInputError) as refused:
        person_update(person=person, actor=actor, organisation=None)
    assert set(refused.value.fields) == {"organisation"}
    assert kinds(person) == [services.PERSON_CREATED]


def test_a_restriction_is_recorded_and_changed_with_events(org, actor):
    person = person_create(organisation=org, name="Pat", actor=actor)
    restriction = restriction_record(
        person=person,
        level=RestrictionLevel.RESTRICTION,
        behaviour="Abusive calls",
        arrangements="E-mail only, to Jo Bloggs",
        starts_on=datetime.date(2026, 2, 1),
        review_on=datetime.date(2026, 8, 1),
        actor=actor,
    )
    assert restriction.decided_by == actor.user
    restriction_change(restriction=restriction, actor=actor, ends_on=datetime.date(2026, 5, 1))
    with pytest.raises(CaseInputError) as refused:
        restriction_change(
            restriction=restriction, actor=actor, review_on=datetime.date(2026, 1, 1)
        )
    assert refused.value.fields == {"review_on": services.REVIEW_BEFORE_START}

    history = record_history(record_type="person", record_id=person.pk)
    assert [e.kind for e in history] == [
        services.PERSON_CREATED,
        services.RESTRICTION_RECORDED,
        services.RESTRICTION_CHANGED,
    ]
    assert history[2].data["fields"] == ["ends_on"]
    assert history[2].data["ends_on"] == "2026-05-01"


def test_a_person_history_is_seen_by_those_who_may_read_their_record(org, worker, actor):
    person = person_create(organisation=org, name="Pat", actor=actor)
    elsewhere = organisation_create(slug="elsewhere", name="Elsewhere", policy_pack="hos-code-2024")
    outsider = make_user("out", elsewhere, Role.COMPLAINT_HANDLER)
    assert may_see(worker, "person", person.pk)
    assert not may_see(outsider, "person", person.pk)


# -- the admin ----------------------------------------------------------------------


def test_a_restriction_recorded_in_the_admin_leaves_an_event(admin_client, org, actor):
    person = person_create(organisation=org, name="Pat", actor=actor)
    added = admin_client.post(
        "/admin/people/contactrestriction/add/",
        {
            "person": person.pk,
            "level": RestrictionLevel.WARNING,
            "behaviour": "Shouting at the office",
            "arrangements": "Letters only",
            "starts_on": "2026-03-01",
            "review_on": "2026-09-01",
            "ends_on": "",
            "decided_by": "",
            "appeal": "",
        },
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    restriction = ContactRestriction.objects.get()
    admin = User.objects.get(username="admin")
    assert restriction.decided_by == admin

    changed = admin_client.post(
        f"/admin/people/contactrestriction/{restriction.pk}/change/",
        {
            "level": RestrictionLevel.RESTRICTION,
            "behaviour": "Shouting at the office",
            "arrangements": "Letters only",
            "starts_on": "2026-03-01",
            "review_on": "2026-09-01",
            "ends_on": "",
            "decided_by": admin.pk,
            "appeal": "",
        },
    )
    assert changed.status_code == 302, changed.content.decode()[:3000]
    history = record_history(record_type="person", record_id=person.pk)
    assert [(e.kind, e.actor) for e in history[1:]] == [
        (services.RESTRICTION_RECORDED, admin),
        (services.RESTRICTION_CHANGED, admin),
    ]
    assert history[2].data["fields"] == ["level"]


def test_a_restriction_added_on_the_person_in_the_admin_leaves_an_event(admin_client, org, actor):
    person = person_create(
        organisation=org, name="Pat", email="pat@example.org", postcode="L24 1AA", actor=actor
    )
    form = {
        "name": "Pat",
        "email": "pat@example.org",
        "phone": "",
        "address": "",
        "postcode": "so147ff",
        "property_reference": "",
        "preferred_contact": "email",
        "contact_times": "",
        "tenure": "unknown",
        "accessibility_needs": "",
        "reasonable_adjustments": "",
        "equality_data": "{}",
        "representatives-TOTAL_FORMS": "0",
        "representatives-INITIAL_FORMS": "0",
        "contact_restrictions-TOTAL_FORMS": "1",
        "contact_restrictions-INITIAL_FORMS": "0",
        "contact_restrictions-0-level": RestrictionLevel.WARNING,
        "contact_restrictions-0-behaviour": "Shouting",
        "contact_restrictions-0-arrangements": "Letters only",
        "contact_restrictions-0-starts_on": "2026-03-01",
        "contact_restrictions-0-review_on": "2026-09-01",
        "contact_restrictions-0-ends_on": "",
        "contact_restrictions-0-decided_by": "",
        "contact_restrictions-0-appeal": "",
    }
    saved = admin_client.post(f"/admin/people/person/{person.pk}/change/", form)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    person.refresh_from_db()
    assert person.postcode == "SO14 7FF"
    history = record_history(record_type="person", record_id=person.pk)
    assert [e.kind for e in history] == [
        services.PERSON_CREATED,
        services.PERSON_CHANGED,
        services.RESTRICTION_RECORDED,
    ]
    assert history[1].data == {"fields": ["postcode"]}
    assert ContactRestriction.objects.get().decided_by == history[2].actor


def test_the_person_page_shows_their_history(org, worker, actor):
    person = person_create(organisation=org, name="Pat", actor=actor)
    person_update(person=person, actor=actor, phone="07700 900123")
    staff = Client()
    staff.force_login(worker)
    page = staff.get(f"/people/{person.pk}/").content.decode()
    assert "History" in page
    assert "Person created" in page
    assert "Person changed" in page
    assert Entry.objects.filter(record_type="person", record_id=person.pk).count() == 2


def test_a_case_received_through_the_api_creates_its_customer_by_the_rule(org, worker, clock):
    clock(2026, 3, 2, 10)
    body = {
        "organisation": org.slug,
        "kind": "complaint",
        "channel": "phone",
        "received_at": "2026-03-02T09:00:00+00:00",
        "summary": "No call back",
        "customer": {"name": "Lee", "phone": "07700 900123"},
    }
    assert api_for(worker).post("/cases", body).status_code == 201
    assert Case.objects.get().customer.preferred_contact == "phone"
