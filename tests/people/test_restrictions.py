"""Unacceptable behaviour: recognise, warn, restrict, review, appeal and lift, each an event on
the person, with deadlines that explain themselves and deciders the pack names."""

from __future__ import annotations

import datetime

import pytest

from putright.accounts.access import AccessDeniedError
from putright.accounts.models import Role, User
from putright.cases.services import Actor
from putright.errors import CaseInputError, CaseStateError, NotPermittedError, PolicyRuleError
from putright.people import restrictions as r
from putright.people.models import ContactRestriction, Person
from putright.timeline.models import Clock
from putright.timeline.selectors import clock_timing, clocks_owed_by, record_history
from putright.timeline.services import sweep_clocks
from tests.api.conftest import make_user

pytestmark = pytest.mark.django_db

HPG = "housing-plus-group-2021"


def staff(org, name: str, role: str, directorate: str = "") -> User:
    user = make_user(name, org, role)
    user.directorate = directorate
    user.save(update_fields=["directorate"])
    return user


@pytest.fixture
def hpg(organisation_on):
    return organisation_on(HPG)


@pytest.fixture
def person(hpg) -> Person:
    return Person.objects.create(
        organisation=hpg,
        name="Pat Resident",
        reasonable_adjustments="Large print; calls in the afternoon",
    )


@pytest.fixture
def senior(hpg) -> User:
    return staff(hpg, "sam_senior", Role.SENIOR_MANAGER, "Housing")


def kinds(person: Person) -> list[str]:
    return [e.kind for e in record_history(record_type="person", record_id=person.pk)]


def impose(person, user, **extra):
    values = {
        "categories": ["unreasonable_contact"],
        "measures": ["single_form_of_contact"],
        "channels": ["letter"],
        "behaviour": "Forty calls a day to the repairs line.",
        "reasons": "Agreed with the Customer Complaint Team.",
        "review_days": 30,
    }
    values.update(extra)
    return r.restriction_impose(person=person, actor=Actor(user), **values)


def test_behaviour_is_recorded_in_the_packs_categories_and_restricts_nothing(clock, person, hpg):
    clock(2026, 12, 11)
    handler = staff(hpg, "hana", Role.COMPLAINT_HANDLER)
    incident = r.behaviour_record(
        person=person,
        categories=["aggressive_or_abusive"],
        description="Shouted at the officer at the door.",
        occurred_on=datetime.date(2026, 12, 10),
        witnesses="Neighbourhood officer",
        actor=Actor(handler),
    )
    assert incident.categories == ["aggressive_or_abusive"]
    assert kinds(person) == [r.BEHAVIOUR_RECORDED]
    assert r.in_force(person) == []
    with pytest.raises(CaseInputError) as error:
        r.behaviour_record(
            person=person,
            categories=["rudeness"],
            description="x",
            occurred_on=datetime.date(2026, 12, 10),
            actor=Actor(handler),
        )
    assert "categories" in error.value.fields


def test_a_warning_sets_a_time_to_change_then_expires(clock, person, hpg):
    clock(2026, 12, 11)
    handler = staff(hpg, "hana", Role.COMPLAINT_HANDLER)
    warning = r.restriction_warn(
        person=person,
        categories=["unreasonable_demands"],
        behaviour="Demands replies within the hour.",
        change_by=datetime.date(2027, 1, 11),
        actor=Actor(handler),
    )
    assert warning.status(datetime.date(2026, 12, 11)) == "in_force"
    assert warning.status(datetime.date(2027, 1, 12)) == "expired"
    assert r.in_force(person, datetime.date(2027, 1, 12)) == []
    assert warning.adjustments == "Large print; calls in the afternoon"
    assert r.WARNING_GIVEN in kinds(person)


