"""Compensation against the Ombudsman's remedies guidance: offers beside its figure by stage
and service area, and how often stage 2 raised an award made at stage 1.

The figure is the Housing Ombudsman's Guidance on remedies (pack hos-remedies-2026), for
compensation it orders from 1 April 2026: £15 a day for a complete loss of heating and £15
for each missed appointment, so 6 days without heating and a missed appointment is £105.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client

from putright.accounts.models import Membership, Role, User
from putright.cases.models import Case
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_escalate,
    case_receive,
    case_respond,
)
from putright.organisations.services import organisation_create
from putright.people.models import Person
from putright.remedies.services import ComponentIn, award_offer, award_propose, loss_record
from putright.reports.guidance import (
    AwardAt,
    Offer,
    offers_against_guidance,
    stage2_raises,
)

UTC = datetime.UTC
D = datetime.date


# -- the figures, from plain rows ----------------------------------------------------------


def offer(case_id, stage, area, total, figure, case_total=None):
    return Offer(
        case_id=case_id,
        stage=stage,
        service_area=area,
        total_pence=total,
        figure_pence=figure,
        case_total_pence=total if case_total is None else case_total,
        reason="",
    )


def test_offers_by_stage_and_service_area_against_the_figure():
    rows = offers_against_guidance(
        [
            offer(1, "stage1", "repairs", 5000, 10500),  # £55 short of £105
            offer(2, "stage1", "repairs", 10500, 10500),  # at the figure
            offer(3, "stage2", "repairs", 6000, 10500, case_total=11000),  # with stage 1's £50
            offer(4, "stage1", "lettings", 2000, None),  # no guidance when proposed
        ]
    )
    table = [
        (r.stage, r.service_area, r.offers, r.with_figure, r.below, r.shortfall_pence) for r in rows
    ]
    assert table == [
        ("stage1", "lettings", 1, 0, 0, 0),
        ("stage1", "repairs", 2, 2, 1, 5500),
        ("stage2", "repairs", 1, 1, 0, 0),
        ("all", "", 4, 3, 1, 5500),
    ]
    assert rows[1].below_percent == 50.0
    assert rows[-1].offered_pence == 5000 + 10500 + 6000 + 2000


def test_how_often_stage_2_raised_a_stage_1_award():
    found = stage2_raises(
        [
            AwardAt(1, "stage1", 5000),
            AwardAt(1, "stage2", 5500),  # raised
            AwardAt(2, "stage1", 10500),  # answered at stage 2, nothing more
            AwardAt(3, "stage2", 2000),  # no stage 1 award: not counted
        ],
        answered_at_stage2=[1, 2, 3],
    )
    assert (found.answered, found.raised, found.added_pence, found.percent) == (2, 1, 5500, 50.0)
    assert found.raised_case_ids == [1]


# -- through the services and the page -------------------------------------------------------

pytestmark = pytest.mark.django_db


def person(username, organisation, *roles):
    user = User.objects.create_user(username, display_name=username.title())
    for role in roles:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def year(clock):
    """Code Homes, on the Code's own pack. One case, received 2 November 2026: 6 days
    without heating and a missed appointment recorded; £50 offered at stage 1 with a reason
    for going below the Ombudsman's £105; escalated; £55 more offered at stage 2; answered."""
    clock(2026, 11, 2, 9)
    org = organisation_create(slug="code-homes", name="Code Homes", policy_pack="hos-code-2024")
    handler = person("hana", org, Role.COMPLAINT_HANDLER)
    other = person("olu", org, Role.COMPLAINTS_MANAGER)
    customer = Person.objects.create(organisation=org, name="Pat Resident", postcode="L24 1AA")
    case = case_receive(
        organisation=org,
        kind="complaint",
        channel="phone",
        received_at=datetime.datetime(2026, 11, 2, 9, tzinfo=UTC),
        summary="No heating for a week",
        service_area="Repairs",
        actor=Actor(handler),
        customer=customer,
    )
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 11, 9, 9)
    loss_record(
        case=case,
        actor=Actor(handler),
        kind="heating_complete",
        started_on=D(2026, 11, 1),
        ended_on=D(2026, 11, 6),
    )
    loss_record(
        case=Case.objects.get(pk=case.pk),
        actor=Actor(handler),
        kind="missed_appointment",
        started_on=D(2026, 11, 3),
    )
    goodwill = [ComponentIn(kind="goodwill", amount_pence=5000)]
    first = award_propose(
        case=Case.objects.get(pk=case.pk),
        actor=Actor(handler),
        components=goodwill,
        reasoning="For the cold.",
        below_guidance_reason="A heater was lent on day one.",
    )
    award_offer(award=first, actor=Actor(handler))
    case = case_respond(
        case=Case.objects.get(pk=case.pk), actor=Actor(handler), outcome="upheld", text="Sorry"
    )
    clock(2026, 11, 16, 9)
    case = case_escalate(case=case, actor=Actor(handler), reasons="Not enough")
    case = case_acknowledge(case=case, actor=Actor(other))
    second = award_propose(
        case=Case.objects.get(pk=case.pk),
        actor=Actor(other),
        components=[ComponentIn(kind="goodwill", amount_pence=5500)],
        reasoning="The rest of the Ombudsman's figure.",
    )
    award_offer(award=second, actor=Actor(other))
    case_respond(
        case=Case.objects.get(pk=case.pk), actor=Actor(other), outcome="upheld", text="Sorry"
    )
    clock(2026, 12, 1, 9)
    return org


