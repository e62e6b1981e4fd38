"""Recording losses and proposing an award beside the Ombudsman's figure, as a handler does.

The Housing Ombudsman's Guidance on remedies, for the compensation it orders from 1 April
2026 (pack hos-remedies-2026): £15 a day for a complete loss of heating and £15 for each
missed appointment. 6 days without heating and one missed appointment: £105.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from putright.accounts.models import Role, User
from putright.cases.models import Case, EventKind
from putright.remedies.models import Award, Loss

from .conftest import give_role
from .html import parse, radio_values
from .test_remedies_pages import SLH, field_error, received, summary_errors, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _november(clock):
    clock(2026, 11, 20, 12)


@pytest.fixture
def slh_case(organisation_on, caseworker, complaints_manager) -> Case:
    org = organisation_on(SLH)
    give_role(caseworker, org, Role.COMPLAINT_HANDLER)
    give_role(complaints_manager, org, Role.COMPLAINTS_MANAGER)
    return received(org, caseworker)


def record(client, case: Case, **values: str):
    version = str(Case.objects.get(pk=case.pk).version)
    return client.post(url("loss-record", case), {"version": version, **values})


def test_a_loss_is_recorded_and_shown_on_the_calculator(client, caseworker, slh_case):
    client.force_login(caseworker)
    page = parse(client.get(url("loss-record", slh_case)).content)
    assert radio_values(page, "kind") == [
        "heating_complete",
        "heating_or_hot_water",
        "power_complete",
        "lighting",
        "missed_appointment",
    ]

    sent = record(
        client, slh_case, kind="heating_complete", started_on="2026-11-01", ended_on="2026-11-06"
    )
    assert sent.status_code == 302
    assert sent["Location"] == url("award-propose", slh_case)
    record(client, slh_case, kind="missed_appointment", started_on="03/11/2026")

    page = parse(client.get(url("award-propose", slh_case)).content)
    figure = page.find(id="ombudsman-figure").text
    assert "£105" in figure
    assert "Complete loss of heating: 6 days at £15 = £90" in figure
    assert "Missed appointment: 1 occasion at £15 = £15" in figure
    assert "hos-remedies-2026: fixed_sums" in figure
    assert "Guidance on remedies" in figure
    # Beside the landlord's own band.
    assert "The policy's band" in page.find(id="suggestion").text
    assert "1 November 2026 to 6 November 2026" in page.text
    assert Loss.objects.filter(case=slh_case).count() == 2
    assert slh_case.events.filter(kind=EventKind.NOTE, data__loss="heating_complete").exists()


def test_a_bad_loss_is_a_form_error_beside_the_field(client, caseworker, slh_case):
    client.force_login(caseworker)
    sent = record(
        client, slh_case, kind="heating_complete", started_on="2026-11-06", ended_on="2026-11-01"
    )
    assert sent.status_code == 400
    page = parse(sent.content)
    assert "The loss cannot end before it started." in field_error(page, "id_ended_on")
    assert "There is a problem" in summary_errors(page)

    sent = record(client, slh_case, kind="heating_complete", started_on="sometime")
    assert sent.status_code == 400
    assert "Enter a valid date, like 2026-03-01." in field_error(
        parse(sent.content), "id_started_on"
    )
    assert not Loss.objects.exists()


def propose(client, case: Case, pounds: str, **extra: str):
    version = str(Case.objects.get(pk=case.pk).version)
    return client.post(
        url("award-propose", case),
        {
            "version": version,
            "rows": "1",
            "occasions": "1",
            "months_affected": "0",
            "reasoning": "Six days without heating and a missed visit.",
            "components-0-kind": "goodwill",
            "components-0-amount": pounds,
            "propose": "1",
            **extra,
        },
    )


def test_an_award_below_the_figure_is_warned_about_and_the_override_recorded(
    client, caseworker, complaints_manager, slh_case
):
    client.force_login(caseworker)
    record(
        client, slh_case, kind="heating_complete", started_on="2026-11-01", ended_on="2026-11-06"
    )
    record(client, slh_case, kind="missed_appointment", started_on="2026-11-03")
    client.force_login(complaints_manager)

    sent = propose(client, slh_case, "50.00")
    assert sent.status_code == 400
    page = parse(sent.content)
    summary = summary_errors(page)
    assert "£50 is below the Ombudsman's figure of £105" in summary
    assert "hos-remedies-2026: fixed_sums" in summary
    assert "offering less than the Ombudsman's figure of £105" in field_error(
        page, "id_below_guidance_reason"
    )
    assert not Award.objects.exists()

    sent = propose(
        client, slh_case, "50.00", below_guidance_reason="A heater was lent from the first day."
    )
    assert sent.status_code == 302, summary_errors(parse(sent.content))
    award = Award.objects.get()
    assert award.below_guidance_reason == "A heater was lent from the first day."
    assert award.guidance["total_pence"] == 10500
    case_page = client.get(reverse("staff:case", args=[slh_case.reference])).content.decode()
    assert "Below the Ombudsman&#x27;s figure of £105" in case_page


def test_recording_a_loss_needs_the_remedy_role(client, slh_case):
    board = give_role(User.objects.create_user("board"), slh_case.organisation, Role.BOARD_MEMBER)
    client.force_login(board)
    assert client.get(url("loss-record", slh_case)).status_code == 404  # the board sees no case
    assert (
        record(client, slh_case, kind="heating_complete", started_on="2026-11-01").status_code
        == 404
    )
    assert not Loss.objects.exists()


def test_the_approver_sees_the_figure_and_the_reason(client, caseworker, slh_case):
    """The Ombudsman's figure (Guidance on remedies, from 1 April 2026) and the proposer's
    reason for going below it are on the approval card."""
    from putright.cases.services import Actor
    from putright.remedies.services import ComponentIn, award_propose, loss_record

    loss_record(
        case=slh_case,
        actor=Actor(caseworker),
        kind="heating_complete",
        started_on=datetime.date(2026, 11, 1),
        ended_on=datetime.date(2026, 11, 6),
    )
    award = award_propose(
        case=Case.objects.get(pk=slh_case.pk),
        actor=Actor(caseworker),
        components=[ComponentIn(kind="time_trouble_distress", amount_pence=5000, band="medium")],
        reasoning="Cold for a week.",
        below_guidance_reason="A heater was lent.",
    )
    assert award.approval_by  # above a handler's authority: it waits for a decision
    approver = give_role(
        User.objects.create_user("cm2"), slh_case.organisation, Role.COMPLAINTS_MANAGER
    )
    client.force_login(approver)
    page = client.get(reverse("staff:approvals")).content.decode()
    assert "£90 for the losses recorded" in page
    assert "The proposer's reason: A heater was lent." in page
    assert "hos-remedies-2026: fixed_sums" in page


def test_a_loss_recorded_in_error_is_withdrawn_from_the_calculator(client, caseworker, slh_case):
    client.force_login(caseworker)
    record(
        client, slh_case, kind="heating_complete", started_on="2026-11-01", ended_on="2026-11-06"
    )
    loss = Loss.objects.get()
    page = parse(client.get(url("award-propose", slh_case)).content)
    assert "£90" in page.find(id="ombudsman-figure").text
    withdraw = url("loss-withdraw", slh_case, loss.pk)
    assert page.find("a", href=withdraw) is not None

    form = parse(client.get(withdraw).content)
    assert "Complete loss of heating" in form.text
    version = str(Case.objects.get(pk=slh_case.pk).version)
    blank = client.post(withdraw, {"version": version, "reason": ""})
    assert blank.status_code == 400
    assert "Say why the loss was recorded in error." in field_error(
        parse(blank.content), "id_reason"
    )

    sent = client.post(withdraw, {"version": version, "reason": "Wrong case"})
    assert sent.status_code == 302
    assert sent["Location"] == url("award-propose", slh_case)
    page = parse(client.get(url("award-propose", slh_case)).content)
    assert "No losses recorded" in page.text
    assert client.get(withdraw).status_code == 404  # nothing left to withdraw