def test_a_restriction_decided_by_a_senior_manager_with_its_review_and_appeal_clocks(
    clock, person, senior
):
    clock(2026, 12, 11, 10)  # a Friday, before Christmas
    restriction = impose(person, senior)

    # 30 calendar days end on Sunday 10 January 2027: the next working day.
    assert restriction.review_on == datetime.date(2027, 1, 11)
    # 20 working days from the letter, skipping 25, 28 December and 1 January (hand count).
    assert restriction.appeal_by == datetime.date(2027, 1, 13)
    assert restriction.channels == ["letter"]
    assert kinds(person)[-2:] == [r.RESTRICTION_IMPOSED, r.NEED_TO_KNOW]
    review = Clock.objects.get(step=f"restriction-{restriction.pk}-review")
    assert review.owner == senior
    text = clock_timing(review).explanation.text()
    assert text.startswith(
        "Review the restriction: within 30 calendar days of the decision (14.14.1"
    )
    assert "Day 30 of 30 calendar days is Sun 10 Jan 2027" in text
    window = Clock.objects.get(step=f"restriction-{restriction.pk}-appeal-window")
    explained = clock_timing(window).explanation
    assert dict(explained.skipped)[datetime.date(2026, 12, 25)] == "bank holiday: Christmas Day"
    assert [o.clock for o in clocks_owed_by(user=senior)] == [review]
    notice = r.need_to_know_notice(restriction)
    assert "Forty calls" not in notice
    assert "Contact only by: letter." in notice


def test_only_the_role_the_pack_names_decides_others_get_the_rule(clock, person, hpg):
    clock(2026, 12, 11)
    manager = staff(hpg, "manny", Role.MANAGER)
    with pytest.raises(NotPermittedError) as error:
        impose(person, manager)
    assert "Manager of senior level" in error.value.message
    assert error.value.source == "14.13.3"
    handler = staff(hpg, "hana", Role.COMPLAINT_HANDLER)
    with pytest.raises(AccessDeniedError):
        impose(person, handler)
    assert not ContactRestriction.objects.exists()


def test_the_review_period_is_one_the_pack_offers(clock, person, senior):
    clock(2026, 12, 11)
    with pytest.raises(PolicyRuleError) as error:
        impose(person, senior, review_days=45)
    assert error.value.fields == {
        "review_days": "The policy sets the review at 30, 60, 90 days: choose one."
    }


def test_a_measure_limiting_channels_needs_the_channels(clock, person, senior):
    clock(2026, 12, 11)
    with pytest.raises(CaseInputError) as error:
        impose(person, senior, channels=[])
    assert "channels" in error.value.fields


def test_the_review_keeps_it_with_an_explanation_and_sets_the_next_date(clock, person, senior):
    clock(2026, 12, 11)
    restriction = impose(person, senior)
    clock(2027, 1, 11)
    kept = r.restriction_review(
        restriction=restriction,
        outcome="keep",
        explanation="The calls have not stopped.",
        review_days=60,
        actor=Actor(senior),
    )
    assert kept.review_on == datetime.date(2027, 3, 12)
    old = Clock.objects.get(step=f"restriction-{restriction.pk}-review", completed_at__isnull=False)
    assert old.completed_at is not None
    lifted = r.restriction_review(
        restriction=kept, outcome="lift", explanation="Better now.", actor=Actor(senior)
    )
    assert lifted.status(datetime.date(2027, 1, 12)) == "lifted"
    assert r.in_force(person, datetime.date(2027, 1, 12)) == []
    assert kinds(person).count(r.RESTRICTION_REVIEWED) == 2


def test_a_due_review_is_chased_by_the_sweep(clock, person, senior):
    clock(2026, 12, 11)
    restriction = impose(person, senior)
    clock(2027, 1, 12, 9)
    assert sweep_clocks() >= 1
    assert Clock.objects.get(step=f"restriction-{restriction.pk}-review").chased_at is not None


def test_an_appeal_goes_to_a_senior_manager_of_another_directorate(clock, person, senior, hpg):
    clock(2026, 12, 11)
    restriction = impose(person, senior)
    same = staff(hpg, "sue_same", Role.SENIOR_MANAGER, "housing ")
    other = staff(hpg, "otto_other", Role.SENIOR_MANAGER, "Finance")
    handler = staff(hpg, "hana", Role.COMPLAINT_HANDLER)
    clock(2027, 1, 4, 10)
    with pytest.raises(PolicyRuleError) as error:
        r.restriction_appeal(
            restriction=restriction, grounds="Unfair", decider="sue_same", actor=Actor(handler)
        )
    assert "another directorate" not in error.value.message
    assert "Senior manager from a different Directorate" in error.value.message
    appealed = r.restriction_appeal(
        restriction=restriction, grounds="Unfair", decider="otto_other", actor=Actor(handler)
    )
    decision = Clock.objects.get(step=f"restriction-{restriction.pk}-appeal-decision")
    # 15 working days from Monday 4 January 2027 (hand count).
    assert decision.due_on == datetime.date(2027, 1, 25)
    assert decision.owner == other
    assert appealed.status(datetime.date(2027, 1, 4)) == "under_appeal"
    with pytest.raises(NotPermittedError):
        r.restriction_decide_appeal(
            restriction=appealed, upheld=True, explanation="x", actor=Actor(same)
        )
    decided = r.restriction_decide_appeal(
        restriction=appealed,
        upheld=True,
        explanation="The calls were about a leak.",
        actor=Actor(other),
    )
    assert decided.appeal_outcome == "upheld"
    assert decided.ends_on == datetime.date(2027, 1, 4)
    assert Clock.objects.get(pk=decision.pk).completed_at is not None


