"""The one search, the same rules on every database (putright/search/rules.py): the suite runs
on SQLite and, in CI, on PostgreSQL, with the same cases."""

from __future__ import annotations

import pytest

from putright.accounts.models import Membership, Role, User
from putright.cases.queries import CaseFilters, case_list, cases_in_due_order
from putright.cases.services import Actor, case_receive
from putright.people.models import Person
from putright.people.services import person_update
from putright.search import rules
from putright.search.index import rebuild
from putright.search.models import CaseText

from ..conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(clock):
    clock(2026, 3, 9, 12)


@pytest.fixture
def org(organisation_on):
    return organisation_on("hos-code-2024")


@pytest.fixture
def other(organisation_on):
    return organisation_on("southern-housing-2020")


def user(name: str, organisation, role: str) -> User:
    made = User.objects.create_user(name)
    Membership.objects.create(user=made, organisation=organisation, role=role)
    return made


@pytest.fixture
def handler(org):
    return user("handler", org, Role.COMPLAINT_HANDLER)


@pytest.fixture
def panel(org):
    """A panel member sees the case put to the panel, but no contact details."""
    return user("panel", org, Role.PANEL_MEMBER)


@pytest.fixture
def cases(org, other, handler):
    actor = Actor(handler)

    def receive(organisation, name, summary, *, address="", postcode="", day=2):
        customer = Person.objects.create(
            organisation=organisation, name=name, address=address, postcode=postcode
        )
        return case_receive(
            organisation=organisation,
            kind="complaint",
            channel="phone",
            received_at=at(2026, 3, day, 10),
            summary=summary,
            actor=Actor(user(f"h{organisation.pk}{name[:3]}", organisation, Role.MANAGER))
            if organisation != org
            else actor,
            customer=customer,
        )

    return {
        "zoe": receive(
            org,
            "Zoë O'Brien",
            "Black mould in the bathroom",
            address="12 Rue de l'Église\nManchester",
            postcode="M1 1AE",
        ),
        "smith": receive(
            org, "Pat Smith-Jones", "The repair never happened", postcode="L24 1AA", day=3
        ),
        "smithers": receive(org, "Sam Smithers", "Nobody called me back", day=4),
        "elsewhere": receive(other, "Zoe Smith", "Black mould again", postcode="M1 1AE"),
    }


def found(reader, text, *, in_due_order=True) -> list[str]:
    listed = case_list(user=reader, filters=CaseFilters(text=text), in_due_order=in_due_order)
    return list(cases_in_due_order(listed).values_list("customer__name", flat=True))


def test_words_start_words_of_the_name_or_summary_ignoring_case_and_accents(cases, handler):
    assert found(handler, "zoe") == ["Zoë O'Brien"]
    assert found(handler, "ZOË") == ["Zoë O'Brien"]
    assert found(handler, "o'brien") == ["Zoë O'Brien"]
    assert found(handler, "OBrien") == ["Zoë O'Brien"]
    assert found(handler, "brien") == ["Zoë O'Brien"]
    assert found(handler, "mou") == ["Zoë O'Brien"]  # "mould" in the summary
    assert found(handler, "ould") == []  # words start with what is typed
    assert found(handler, "black bath") == ["Zoë O'Brien"]  # every word
    assert found(handler, "black kitchen") == []
    # "Smith" starts "Smith" (of Smith-Jones) and "Smithers", in the queue's order.
    assert found(handler, "smith") == ["Pat Smith-Jones", "Sam Smithers"]
    assert found(handler, "smith-jones") == ["Pat Smith-Jones"]
    assert found(handler, "jones") == ["Pat Smith-Jones"]


def test_a_reference_finds_exactly_its_case(cases, handler):
    reference = cases["smith"].reference
    assert found(handler, reference) == ["Pat Smith-Jones"]
    assert found(handler, reference.lower()) == ["Pat Smith-Jones"]
    assert found(handler, reference[:-1] + "9") == []


def test_a_postcode_with_or_without_its_space_finds_exactly_its_cases(cases, handler):
    for typed in ("M1 1AE", "m11ae", " m1 1ae "):
        assert found(handler, typed) == ["Zoë O'Brien"]  # not the other landlord's
    assert found(handler, "L241AA") == ["Pat Smith-Jones"]
    # Words of the address and the start of a postcode find cases too.
    assert found(handler, "eglise") == ["Zoë O'Brien"]
    assert found(handler, "M1") == ["Zoë O'Brien"]


def test_contact_details_find_nothing_for_a_reader_not_shown_them(cases, panel, org):
    from putright.cases.models import CaseMember

    CaseMember.objects.create(case=cases["zoe"], user=panel, role="panel")
    assert found(panel, "zoe") == ["Zoë O'Brien"]  # the name is shown on the list
    assert found(panel, "M1 1AE") == []  # a search must not confirm a postcode not shown
    assert found(panel, "eglise") == []


def test_the_words_follow_the_customer_and_can_be_rebuilt(cases, handler):
    person = cases["smithers"].customer
    person_update(person=person, actor=Actor(handler), name="Sam Ward")
    assert found(handler, "smithers") == []
    assert found(handler, "ward") == ["Sam Ward"]

    CaseText.objects.all().delete()
    assert found(handler, "ward") == []
    assert rebuild() == 4
    assert found(handler, "ward") == ["Sam Ward"]


