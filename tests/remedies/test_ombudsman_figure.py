"""The Ombudsman's figure beside the landlord's band, and the warning on an award below it.

From 1 April 2026 the Housing Ombudsman orders compensation under its own Guidance on
remedies (pack ``hos-remedies-2026``), with fixed sums for some losses: £15 a day for a
complete loss of heating and £15 for each missed appointment among them. A case with 6 days
of complete loss of heating and one missed appointment has the figure 6 x £15 + £15 = £105.
An award that leaves the case below it is refused naming the guidance's rule unless the
proposer says why; the reason is recorded with the award and in the chronology.
"""

import datetime

import pytest

from putright.accounts.access import AccessDeniedError
from putright.accounts.models import User
from putright.cases.errors import CaseInputError, CaseStateError, PolicyRuleError
from putright.cases.models import Case, EventKind
from putright.cases.services import Actor
from putright.remedies.guidance import case_figure
from putright.remedies.models import AwardStatus, Loss
from putright.remedies.services import (
    award_propose,
    loss_record,
    loss_withdraw,
)

from .test_awards import distress, member, responded_case

pytestmark = pytest.mark.django_db

SLH = "south-liverpool-homes-2021"
D = datetime.date
RULE = "hos-remedies-2026: fixed_sums"
GUIDANCE = "Housing Ombudsman Service, Guidance on remedies"


@pytest.fixture
def case_with_losses(receive, clock):
    """A case answered at stage 1, seen on 20 November 2026 with 6 days of complete loss
    of heating (1 to 6 November) and one missed appointment (3 November) recorded."""
    case = responded_case(receive, clock, SLH)
    clock(2026, 11, 20, 10)
    handler = member("recorder", case.organisation, "complaint_handler")
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
        description="Engineer did not attend",
    )
    return Case.objects.get(pk=case.pk)


def test_six_days_without_heating_and_a_missed_appointment_give_105_pounds(case_with_losses):
    figure = case_figure(case_with_losses, D(2026, 11, 20))
    assert figure is not None
    assert figure.total_pence == 10500  # 6 x £15 + £15
    assert figure.rule == RULE
    assert figure.source.startswith(GUIDANCE)


def test_recording_a_loss_is_an_event(case_with_losses):
    notes = [e.data for e in case_with_losses.events.filter(kind=EventKind.NOTE)]
    assert [n["loss"] for n in notes] == ["heating_complete", "missed_appointment"]
    assert notes[0]["text"] == (
        "Loss recorded: complete loss of heating, Sun 1 Nov 2026 to Fri 6 Nov 2026 (6 days)."
    )
    assert notes[1]["ended_on"] is None
    assert Loss.objects.filter(case=case_with_losses).count() == 2


def test_an_award_below_the_figure_is_refused_naming_the_rule(case_with_losses):
    manager = member("cm", case_with_losses.organisation, "complaints_manager")
    with pytest.raises(PolicyRuleError) as refused:
        award_propose(
            case=case_with_losses,
            actor=Actor(manager),
            components=[distress(5000, "medium")],
            reasoning="Two missed visits.",
        )
    error = refused.value
    assert error.rule == RULE
    assert error.source.startswith(GUIDANCE)
    assert error.message.startswith("£50 is below the Ombudsman's figure of £105")
    assert "Complete loss of heating: 6 days at £15 = £90" in error.message
    assert set(error.fields) == {"below_guidance_reason"}
    assert not case_with_losses.awards.exists()


def test_the_override_with_a_reason_is_recorded(case_with_losses):
    manager = member("cm", case_with_losses.organisation, "complaints_manager")
    award = award_propose(
        case=case_with_losses,
        actor=Actor(manager),
        components=[distress(5000, "medium")],
        reasoning="Two missed visits.",
        below_guidance_reason="The customer refused two earlier repair slots.",
    )
    assert award.below_guidance_reason == "The customer refused two earlier repair slots."
    assert award.guidance["total_pence"] == 10500
    assert award.guidance["rule"] == RULE
    assert [line["rule"] for line in award.guidance["lines"]] == [
        "heating_complete",
        "missed_appointment",
    ]
    event = award.case.events.filter(kind=EventKind.AWARD_PROPOSED).get()
    assert event.data["below_guidance"] is True
    assert event.data["guidance"] == RULE
    assert event.data["guidance_total_pence"] == 10500
    assert event.data["below_guidance_reason"] == "The customer refused two earlier repair slots."
    assert "Below the Ombudsman's figure of £105" in event.data["explanation"]