def test_a_late_appeal_is_refused_with_the_rule(clock, person, senior, hpg):
    clock(2026, 12, 11)
    restriction = impose(person, senior)
    staff(hpg, "otto_other", Role.SENIOR_MANAGER, "Finance")
    clock(2027, 1, 14)
    with pytest.raises(PolicyRuleError) as error:
        r.restriction_appeal(
            restriction=restriction, grounds="Unfair", decider="otto_other", actor=Actor(senior)
        )
    assert "Wed 13 Jan 2027" in error.value.message
    assert error.value.source == "14.14.3-14.14.6"


def test_where_the_policy_names_no_decider_and_no_appeal(clock, organisation_on):
    clock(2026, 12, 11)
    org = organisation_on("rooftop-2023")
    person = Person.objects.create(organisation=org, name="Rae")
    manager = staff(org, "manny", Role.MANAGER)
    restriction = r.restriction_impose(
        person=person,
        categories=["unreasonable_demands"],
        measures=["writing_only"],
        channels=["letter", "email"],
        behaviour="Daily calls.",
        reasons="Quarterly review.",
        actor=Actor(manager),
    )
    assert restriction.review_days == 91
    assert restriction.appeal_by is None
    with pytest.raises(PolicyRuleError) as error:
        r.restriction_appeal(
            restriction=restriction, grounds="x", decider="manny", actor=Actor(manager)
        )
    assert error.value.message == r.NO_APPEAL


def test_where_the_policy_sets_no_review_the_decider_gives_the_date(clock, organisation_on):
    clock(2026, 12, 11)
    org = organisation_on("south-liverpool-homes-2021")
    person = Person.objects.create(organisation=org, name="Lee")
    director = staff(org, "dee", Role.SENIOR_MANAGER)
    values = {
        "person": person,
        "categories": ["unreasonable_demands"],
        "measures": ["batched_replies"],
        "behaviour": "Many e-mails a day.",
        "reasons": "Considered carefully.",
        "actor": Actor(director),
    }
    with pytest.raises(CaseInputError) as error:
        r.restriction_impose(**values)
    assert error.value.fields == {"review_on": r.REVIEW_DATE}
    restriction = r.restriction_impose(**values, review_on=datetime.date(2027, 3, 1))
    assert restriction.review_on == datetime.date(2027, 3, 1)


def test_a_pack_without_a_process_is_refused_with_the_code(clock, organisation_on):
    clock(2026, 12, 11)
    org = organisation_on("hos-code-2024")
    person = Person.objects.create(organisation=org, name="Kim")
    manager = staff(org, "manny", Role.MANAGER)
    with pytest.raises(PolicyRuleError) as error:
        r.restriction_warn(
            person=person,
            categories=[],
            behaviour="x",
            change_by=datetime.date(2027, 1, 1),
            actor=Actor(manager),
        )
    assert error.value.source == "5.14"


def test_a_contact_on_an_excluded_channel_is_flagged_never_the_ombudsman(clock, person, senior):
    clock(2026, 12, 11)
    impose(person, senior)
    rules = r.person_pack(person)
    found = r.in_force(person)
    assert "allows contact only by letter" in r.channel_flag(found, "phone", rules)
    assert r.channel_flag(found, "letter", rules) == ""
    assert r.channel_flag(found, "ombudsman", rules) == ""


def test_only_n_issues_counts_open_cases(clock, person, senior):
    clock(2026, 12, 11)
    impose(person, senior, measures=["issues_in_period"], issue_limit=2, issue_period_days=90)
    found = r.in_force(person)
    assert r.issue_limit_flag(found, 1) == ""
    assert "limits the person to 2 issues in 90 days; 2 are open" in r.issue_limit_flag(found, 2)


