"""One case list: the selector's filters, and the API and the staff queue answering the same
cases for the same filters, for readers who see different things."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from putright.accounts.models import Membership, Role, User
from putright.cases.models import Case, CaseMember
from putright.cases.queries import FLAG_FIELDS, CaseFilters, case_list
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_assign,
    case_escalate,
    case_receive,
    case_respond,
)
from putright.people.models import Person
from tests.api.conftest import api_for
from tests.staff.html import parse

from ..conftest import at

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 9)  # a Monday


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


@pytest.fixture(autouse=True)
def _monday(clock):
    clock(2026, 3, 9, 12)


def member(user: User, organisation, role: str) -> User:
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    if hasattr(user, "_putright_roles"):
        del user._putright_roles
    return user


@pytest.fixture
def code_org(organisation_on):
    return organisation_on("hos-code-2024")


@pytest.fixture
def south_org(organisation_on):
    return organisation_on("southern-housing-2020")


@pytest.fixture
def readers(handler, manager, code_org, south_org) -> dict[str, User]:
    """A complaint handler and a complaints manager working for both landlords; a colleague
    who handles the restricted case; a panel member of the first landlord."""
    colleague = User.objects.create_user("colleague", display_name="Cole League")
    panel = User.objects.create_user("panel", display_name="Pan Elmember")
    for organisation in (code_org, south_org):
        member(handler, organisation, Role.COMPLAINT_HANDLER)
        member(manager, organisation, Role.COMPLAINTS_MANAGER)
        member(colleague, organisation, Role.COMPLAINT_HANDLER)
    member(panel, code_org, Role.PANEL_MEMBER)
    return {"handler": handler, "manager": manager, "colleague": colleague, "panel": panel}


@pytest.fixture
def made(readers, code_org, south_org) -> dict[str, Case]:
    """Cases of different kinds, stages, flags, handlers, due dates and postcodes, one of
    them restricted (staff conduct) and one put to the panel."""
    handler, manager = readers["handler"], readers["manager"]
    actor = Actor(manager)

    def receive(organisation, name: str | None, postcode: str = "", **extra: Any) -> Case:
        customer = None
        if name is not None:
            customer = Person.objects.create(
                organisation=organisation, name=name, postcode=postcode, email="x@example.org"
            )
        return case_receive(
            organisation=organisation,
            kind=extra.pop("kind", "complaint"),
            channel="phone",
            received_at=extra.pop("received_at", at(2026, 3, 2, 10)),
            summary=extra.pop("summary", "The repair never happened and nobody called me back"),
            actor=actor,
            customer=customer,
            **extra,
        )

    cases = {
        "leak": receive(
            code_org,
            "Jordan Byrne",
            "SO14 7FF",
            summary="A leak through the ceiling",
            flags=["safeguarding"],
            service_area="Repairs",
        ),
        "boiler": receive(
            code_org,
            "Casey Doyle",
            "L24 1AA",
            summary="The boiler was not repaired",
            flags=["health_and_safety", "vulnerability"],
            received_at=at(2026, 3, 3, 10),
        ),
        "gate": receive(
            code_org,
            "Sam Okafor",
            "L24 1AA",
            kind="service_request",  # redirected: closed at once
            summary="Please fix my gate",
            received_at=at(2026, 3, 4, 10),
        ),
        "noise": receive(
            code_org,
            "Robin Noise",
            "L19 2BB",
            summary="Noise from next door",
            service_area="Anti-social behaviour",
            received_at=at(2026, 2, 16, 10),
        ),
        "rude": receive(
            code_org,
            "Jordan Byrne",
            "SO14 7FF",
            summary="A housing officer was rude",
            flags=["conduct"],
            received_at=at(2026, 3, 5, 10),
        ),
        "lift": receive(
            south_org,
            "Jordan Byrne",
            "SO14 7FF",
            summary="The lift is broken again",
            flags=["safeguarding"],
            service_area="Repairs and Maintenance",
            received_at=at(2026, 3, 6, 10),
        ),
        "quiet": receive(
            code_org,
            None,
            summary="An anonymous complaint about the estate",
            flags=["anonymous"],
            received_at=at(2026, 2, 27, 10),
        ),
    }
    noise = case_acknowledge(case=cases["noise"], actor=actor, occurred_at=at(2026, 2, 17))
    noise = case_respond(
        case=noise, actor=actor, outcome="not_upheld", text="x", occurred_at=at(2026, 2, 20)
    )
    cases["noise"] = case_escalate(case=noise, actor=actor, reasons="Still noisy")
    for name, who in (("leak", handler), ("lift", handler), ("noise", readers["colleague"])):
        cases[name] = case_assign(case=cases[name], actor=actor, handler=who)
    cases["rude"] = case_assign(case=cases["rude"], actor=actor, handler=readers["colleague"])
    CaseMember.objects.create(case=cases["boiler"], user=readers["panel"], role="panel_member")
    # The cached next due dates, set where each due window wants them.
    for name, offset in {
        "leak": -3,
        "boiler": 0,
        "noise": 10,
        "rude": 3,
        "lift": 5,
        "quiet": 20,
    }.items():
        Case.objects.filter(pk=cases[name].pk).update(next_due_on=day(offset))
    return {name: Case.objects.get(pk=case.pk) for name, case in cases.items()}


def references(cases, made: dict[str, Case]) -> set[str]:
    names = {c.reference: name for name, c in made.items()}
    return {names[getattr(c, "reference", c)] for c in cases}


# -- the selector ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (CaseFilters(), {"leak", "boiler", "gate", "noise", "rude", "lift", "quiet"}),
        (CaseFilters(kind="service_request"), {"gate"}),
        (CaseFilters(stage="stage2"), {"noise"}),
        (CaseFilters(status="closed"), {"gate"}),
        (CaseFilters(handler="handler"), {"leak", "lift"}),
        (CaseFilters(organisation="southern-housing-2020"), {"lift"}),
        (CaseFilters(service_area="Repairs"), {"leak"}),
        (CaseFilters(flags=("safeguarding",)), {"leak", "lift"}),
        (CaseFilters(flags=("health_and_safety", "vulnerability")), {"boiler"}),
        (CaseFilters(flags=("conduct",)), {"rude"}),
        (CaseFilters(flags=("anonymous",)), {"quiet"}),
        (
            CaseFilters(flags=("no such flag",)),
            {"leak", "boiler", "gate", "noise", "rude", "lift", "quiet"},
        ),
        (CaseFilters(due="overdue"), {"leak"}),
        (CaseFilters(due="today"), {"boiler"}),
        (CaseFilters(due="week"), {"boiler", "rude", "lift"}),
        (CaseFilters(due="fortnight"), {"boiler", "rude", "lift", "noise"}),
        (CaseFilters(overdue=True), {"leak"}),
        (CaseFilters(overdue=False), {"boiler", "gate", "noise", "rude", "lift", "quiet"}),
        (CaseFilters(due_before=day(3)), {"leak", "boiler", "rude"}),
        (
            CaseFilters(due_before=datetime.date.max),
            {"leak", "boiler", "noise", "rude", "lift", "quiet"},
        ),
        (CaseFilters(text="SO14 7FF"), {"leak", "rude", "lift"}),
        (CaseFilters(text="so147ff"), {"leak", "rude", "lift"}),
        (CaseFilters(text="  jordan "), {"leak", "rude", "lift"}),
        (CaseFilters(text="REPAIRED"), {"boiler"}),
        (CaseFilters(kind="complaint", due="week", flags=("safeguarding",)), {"lift"}),
    ],
)
def test_the_selector_narrows_by_every_filter(readers, made, filters, expected):
    # The complaints manager sees every case, the restricted one too.
    assert references(case_list(user=readers["manager"], filters=filters), made) == expected


def test_the_selector_applies_what_the_reader_may_see(readers, made):
    everything = set(made)
    assert references(case_list(user=readers["manager"]), made) == everything
    # A complaint handler not named on the case about staff conduct does not see it ...
    assert references(case_list(user=readers["handler"]), made) == everything - {"rude"}
    assert (
        references(case_list(user=readers["colleague"]), made) == everything
    )  # ... its handler does
    # A panel member sees only the case put to the panel.
    assert references(case_list(user=readers["panel"]), made) == {"boiler"}
    assert not case_list(user=User.objects.create_user("nobody")).exists()


def test_a_postcode_finds_cases_only_where_the_reader_may_see_contact_details(readers, made):
    by_postcode = CaseFilters(text="L24 1AA")
    assert references(case_list(user=readers["manager"], filters=by_postcode), made) == {
        "boiler",
        "gate",
    }
    # The panel member sees the boiler case, not its customer's postcode: no search confirms it.
    assert not case_list(user=readers["panel"], filters=by_postcode).exists()
    # By words of its summary, they find it.
    found = case_list(user=readers["panel"], filters=CaseFilters(text="boiler"))
    assert references(found, made) == {"boiler"}


def test_the_due_windows_count_from_today(readers, made, clock):
    clock(2026, 3, 12, 9)  # three days on: the restricted case falls due today
    assert references(
        case_list(user=readers["manager"], filters=CaseFilters(due="today")), made
    ) == {"rude"}
    overdue = case_list(user=readers["manager"], filters=CaseFilters(due="overdue"))
    assert references(overdue, made) == {"leak", "boiler"}


def test_the_flags_filter_declares_every_flag_a_case_can_carry():
    assert set(FLAG_FIELDS) == {f.name for f in Case._meta.get_fields() if f.name in FLAG_FIELDS}
    assert len(FLAG_FIELDS) == 5


# -- the API and the staff queue agree ---------------------------------------------------


#: Filters in the API's parameter names; the queue calls ``q`` ``text``.
FILTERS: list[dict[str, Any]] = [
    {},
    {"kind": "complaint"},
    {"kind": "service_request"},
    {"stage": "stage2"},
    {"stage": "stage1"},
    {"status": "closed"},
    {"status": "open"},
    {"handler": "handler"},
    {"handler": "colleague"},
    {"organisation": "hos-code-2024"},
    {"organisation": "southern-housing-2020"},
    {"service_area": "Repairs"},
    {"flags": ["safeguarding"]},
    {"flags": ["health_and_safety", "vulnerability"]},
    {"flags": ["conduct"]},
    {"flags": ["anonymous"]},
    {"due": "overdue"},
    {"due": "today"},
    {"due": "week"},
    {"due": "fortnight"},
    {"q": "SO14 7FF"},
    {"q": "so147ff"},
    {"q": "L24 1AA"},
    {"q": "jordan"},
    {"q": "rude"},
    {"q": "nobody called"},
    {"q": "no such thing"},
    {"kind": "complaint", "due": "week", "flags": ["safeguarding"]},
    {"organisation": "hos-code-2024", "q": "SO14 7FF", "status": "open"},
    {"handler": "handler", "due": "fortnight", "service_area": "Repairs and Maintenance"},
]


def from_the_api(user: User, params: dict[str, Any]) -> list[str]:
    response = api_for(user).get("/cases", params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next_cursor"] is None
    return [c["reference"] for c in body["results"]]


def from_the_queue(user: User, params: dict[str, Any]) -> list[str] | None:
    """The references the queue shows, or None when its form does not offer a value to this
    reader (another landlord's slug): it says so beside the field."""
    client = Client()
    client.force_login(user)
    query = {("text" if k == "q" else k): v for k, v in params.items()} or {"all": "1"}
    page = client.get("/cases/", query)
    assert page.status_code == 200
    tree = parse(page.content)
    if list(tree.find_all(cls="govuk-error-message")):
        return None
    shown = [a.text for a in tree.find("table").find("tbody").find_all("a")]
    assert f"{len(shown)} case" in page.text  # every match on one page
    return shown


@pytest.mark.parametrize("reader", ["handler", "manager", "panel"])
def test_the_api_and_the_queue_answer_the_same_cases_for_the_same_filters(readers, made, reader):
    user = readers[reader]
    answered: dict[str, int] = {}
    for params in FILTERS:
        api = from_the_api(user, params)
        queue = from_the_queue(user, params)
        if queue is None:  # a filter the page does not offer this reader finds nothing
            assert reader == "panel"
            assert api == [], params
            continue
        assert sorted(api) == sorted(queue), params
        assert len(set(api)) == len(api)
        # Both are the selector's answer.
        expected = case_list(user=user, filters=_as_filters(params))
        assert set(api) == set(expected.values_list("reference", flat=True)), params
        answered[str(params)] = len(api)
    # The filters found something, and not always everything.
    assert any(answered.values())
    assert len(set(answered.values())) > 1
    restricted = made["rude"].reference
    assert (restricted in from_the_api(user, {})) == (reader == "manager")


def _as_filters(params: dict[str, Any]) -> CaseFilters:
    values = dict(params)
    return CaseFilters(text=values.pop("q", ""), flags=tuple(values.pop("flags", ())), **values)