PARAMS = {"organisation": "code-homes", "start": "2026-04-01", "end": "2027-03-31"}


def signed_in(organisation, role: str) -> Client:
    client = Client()
    client.force_login(person(f"reader-{role}", organisation, role))
    return client


def test_the_page_sets_offers_beside_the_figure_and_stage_2s_raise(year):
    page = signed_in(year, Role.COMPLAINTS_MANAGER).get("/reports/ombudsman-remedies/", PARAMS)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Offers against the Ombudsman's figure, by stage and service area" in text
    # Stage 1: £50 offered, £55 short of £105; stage 2: £55 more, the case then at £105.
    assert "£55.00" in text
    assert "stage 2 offered more in <strong>1</strong> (100.0%), adding £55.00 in all" in text


def test_the_csv_is_recorded_as_an_export(year):
    client = signed_in(year, Role.BOARD_MEMBER)
    response = client.get("/reports/ombudsman-remedies/", {**PARAMS, "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["stage", "service_area", "offers"]
    assert ["stage1", "Repairs", "1", "5000", "1", "1", "5500"] in rows
    assert ["stage2", "Repairs", "1", "5500", "1", "0", "0"] in rows
    assert rows[-1] == ["1", "1", "5500"]
    from putright.accounts.models import AccessLog

    assert AccessLog.objects.filter(action="exported a report").exists()


def test_who_may_read_it(year):
    handler = signed_in(year, Role.COMPLAINT_HANDLER)
    assert handler.get("/reports/ombudsman-remedies/", PARAMS).status_code == 403
    board = signed_in(year, Role.BOARD_MEMBER)
    page = board.get("/reports/ombudsman-remedies/", PARAMS).content.decode()
    assert "Cases offered less than the figure" not in page  # no case links for the board
    assert (
        board.get("/reports/ombudsman-remedies/", {**PARAMS, "organisation": "nope"}).status_code
        == 404
    )
    assert board.get("/reports/ombudsman-remedies/", {**PARAMS, "start": "soon"}).status_code == 400


def test_the_command_prints_the_table_and_the_csv(year):
    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "report",
        "remedies",
        "--organisation",
        "code-homes",
        "--start",
        "2026-04-01",
        "--end",
        "2027-03-31",
        stdout=out,
    )
    text = out.getvalue()
    assert "Compensation against the Ombudsman's guidance: Code Homes" in text
    assert "stage 2 offered more in 1, adding £55" in text
    out = io.StringIO()
    call_command(
        "report",
        "remedies",
        "--organisation",
        "code-homes",
        "--start",
        "2026-04-01",
        "--end",
        "2027-03-31",
        "--format",
        "csv",
        stdout=out,
    )
    assert "stage1,Repairs,1,5000,1,1,5500" in out.getvalue()


def test_the_command_refuses_a_backward_period(year):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="must end on or after"):
        call_command(
            "report",
            "remedies",
            "--organisation",
            "code-homes",
            "--start",
            "2027-04-01",
            "--end",
            "2026-03-31",
        )
