"""Awards from proposal to payment under each pack's compensation rules."""

import pytest

from putright.accounts.models import Membership, User
from putright.cases.errors import CaseInputError, CaseStateError, PolicyRuleError
from putright.cases.models import CaseMember, EventKind
from putright.cases.services import Actor, case_acknowledge, case_escalate, case_respond
from putright.remedies.models import AwardStatus, RemedyKind
from putright.remedies.services import (
    ComponentIn,
    action_add,
    action_complete,
    actions_sweep,
    award_answer,
    award_decide,
    award_offer,
    award_pay,
    award_propose,
    remedy_record,
)
from tests.conftest import at

pytestmark = pytest.mark.django_db


def member(username, organisation, *roles):
    user = User.objects.create_user(username)
    for role in roles:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def responded_case(receive, clock, pack, *, outcome="upheld", escalate=False):
    clock(2026, 3, 2, 9)
    case = receive(pack, received_at=at(2026, 3, 2, 9))
    handler = case.events.first().actor
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 10, 9)
    case = case_respond(case=case, actor=Actor(handler), outcome=outcome, text="Reasons")
    if escalate:
        clock(2026, 3, 12, 9)
        case = case_escalate(case=case, actor=Actor(handler), reasons="Still unhappy")
    return case


def distress(pence, band):
    return ComponentIn(kind="time_trouble_distress", amount_pence=pence, band=band)


def test_slh_stage1_award_within_the_managers_limit_is_approved_at_once(receive, clock):
    case = responded_case(receive, clock, "south-liverpool-homes-2021")
    manager = member("cm", case.organisation, "complaints_manager")

    award = award_propose(
        case=case,
        actor=Actor(manager),
        components=[distress(5000, "medium")],
        reasoning="Two missed visits.",
    )

    assert (award.status, award.total_pence) == (AwardStatus.APPROVED, 5000)
    assert case.events.filter(kind=EventKind.AWARD_PROPOSED).get().data["total"] == "£50"


def test_slh_stage1_award_above_five_hundred_pounds_is_refused(receive, clock):
    case = responded_case(receive, clock, "south-liverpool-homes-2021")
    manager = member("cm", case.organisation, "complaints_manager")

    with pytest.raises(PolicyRuleError) as refused:
        award_propose(
            case=case,
            actor=Actor(manager),
            components=[distress(60000, "high")],
            reasoning="Serious.",
        )
    assert refused.value.rule == "compensation.authority"


def test_slh_band_limits_are_enforced(receive, clock):
    case = responded_case(receive, clock, "south-liverpool-homes-2021")
    manager = member("cm", case.organisation, "complaints_manager")

    with pytest.raises(PolicyRuleError, match="outside the Low level"):
        award_propose(
            case=case, actor=Actor(manager), components=[distress(2500, "low")], reasoning="x"
        )


def test_slh_stage2_award_waits_for_emt_then_can_be_offered_accepted_and_paid_with_arrears_offset(
    receive, clock
):
    case = responded_case(
        receive, clock, "south-liverpool-homes-2021", outcome="not_upheld", escalate=True
    )
    panel = member("panel", case.organisation, "panel_member")
    CaseMember.objects.create(case=case, user=panel, role="panel_member")  # put to the panel
    handler = member("h2", case.organisation, "complaint_handler")
    emt = member("emt", case.organisation, "senior_manager")

    award = award_propose(
        case=case,
        actor=Actor(panel),
        components=[
            distress(30000, "high"),
            ComponentIn(
                kind="financial_loss",
                amount_pence=12550,
                description="Ruined carpet",
                evidence="Receipt",
            ),
        ],
        reasoning="Months of damp and a ruined carpet.",
    )
    assert (award.status, award.approval_by, award.total_pence) == (
        AwardStatus.PENDING_APPROVAL,
        "emt",
        42550,
    )

    with pytest.raises(CaseStateError, match="not been approved"):
        award_offer(award=award, actor=Actor(handler))
    with pytest.raises(PolicyRuleError, match="may approve"):
        award_decide(award=award, actor=Actor(handler), approve=True)

    award = award_decide(award=award, actor=Actor(emt), approve=True)
    award = award_offer(award=award, actor=Actor(handler))
    award = award_answer(award=award, actor=Actor(handler), accepted=True)
    award = award_pay(
        award=award, actor=Actor(handler), method="rent_credit", arrears_offset_pence=10000
    )

    assert (award.status, award.paid_pence, award.arrears_offset_pence) == (
        AwardStatus.PAID,
        32550,
        10000,
    )
    paid = case.events.get(kind=EventKind.AWARD_PAID)
    assert paid.data["tell_customer_of_offset"] is True
    with pytest.raises(CaseStateError, match="already paid"):
        award_pay(award=award, actor=Actor(handler), method="rent_credit")


def test_a_refused_approval_cannot_be_offered_or_paid(receive, clock):
    case = responded_case(
        receive, clock, "south-liverpool-homes-2021", outcome="not_upheld", escalate=True
    )
    panel = member("panel", case.organisation, "panel_member")
    CaseMember.objects.create(case=case, user=panel, role="panel_member")  # put to the panel
    emt = member("emt", case.organisation, "senior_manager")
    award = award_propose(
        case=case, actor=Actor(panel), components=[distress(20000, "high")], reasoning="x"
    )

    award = award_decide(award=award, actor=Actor(emt), approve=False, note="Too high")

    assert award.status == AwardStatus.REJECTED
    with pytest.raises(CaseStateError, match="refused"):
        award_offer(award=award, actor=Actor(emt))
    with pytest.raises(CaseStateError, match="refused"):
        award_pay(award=award, actor=Actor(emt), method="bank_transfer")