def test_lifting_stops_its_clocks(clock, person, senior):
    clock(2026, 12, 11)
    restriction = impose(person, senior)
    r.restriction_lift(restriction=restriction, reason="Agreed at a meeting.", actor=Actor(senior))
    assert not Clock.objects.filter(completed_at__isnull=True).exists()
    with pytest.raises(CaseStateError):
        r.restriction_lift(restriction=restriction, reason="Again", actor=Actor(senior))


def test_the_reports_count_without_naming_anyone(clock, person, senior, hpg):
    from putright.reports.restrictions import restriction_counts

    clock(2026, 12, 11)
    restriction = impose(person, senior)
    other = staff(hpg, "otto_other", Role.SENIOR_MANAGER, "Finance")
    clock(2027, 1, 4)
    r.restriction_appeal(
        restriction=restriction, grounds="Unfair", decider="otto_other", actor=Actor(senior)
    )
    r.restriction_decide_appeal(
        restriction=restriction, upheld=False, explanation="It stays.", actor=Actor(other)
    )
    r.restriction_review(
        restriction=restriction,
        outcome="keep",
        explanation="Still.",
        review_days=90,
        actor=Actor(senior),
    )
    counts = restriction_counts([hpg.pk], datetime.date(2026, 12, 1), datetime.date(2027, 1, 31))
    assert (counts.warnings, counts.restrictions) == (0, 1)
    assert counts.by_category == {"unreasonable_contact": 1}
    assert counts.by_measure == {"single_form_of_contact": 1}
    assert (counts.reviews_held, counts.reviews_on_time) == (1, 1)
    assert counts.review_outcomes == {"keep": 1}
    assert (counts.appeals_decided, counts.appeals_upheld, counts.appeals_on_time) == (1, 0, 1)
    assert counts.in_force_at_end == 1
    assert "Pat" not in repr(counts)


def test_free_text_restrictions_are_carried_over_marked_and_finished(clock, person, senior):
    import importlib

    from django.apps import apps
    from django.core.management import call_command

    from putright.people.services import restriction_record

    clock(2026, 12, 11)
    old = restriction_record(
        person=person,
        level="restriction",
        behaviour="Abusive calls.",
        arrangements="E-mail only, to the housing officer.",
        starts_on=datetime.date(2026, 11, 1),
        review_on=datetime.date(2027, 2, 1),
        actor=Actor(senior),
    )
    migration = importlib.import_module("putright.people.migrations.0004_restrictions_to_finish")
    migration.mark(apps, None)
    old.refresh_from_db()
    assert old.needs_finishing
    assert old.pack == HPG
    assert old.arrangements == "E-mail only, to the housing officer."  # the text is kept
    assert r.to_finish() == [old]
    from io import StringIO

    out = StringIO()
    call_command("restrictions_to_finish", stdout=out)
    assert f"/people/{person.pk}/restrictions/{old.pk}/finish/" in out.getvalue()

    finished = r.restriction_finish(
        restriction=old,
        categories=["aggressive_or_abusive"],
        measures=["single_form_of_contact"],
        channels=["email"],
        actor=Actor(senior),
    )
    assert not finished.needs_finishing
    assert finished.channels == ["email"]
    assert r.to_finish() == []
    assert kinds(person)[-1] == r.RESTRICTION_FINISHED


def test_the_api_refuses_a_manager_the_policy_does_not_name_with_the_rule(
    clock, person, hpg, senior
):
    from tests.api.conftest import api_for

    clock(2026, 12, 11)
    manager = staff(hpg, "manny", Role.MANAGER)
    body = {
        "kind": "restriction",
        "categories": ["unreasonable_contact"],
        "measures": ["single_form_of_contact"],
        "channels": ["letter"],
        "behaviour": "Calls.",
        "reasons": "Agreed.",
        "review_days": 30,
    }
    refused = api_for(manager).post(f"/people/{person.pk}/restrictions", body)
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "forbidden"
    assert "(policy rule: restrictions.decided_by, 14.13.3)" in error["message"]
    assert "Sam Senior" in error["message"]  # who may

    made = api_for(senior).post(f"/people/{person.pk}/restrictions", body)
    assert made.status_code == 201
    shown = api_for(senior).get(f"/people/{person.pk}").json()["restrictions"][0]
    assert shown["appeal_by"] == "2027-01-13"
    assert [d["step"] for d in shown["deadlines"]] == ["review", "appeal-window"]
    window = shown["deadlines"][1]
    assert window["due"] == "2027-01-13"
    assert "bank holiday: Christmas Day" in window["explanation"]
    bad = api_for(senior).post(f"/people/{person.pk}/restrictions", {**body, "kind": "ban"})
    assert bad.status_code == 400
    assert "kind" in bad.json()["error"]["fields"]


