"""My work lists its owner's deadlines on other records, explained, and only records they may see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from putright.accounts.models import Membership
from putright.cases.services import Actor, case_assign, case_receive
from putright.people.models import Person
from tests.timeline_sample.models import SampleRecord

from .conftest import at

pytestmark = pytest.mark.django_db

SECTION = "My deadlines on other records"


def my_work(client, user) -> str:
    client.force_login(user)
    page = client.get("/work/")
    assert page.status_code == 200
    return page.content.decode()


def test_the_owner_sees_the_deadline_with_why_this_date(client, start_review, owner, clock):
    clock(2026, 3, 2, 11)
    start_review(at(2026, 3, 2, 10))
    clock(2026, 3, 4, 9)

    page = my_work(client, owner)

    assert SECTION in page
    assert "Noise nuisance at Hope Street" in page
    assert 'href="/sample-records/' in page
    assert "Sample record</span>" in page
    assert "Review the sample record" in page
    assert "Mon 9 Mar 2026" in page
    assert "Why this date" in page
    assert "Day 5 of 5 working days is Mon 9 Mar 2026." in page
    assert "Overdue" not in page


def test_someone_else_does_not_see_it_on_their_my_work(client, start_review, colleague, clock):
    clock(2026, 3, 2, 11)
    start_review(at(2026, 3, 2, 10))

    page = my_work(client, colleague)  # may see the record, but does not owe its deadline

    assert SECTION not in page
    assert "Review the sample record" not in page


def test_a_deadline_past_its_date_is_tagged_overdue(client, start_review, owner, clock):
    clock(2026, 3, 2, 11)
    start_review(at(2026, 3, 2, 10))
    clock(2026, 3, 10, 9)

    page = my_work(client, owner)

    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in page


def test_a_deadline_in_hours_shows_its_time(client, start_review, owner, clock):
    clock(2026, 3, 6, 17)
    start_review(at(2026, 3, 6, 16, 30), unit="hours", amount=24, label="Make it safe")

    page = my_work(client, owner)

    assert "Sat 7 Mar 2026, 16:30" in page
    assert "Clock hours run through nights, weekends and bank holidays alike" in page


def test_a_record_the_owner_may_no_longer_see_is_not_shown(
    client, start_review, owner, other_landlord, clock
):
    clock(2026, 3, 2, 11)
    Membership.objects.create(user=owner, organisation=other_landlord, role="complaint_handler")
    elsewhere = SampleRecord.objects.create(organisation=other_landlord, title="Elsewhere record")
    start_review(
        at(2026, 3, 2, 10),
        record_id=elsewhere.pk,
        organisation=other_landlord,
    )
    start_review(at(2026, 3, 2, 10))
    Membership.objects.filter(user=owner, organisation=other_landlord).delete()

    page = my_work(client, owner)

    assert "Noise nuisance at Hope Street" in page
    assert "Elsewhere record" not in page


def test_my_work_costs_the_same_queries_with_one_deadline_as_with_ten(
    client, start_review, owner, landlord, clock
):
    clock(2026, 3, 2, 11)
    start_review(at(2026, 3, 2, 10))
    my_work(client, owner)  # the session, roles and calendar are warm
    with CaptureQueriesContext(connection) as one:
        my_work(client, owner)
    for number in range(9):
        record = SampleRecord.objects.create(organisation=landlord, title=f"Record {number}")
        start_review(at(2026, 3, 2, 10), record_id=record.pk)
    with CaptureQueriesContext(connection) as ten:
        page = my_work(client, owner)

    assert len(ten) == len(one)
    assert "Record 8" in page


def test_my_cases_are_shown_as_before(client, owner, landlord, start_review, clock):
    clock(2026, 3, 2, 11)
    case = case_receive(
        organisation=landlord,
        kind="complaint",
        channel="phone",
        received_at=at(2026, 3, 2, 10),
        summary="The repair never happened",
        actor=Actor(owner),
        customer=Person.objects.create(organisation=landlord, name="Pat Resident"),
    )
    case_assign(case=case, actor=Actor(owner), handler=owner)
    without = my_work(client, owner)
    start_review(at(2026, 3, 2, 10))

    page = my_work(client, owner)

    assert case.reference in without
    assert SECTION not in without  # nobody owes a deadline on another record: as before
    assert case.reference in page
    assert page.index("Due in the next 7 days") < page.index(SECTION) < page.index("My team")
