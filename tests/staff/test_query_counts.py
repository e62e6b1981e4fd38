"""The case page costs the same queries with 5 events as with 500; the queue and My work the
same with 3 cases as with 30."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from putright.accounts.models import Role, User
from putright.cases.models import Case, CaseLink, Event, EventKind, LinkKind
from putright.cases.services import (
    Actor,
    IssueOutcome,
    case_acknowledge,
    case_add_note,
    case_assign,
    case_receive,
    case_request_investigation,
    case_respond,
)
from putright.letters.models import Correspondence
from putright.people.models import Person
from putright.remedies.models import Remedy, RemedyAction

from .conftest import at, give_role

pytestmark = pytest.mark.django_db

TABS = ["details", "correspondence", "remedies", "linked"]


@pytest.fixture(autouse=True)
def _today(clock):
    clock(2026, 3, 20, 16)


@pytest.fixture
def colleagues(code_org):
    """Several people act on the case, so that each event's actor is a different user."""
    people = []
    for number in range(4):
        user = User.objects.create_user(f"colleague{number}", display_name=f"Colleague {number}")
        give_role(user, code_org, Role.COMPLAINT_HANDLER)
        people.append(user)
    return people


def a_case_with(count: int, *, organisation, handler, colleagues) -> Case:
    """A complaint with ``count`` events and ``count`` letters, remedies and linked cases."""
    customer = Person.objects.create(
        organisation=organisation, name="Pat Resident", postcode="L24 1AA", tenure="tenant"
    )

    def receive(summary: str) -> Case:
        return case_receive(
            organisation=organisation,
            kind="complaint",
            channel="phone",
            received_at=at(2026, 3, 2, 10),
            summary=summary,
            actor=Actor(handler),
            customer=customer,
        )

    case = receive(f"A case with {count} events")
    case = case_acknowledge(case=case, actor=Actor(colleagues[0]), occurred_at=at(2026, 3, 3))
    case = case_request_investigation(
        case=case, actor=Actor(colleagues[1]), team="Repairs", occurred_at=at(2026, 3, 4)
    )
    # The rest of the chronology: notes, contacts and chases by everyone in turn.
    kinds = [EventKind.NOTE, EventKind.CONTACTED, EventKind.CHASED, EventKind.LETTER_SENT]
    start = case.events.count()
    now = timezone.now()
    Event.objects.bulk_create(
        Event(
            case=case,
            sequence=start + index + 1,
            kind=kinds[index % len(kinds)],
            stage=case.stage,
            actor=colleagues[index % len(colleagues)] if index % 5 else None,
            actor_label="" if index % 5 else "deadline sweep",
            occurred_at=at(2026, 3, 9) + datetime.timedelta(minutes=index),
            recorded_at=now,
            data={"text": f"Note {index}", "summary": f"Contact {index}", "method": "email"},
        )
        for index in range(count - start - 2)
    )
    case = case_add_note(case=case, actor=Actor(handler), text="The last note")
    case = case_respond(
        case=case,
        actor=Actor(handler),
        outcome="partly_upheld",
        text="Our decision.",
        issues=[IssueOutcome(f"Issue {n}", "upheld") for n in range(min(count, 50))],
    )
    assert case.events.count() == count

    Correspondence.objects.bulk_create(
        Correspondence(
            case=case,
            template="stage1_response" if n % 2 else "stage1_acknowledgement",
            event_sequence=n + 1,
            subject=f"Your complaint {case.reference}: letter {n}",
            channel="email",
            status="sent",
            recipient="pat@example.org",
            html="<p>Letter</p>",
            created_by=colleagues[n % len(colleagues)],
            created_at=now,
            sent_at=now,
        )
        for n in range(count)
    )
    for n in range(count):
        remedy = Remedy.objects.create(
            case=case,
            kind="apology",
            description=f"Apology {n}",
            created_by=colleagues[n % len(colleagues)],
            created_at=now,
        )
        if n % 2:
            RemedyAction.objects.create(
                case=case,
                remedy=remedy,
                description=f"Fix {n}",
                owner=colleagues[n % len(colleagues)],
                due_on=datetime.date(2026, 4, 1),
            )
    for n in range(min(count, 20)):
        other = receive(f"Related case {n}")
        CaseLink.objects.create(from_case=case, to_case=other, kind=LinkKind.RELATED)
        CaseLink.objects.create(from_case=other, to_case=case, kind=LinkKind.REPEAT_OF)
    return case


def queries_for(client, case: Case, tab: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/cases/{case.reference}/?tab={tab}")
    assert page.status_code == 200
    return len(queries), page.content


@pytest.mark.parametrize("tab", TABS)
def test_the_case_page_query_count_does_not_grow_with_events(
    staff_client, caseworker, code_org, colleagues, tab, django_assert_max_num_queries
):
    few = a_case_with(5, organisation=code_org, handler=caseworker, colleagues=colleagues)
    many = a_case_with(500, organisation=code_org, handler=caseworker, colleagues=colleagues)
    assert few.events.count() == 5
    assert many.events.count() == 500

    staff_client.get(f"/cases/{few.reference}/")  # the session and roles are warm
    with_few, _ = queries_for(staff_client, few, tab)
    with_many, content = queries_for(staff_client, many, tab)
    assert with_many == with_few, f"{tab}: {with_few} queries with 5 events, {with_many} with 500"
    # One of these reads the words the events refer to by id, once for all of them.
    with django_assert_max_num_queries(21):
        staff_client.get(f"/cases/{many.reference}/?tab={tab}")

    # The page shows what it was asked for, all of it.
    text = content.decode()
    if tab == "details":
        assert text.count('class="moj-timeline__item"') == 500
        assert "Colleague 3" in text
    elif tab == "correspondence":
        assert "letter 499" in text
    elif tab == "remedies":
        assert "Apology 499" in text
        assert "Fix 499" in text
    else:
        assert "Related case 19" in text


def open_cases(numbers: range, *, organisation, handler) -> list[Case]:
    """Complaints numbered ``numbers`` from different customers, all handled by ``handler``."""
    made = []
    for number in numbers:
        customer = Person.objects.create(
            organisation=organisation, name=f"Resident {number}", postcode="L24 1AA"
        )
        case = case_receive(
            organisation=organisation,
            kind="complaint",
            channel="phone",
            received_at=at(2026, 3, 2 + number % 15, 10),
            summary=f"Complaint {number}",
            actor=Actor(handler),
            customer=customer,
        )
        made.append(case_assign(case=case, actor=Actor(handler), handler=handler))
    return made


@pytest.mark.parametrize("path", ["/cases/?all=1", "/cases/?due=overdue&kind=complaint", "/work/"])
def test_the_queue_and_my_work_cost_the_same_queries_with_3_cases_as_with_30(
    staff_client, caseworker, code_org, path
):
    open_cases(range(3), organisation=code_org, handler=caseworker)
    staff_client.get(path)  # the session and roles are warm
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(path).status_code == 200
    open_cases(range(3, 30), organisation=code_org, handler=caseworker)
    with CaptureQueriesContext(connection) as many:
        page = staff_client.get(path)
    assert page.status_code == 200
    assert len(many) == len(few), f"{path}: {len(few)} queries with 3 cases, {len(many)} with 30"
    if path == "/work/":
        assert "Complaint 29" in page.text  # all 30 are mine, and shown