def test_an_award_at_the_figure_needs_no_reason(case_with_losses):
    manager = member("cm", case_with_losses.organisation, "complaints_manager")
    award = award_propose(
        case=case_with_losses,
        actor=Actor(manager),
        components=[distress(10500, "high")],
        reasoning="The Ombudsman's fixed sums.",
        below_guidance_reason="ignored: not below",
    )
    assert (award.status, award.below_guidance_reason) == (AwardStatus.APPROVED, "")
    event = award.case.events.filter(kind=EventKind.AWARD_PROPOSED).get()
    assert event.data["below_guidance"] is False


def test_awards_standing_on_the_case_count_towards_the_figure(case_with_losses):
    manager = member("cm", case_with_losses.organisation, "complaints_manager")
    first = award_propose(
        case=case_with_losses,
        actor=Actor(manager),
        components=[distress(5000, "medium")],
        reasoning="First offer.",
        below_guidance_reason="Part now, the rest once the repair is signed off.",
    )
    second = award_propose(
        case=Case.objects.get(pk=case_with_losses.pk),
        actor=Actor(manager),
        components=[distress(5500, "medium")],
        reasoning="The rest.",
    )
    assert first.total_pence + second.total_pence == 10500
    assert second.below_guidance_reason == ""


def test_without_losses_there_is_no_warning(receive, clock):
    case = responded_case(receive, clock, SLH)
    clock(2026, 11, 20, 10)
    manager = member("cm", case.organisation, "complaints_manager")
    award = award_propose(
        case=case, actor=Actor(manager), components=[distress(1000, "low")], reasoning="Small."
    )
    assert award.guidance["total_pence"] == 0
    assert award.below_guidance_reason == ""


def test_before_1_april_2026_no_guidance_applies(receive, clock):
    case = responded_case(receive, clock, SLH)  # proposed in March 2026
    handler = member("recorder", case.organisation, "complaint_handler")
    loss_record(
        case=case,
        actor=Actor(handler),
        kind="heating_complete",
        started_on=D(2026, 3, 1),
        ended_on=D(2026, 3, 6),
    )
    manager = member("cm", case.organisation, "complaints_manager")
    award = award_propose(
        case=Case.objects.get(pk=case.pk),
        actor=Actor(manager),
        components=[distress(1000, "low")],
        reasoning="Small.",
    )
    assert award.guidance == {}


@pytest.mark.parametrize(
    ("kind", "started", "ended", "field"),
    [
        ("boiler", D(2026, 11, 1), None, "kind"),
        ("heating_complete", D(2026, 11, 21), None, "started_on"),
        ("heating_complete", D(2026, 11, 6), D(2026, 11, 1), "ended_on"),
        ("heating_complete", D(2026, 11, 6), D(2026, 11, 30), "ended_on"),
        ("missed_appointment", D(2026, 11, 3), D(2026, 11, 4), "ended_on"),
    ],
)
def test_a_loss_that_cannot_be_is_refused_beside_its_field(
    receive, clock, kind, started, ended, field
):
    case = responded_case(receive, clock, SLH)
    clock(2026, 11, 20, 10)
    with pytest.raises(CaseInputError) as refused:
        loss_record(
            case=case,
            actor=Actor(member("recorder", case.organisation, "complaint_handler")),
            kind=kind,
            started_on=started,
            ended_on=ended,
        )
    assert set(refused.value.fields) == {field}
    assert not Loss.objects.exists()


def test_recording_a_loss_needs_the_remedy_role(receive, clock):
    case = responded_case(receive, clock, SLH)
    board = member("board", case.organisation, "board_member")
    with pytest.raises(AccessDeniedError):
        loss_record(
            case=case, actor=Actor(board), kind="heating_complete", started_on=D(2026, 11, 1)
        )


def test_a_loss_recorded_in_error_is_withdrawn_with_a_reason_and_no_longer_weighed(
    case_with_losses,
):
    handler = User.objects.get(username="recorder")
    heating = Loss.objects.get(case=case_with_losses, kind="heating_complete")
    with pytest.raises(CaseInputError) as refused:
        loss_withdraw(loss=heating, actor=Actor(handler), reason=" ")
    assert set(refused.value.fields) == {"reason"}

    withdrawn = loss_withdraw(loss=heating, actor=Actor(handler), reason="Wrong dates.")

    assert withdrawn.withdrawn_reason == "Wrong dates."
    figure = case_figure(Case.objects.get(pk=case_with_losses.pk), D(2026, 11, 20))
    assert figure is not None
    assert figure.total_pence == 1500  # the missed appointment only
    event = withdrawn.case.events.filter(kind=EventKind.NOTE).last()
    assert event.data["withdrawn"] is True
    assert event.data["text"].startswith("Loss withdrawn: complete loss of heating")
    assert Loss.objects.filter(pk=heating.pk).exists()  # kept, never deleted
    with pytest.raises(CaseStateError):
        loss_withdraw(loss=withdrawn, actor=Actor(handler), reason="Again.")