def test_a_warning_is_looked_at_no_more_once_a_restriction_follows_or_it_is_closed(
    clock, person, senior, hpg
):
    clock(2026, 12, 1)
    handler = staff(hpg, "hana", Role.COMPLAINT_HANDLER)
    first = r.restriction_warn(
        person=person,
        categories=["unreasonable_demands"],
        behaviour="Demands.",
        change_by=datetime.date(2026, 12, 8),
        actor=Actor(handler),
    )
    clock(2026, 12, 11)
    impose(person, senior)
    assert Clock.objects.get(step=f"restriction-{first.pk}-change").completed_at is not None

    second = r.restriction_warn(
        person=person,
        categories=["unreasonable_demands"],
        behaviour="Demands again.",
        change_by=datetime.date(2026, 12, 18),
        actor=Actor(handler),
    )
    clock(2026, 12, 21)
    assert second.status(datetime.date(2026, 12, 21)) == "expired"
    owed = [o.clock.step for o in clocks_owed_by(user=handler)]
    assert owed == [f"restriction-{second.pk}-change"]
    manager = staff(hpg, "manny", Role.MANAGER)
    closed = r.restriction_lift(
        restriction=second, reason="The behaviour changed.", actor=Actor(manager)
    )
    assert closed.ends_on == datetime.date(2026, 12, 18)  # its end does not move
    assert closed.status(datetime.date(2026, 12, 21)) == "lifted"
    assert clocks_owed_by(user=handler) == []


def test_those_who_need_to_know_are_e_mailed_without_the_complaint(
    clock, person, hpg, senior, mailoutbox, django_capture_on_commit_callbacks
):
    """HPG 14.13.3: notified to those who need to know, with no personal information about
    the complaint; lifting it tells them again."""
    from putright.cases.models import Case
    from putright.cases.services import case_receive

    clock(2026, 12, 11, 10)
    front = staff(hpg, "hana", Role.COMPLAINT_HANDLER)
    front.email = "hana@example.org"
    front.save(update_fields=["email"])
    investigator = staff(hpg, "ivo", Role.INVESTIGATING_OFFICER)
    investigator.email = "ivo@example.org"
    investigator.save(update_fields=["email"])
    bystander = staff(hpg, "bea", Role.INVESTIGATING_OFFICER)
    bystander.email = "bea@example.org"
    bystander.save(update_fields=["email"])
    senior.email = "sam@example.org"
    senior.save(update_fields=["email"])
    case = case_receive(
        organisation=hpg,
        kind="complaint",
        channel="phone",
        customer=person,
        summary="Damp in the bedroom never fixed",
        received_at=datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC),
        actor=Actor(front),
    )
    Case.objects.filter(pk=case.pk).update(investigator=investigator, handler=None)

    with django_capture_on_commit_callbacks(execute=True):
        restriction = impose(person, senior)

    told = sorted(m.to[0] for m in mailoutbox)
    assert told == ["hana@example.org", "ivo@example.org"]  # not the decider, not Bea
    body = mailoutbox[0].body
    assert "Pat Resident" in body
    assert "letter" in body
    assert "Next review: 11 January 2027" in body
    assert "Damp" not in body
    assert "Forty calls" not in body
    entry = record_history(record_type="person", record_id=person.pk)
    notice = [e for e in entry if e.kind == r.NEED_TO_KNOW][-1]
    assert sorted(notice.data["told_ids"]) == sorted([front.pk, investigator.pk])

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r.restriction_lift(
            restriction=restriction, reason="Behaviour improved.", actor=Actor(senior)
        )
    assert sorted(m.to[0] for m in mailoutbox) == ["hana@example.org", "ivo@example.org"]
    assert "lifted" in mailoutbox[0].subject