def test_southern_pays_only_after_acceptance_and_a_refusal_opens_the_compensation_review(
    receive, clock
):
    case = responded_case(receive, clock, "southern-housing-2020")
    handler = member("crm", case.organisation, "complaint_handler")
    award = award_propose(
        case=case,
        actor=Actor(handler),
        components=[ComponentIn(kind="goodwill", amount_pence=2500)],
        reasoning="Sorry.",
    )
    award = award_offer(award=award, actor=Actor(handler))

    with pytest.raises(PolicyRuleError) as early:
        award_pay(award=award, actor=Actor(handler), method="bank_transfer")
    assert early.value.rule == "compensation.payment_after_acceptance"

    award = award_answer(award=award, actor=Actor(handler), accepted=False, note="Not enough")
    refused = case.events.get(kind=EventKind.AWARD_REFUSED)
    assert refused.data["opens_route"] == "compensation_review"
    with pytest.raises(CaseStateError, match="refused this offer"):
        award_pay(award=award, actor=Actor(handler), method="bank_transfer")


def test_southern_does_not_offset_arrears(receive, clock):
    case = responded_case(receive, clock, "southern-housing-2020")
    handler = member("crm", case.organisation, "complaint_handler")
    award = award_propose(
        case=case,
        actor=Actor(handler),
        components=[ComponentIn(kind="goodwill", amount_pence=2500)],
        reasoning="x",
    )
    award = award_answer(
        award=award_offer(award=award, actor=Actor(handler)), actor=Actor(handler), accepted=True
    )

    with pytest.raises(PolicyRuleError, match="does not offset"):
        award_pay(
            award=award, actor=Actor(handler), method="bank_transfer", arrears_offset_pence=100
        )


@pytest.mark.parametrize(("days", "pence"), [(0, 1000), (20, 5000), (30, 5000)])
def test_rooftop_right_to_repair_amounts_at_the_edges_and_full_and_final(
    receive, clock, days, pence
):
    case = responded_case(receive, clock, "rooftop-2023")
    handler = member("h", case.organisation, "complaint_handler")

    award = award_propose(
        case=case,
        actor=Actor(handler),
        components=[ComponentIn(kind="statutory", days_late=days)],
        reasoning="Repair late",
    )

    assert award.total_pence == pence
    assert award.full_and_final is True
    assert award.components.get().amount_pence == pence


def test_a_financial_loss_needs_evidence(receive, clock):
    case = responded_case(receive, clock, "hos-code-2024")
    handler = member("h", case.organisation, "complaint_handler")

    with pytest.raises(CaseInputError) as missing:
        award_propose(
            case=case,
            actor=Actor(handler),
            components=[ComponentIn(kind="financial_loss", amount_pence=1000)],
            reasoning="x",
        )
    assert "components[0].evidence" in missing.value.fields


def test_remedies_and_overdue_actions_alert_owner_and_handler_once(receive, clock):
    case = responded_case(receive, clock, "southern-housing-2020")
    handler = member("crm", case.organisation, "complaint_handler")
    owner = member("repairs", case.organisation, "investigating_officer")
    remedy = remedy_record(
        case=case, actor=Actor(handler), kind=RemedyKind.APOLOGY, description="We apologise."
    )
    clock(2026, 3, 11, 9)
    action = action_add(
        case=case,
        actor=Actor(handler),
        description="Replace the window",
        owner=owner,
        due_on=at(2026, 3, 20).date(),
        remedy=remedy,
    )

    clock(2026, 3, 23, 7)
    assert actions_sweep() == 1
    assert actions_sweep() == 0
    alert = case.events.get(kind=EventKind.ACTION_OVERDUE)
    assert owner.pk in alert.data["notify_user_ids"]
    assert alert.data["follow_up"] == ["contact_customer", "review_compensation"]  # Southern 4.4.3

    clock(2026, 3, 24, 9)
    action = action_complete(action=action, actor=Actor(owner), evidence="Job sheet 123")
    assert case.events.get(kind=EventKind.ACTION_COMPLETED).data["late"] is True


def test_the_offer_letter_states_the_amount_the_parts_and_the_rationale(receive, clock):
    import io

    from pypdf import PdfReader

    from putright.letters.services import letter_send

    case = responded_case(receive, clock, "rooftop-2023")
    handler = member("h", case.organisation, "complaint_handler")
    award = award_propose(
        case=case,
        actor=Actor(handler),
        components=[
            ComponentIn(kind="statutory", days_late=7),
            ComponentIn(kind="goodwill", amount_pence=2550),
        ],
        reasoning="The repair was a week late and you had to chase us twice.",
    )
    award_offer(award=award, actor=Actor(handler))
    offered = case.events.get(kind=EventKind.AWARD_OFFERED)

    letter = letter_send(case=case, sequence=offered.sequence, actor=Actor(handler))

    letter.pdf.open("rb")
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(letter.pdf.read())).pages
    )
    assert "£49.50" in text  # £24 (Right to Repair, 7 days late) + £25.50 goodwill
    assert "£24" in text
    assert "£25.50" in text
    assert "you had to chase us twice" in text
    assert "full and final settlement" in text  # Rooftop 10.4