def test_the_rules_fold_text_to_plain_words():
    assert rules.words("Zoë  O\u2019Brien, Smith-Jones!") == ["zoe", "obrien", "smith", "jones"]
    assert rules.document("O'Brien") == "obrien o brien"
    assert rules.query_words("a b smith") == ["smith"]  # single letters are not looked for
    assert rules.as_postcode("sw1a2aa") == "SW1A 2AA"
    assert rules.as_postcode("smith") == ""
    assert rules.looks_like_reference("slh-2026-00012")
    assert not rules.looks_like_reference("smith-jones")


def test_a_long_queue_is_counted_up_to_its_cap(cases, handler, client, monkeypatch):
    from putright.staff.views import queues

    client.force_login(handler)
    assert "3 cases" in client.get("/cases/?all=1").text
    monkeypatch.setattr(queues, "COUNT_CAP", 2)
    page = client.get("/cases/?all=1").text
    assert "More than 2 cases" in page
    # A search is counted to its own, lower cap (a common word is listed that far).
    assert "2 cases" in client.get("/cases/?text=smith").text
    monkeypatch.setattr(queues, "SEARCH_COUNT_CAP", 1)
    assert "More than 1 cases" in client.get("/cases/?text=smith").text


def test_search_lists_in_the_queues_order_and_opens_a_reference(cases, handler, client):
    client.force_login(handler)
    page = client.get("/search/?q=smith").text
    assert page.index("Pat Smith-Jones") < page.index("Sam Smithers")  # soonest due first
    opened = client.get(f"/search/?q={cases['zoe'].reference.lower()}")
    assert opened.status_code == 302
    assert opened.url == f"/cases/{cases['zoe'].reference}/"


def test_common_words_match_the_same_when_read_case_by_case(cases, handler, panel, monkeypatch):
    """Past MATERIALISE matches the query looks each case up instead of reading the ids first:
    the same answers."""
    from putright.cases.models import CaseMember
    from putright.search import queries

    CaseMember.objects.create(case=cases["zoe"], user=panel, role="panel")
    monkeypatch.setattr(queries, "MATERIALISE", 0)
    assert found(handler, "smith") == ["Pat Smith-Jones", "Sam Smithers"]
    assert found(handler, "black bath") == ["Zoë O'Brien"]
    assert found(handler, "eglise") == ["Zoë O'Brien"]
    assert found(panel, "eglise") == []
    assert found(panel, "zoe") == ["Zoë O'Brien"]


@pytest.mark.parametrize("way", ["in order", "from the words"])
def test_a_common_word_lists_the_same_cases_either_way(cases, handler, panel, monkeypatch, way):
    """A word common somewhere (past MATERIALISE) is read case by case in the queue's order,
    or its first matches are listed from the words table by their due dates: the same answers,
    in the same order, for every reader and with other filters too (PostgreSQL; SQLite reads
    its FTS5 index either way)."""
    from putright.cases.models import CaseMember
    from putright.search import queries

    CaseMember.objects.create(case=cases["zoe"], user=panel, role="panel")
    monkeypatch.setattr(queries, "MATERIALISE", 0)
    # A probe that finds a match at the head always reads in order; one of no cases never.
    if way == "in order":
        monkeypatch.setattr(queries, "WALK_COST", 0)
    else:
        monkeypatch.setattr(queries, "PROBE", 0)
    assert found(handler, "smith") == ["Pat Smith-Jones", "Sam Smithers"]
    assert found(handler, "black bath") == ["Zoë O'Brien"]
    assert found(handler, "eglise") == ["Zoë O'Brien"]
    assert found(handler, "m1") == ["Zoë O'Brien"]  # not the other landlord's M1 1AE
    assert found(panel, "eglise") == []  # contact details not shown to a panel member
    assert found(panel, "zoe") == ["Zoë O'Brien"]  # named on it: that case only
    assert found(panel, "smith") == []
    narrowed = case_list(user=handler, filters=CaseFilters(text="smith", status="open"))
    assert list(cases_in_due_order(narrowed).values_list("customer__name", flat=True)) == [
        "Pat Smith-Jones",
        "Sam Smithers",
    ]
    if way == "from the words":
        # Listed from the words table up to LISTED: the first in the queue's order are kept.
        monkeypatch.setattr(queries, "LISTED", 1)
        expected = ["Pat Smith-Jones", "Sam Smithers"]
        assert found(handler, "smith") == (expected[:1] if _on_postgres() else expected)
        # A list in another order (the API's, newest first) is never cut short so.
        assert found(handler, "smith", in_due_order=False) == expected


def _on_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def test_the_words_keep_the_cases_place_in_the_queues_order(cases, handler):
    """``CaseText.due_or_last`` follows the case's next due date through every change, so that
    a common word listed from the words table comes in the queue's order."""
    from putright.cases.models import Case
    from putright.cases.services import case_acknowledge
    from putright.cases.services.deadline_sweep import refresh_cached_dates
    from putright.search.models import NO_DUE_DATE

    def kept(case) -> tuple:
        case = Case.objects.get(pk=case.pk)
        return CaseText.objects.get(case_id=case.pk).due_or_last, case.next_due_on

    case = cases["smith"]
    due, next_due = kept(case)
    assert next_due is not None
    assert due == next_due
    case_acknowledge(case=Case.objects.get(pk=case.pk), actor=Actor(handler))
    due, next_due = kept(case)
    assert due == next_due  # the next deadline is now the response's
    Case.objects.filter(pk=case.pk).update(next_due_on=None)  # as after a pack changes
    refresh_cached_dates([Case.objects.get(pk=case.pk)])
    assert kept(case)[0] == kept(case)[1] != NO_DUE_DATE
    CaseText.objects.all().delete()
    rebuild()
    assert kept(case)[0] == kept(case)[1]
