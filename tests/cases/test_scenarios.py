"""A complete scenario from each seed policy, through the services, with a controlled clock."""

import datetime

import pytest

from putright.accounts.models import Membership
from putright.cases.errors import NotPermittedError, PolicyRuleError
from putright.cases.models import ClosureReason, Event, EventKind, Status
from putright.cases.selectors import case_deadlines
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_assign,
    case_escalate,
    case_extend,
    case_make_formal,
    case_record_contact,
    case_refuse_escalation,
    case_respond,
    sweep,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def deadline(case, stage, step):
    return next(d for d in case_deadlines(case) if d.stage == stage and d.step == step)


def kinds(case):
    return list(case.events.order_by("sequence").values_list("kind", flat=True))


def test_code_counts_stage1_from_the_acknowledgement_and_stage2_needs_a_new_handler(
    receive, clock, handler, manager
):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case = case_assign(case=case, actor=Actor(manager), handler=handler)
    assert case.next_due_on == D(2026, 3, 9)  # acknowledge within 5 working days

    clock(2026, 3, 4, 11)
    case = case_acknowledge(case=case, actor=Actor(handler))
    assert deadline(case, "stage1", "respond").due == D(2026, 3, 18)  # 10 working days from 4 March
    assert case.next_due_on == D(2026, 3, 18)

    clock(2026, 3, 16, 15)
    case = case_respond(
        case=case, actor=Actor(handler), outcome="partly_upheld", text="We were slow."
    )
    assert case.status == Status.AWAITING_ESCALATION

    clock(2026, 3, 20, 10)
    case = case_escalate(case=case, actor=Actor(handler))
    assert case.stage == "stage2"
    assert deadline(case, "stage2", "acknowledge").due == D(2026, 3, 27)
    with pytest.raises(PolicyRuleError) as refused:
        case_assign(case=case, actor=Actor(manager), handler=handler)
    assert refused.value.rule == "escalation.different_handler"
    case = case_assign(case=case, actor=Actor(manager), handler=manager)
    assert kinds(case) == [
        "received",
        "assigned",
        "acknowledged",
        "responded",
        "escalation_requested",
        "assigned",
    ]


def test_southern_service_dissatisfaction_ladder_chases_then_becomes_a_complaint(receive, clock):
    clock(2026, 3, 2, 10)
    case = receive(
        "southern-housing-2020", kind="dissatisfaction", received_at=clock(2026, 3, 2, 10)
    )
    assert case.stage == "service_dissatisfaction"

    def sweep_on(*day):
        clock(*day, 7)
        sweep()
        case.refresh_from_db()
        return [
            (e.data["action"], tuple(e.data["roles"]))
            for e in case.events.filter(kind=EventKind.CHASED).order_by("sequence")
        ]

    assert sweep_on(2026, 3, 6) == []
    assert sweep_on(2026, 3, 9) == [("remind", ("investigating_officer",))]  # day 5
    chased = sweep_on(2026, 3, 10)  # day 6: line manager, and tell the customer of the delay
    assert ("escalate", ("manager",)) in chased
    assert ("write_to_customer", ()) in chased
    sweep_on(2026, 3, 10)  # a second run the same day adds nothing
    assert len(sweep_on(2026, 3, 10)) == 3
    sweep_on(2026, 3, 18)  # days 10 and 12
    assert case.stage == "service_dissatisfaction"

    sweep_on(2026, 3, 19)  # day 13: made a formal complaint
    assert case.stage == "stage1"
    assert case.kind == "complaint"
    assert kinds(case)[-1] == "made_formal"
    assert deadline(case, "stage1", "acknowledge").due == D(2026, 3, 20)
    assert deadline(case, "stage1", "respond").due == D(2026, 4, 2)


def southern_stage1_response(receive, clock, handler, outcome):
    clock(2026, 3, 2, 10)
    case = receive("southern-housing-2020", received_at=clock(2026, 3, 2, 10))
    case = case_acknowledge(case=case, actor=Actor(handler), occurred_at=clock(2026, 3, 3, 10))
    clock(2026, 3, 12, 10)
    return case_respond(case=case, actor=Actor(handler), outcome=outcome, text="Our findings.")


def test_southern_review_panel_is_only_for_complaints_not_or_partly_upheld(receive, clock, handler):
    case = southern_stage1_response(receive, clock, handler, "upheld")
    clock(2026, 3, 16, 10)

    with pytest.raises(
        PolicyRuleError,
        match="only for cases whose earlier outcome was not upheld or partly upheld",
    ):
        case_escalate(
            case=case, actor=Actor(handler), route="complaint_review_panel", reasons="Still unhappy"
        )

    other = southern_stage1_response(receive, clock, handler, "not_upheld")
    clock(2026, 3, 16, 10)
    other = case_escalate(
        case=other, actor=Actor(handler), route="complaint_review_panel", reasons="Unfair"
    )
    assert (other.stage, other.route) == ("stage2", "complaint_review_panel")
    assert deadline(other, "stage2", "panel_meeting").due == D(
        2026, 4, 10
    )  # 17 working days, Easter skipped
    assert deadline(other, "stage2", "respond").due == D(2026, 4, 15)


def test_southern_compensation_review_is_only_about_compensation(receive, clock, handler):
    case = southern_stage1_response(receive, clock, handler, "upheld")
    clock(2026, 3, 16, 10)

    with pytest.raises(PolicyRuleError, match="only for dissatisfaction about compensation"):
        case_escalate(case=case, actor=Actor(handler), route="compensation_review")

    case = case_escalate(
        case=case,
        actor=Actor(handler),
        route="compensation_review",
        reasons="Too little",
        about=["compensation"],
    )
    assert deadline(case, "stage2", "respond").due == D(2026, 3, 30)  # 10 working days


def test_southern_senior_manager_review_is_open_to_an_upheld_complaint(receive, clock, handler):
    case = southern_stage1_response(receive, clock, handler, "upheld")
    clock(2026, 3, 16, 10)

    case = case_escalate(
        case=case, actor=Actor(handler), route="senior_manager_review", reasons="Not resolved"
    )

    assert deadline(case, "stage2", "review_report").due == D(2026, 3, 24)
    assert deadline(case, "stage2", "respond").due == D(2026, 4, 15)


def test_south_liverpool_homes_closes_the_case_when_the_ten_day_window_lapses(
    receive, clock, handler, manager
):
    clock(2026, 3, 2, 9)
    case = receive("south-liverpool-homes-2021", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler), occurred_at=clock(2026, 3, 3, 9))
    clock(2026, 3, 10, 16)
    case = case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="Reasons.")
    assert deadline(case, "stage1", "escalation_window").due == D(2026, 3, 24)

    clock(2026, 3, 24, 7)
    sweep()
    case.refresh_from_db()
    assert case.status == Status.AWAITING_ESCALATION

    clock(2026, 3, 25, 7)
    sweep()
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (Status.CLOSED, ClosureReason.WINDOW_LAPSED)

    clock(2026, 3, 26, 10)
    with pytest.raises(PolicyRuleError, match="A manager may accept the request late"):
        case_escalate(case=case, actor=Actor(handler), reasons="I was in hospital")
    # Ticking "accept late" is not enough: the decision is a manager's.
    Membership.objects.create(
        user=handler, organisation=case.organisation, role="complaint_handler"
    )
    with pytest.raises(
        NotPermittedError, match=r"a manager.s decision; your role \(Complaint handler\)"
    ):
        case_escalate(
            case=case, actor=Actor(handler), reasons="I was in hospital", accept_late=True
        )
    Membership.objects.create(user=manager, organisation=case.organisation, role="manager")
    case = case_escalate(
        case=case,
        actor=Actor(manager),
        reasons="I was in hospital",
        accept_late=True,
        late_reason="The customer was in hospital",
    )
    assert (case.stage, case.status) == ("stage2", Status.OPEN)
    assert kinds(case)[-2:] == ["reopened", "escalation_requested"]
    assert case.events.get(kind="escalation_requested").data["late"] is True


def test_housing_plus_group_refuses_escalation_on_its_grounds_only(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("housing-plus-group-2021", received_at=clock(2026, 3, 2, 9))
    clock(2026, 3, 10, 9)
    case = case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="Reasons.")
    clock(2026, 3, 12, 9)

    with pytest.raises(PolicyRuleError) as wrong_ground:
        case_refuse_escalation(
            case=case, actor=Actor(handler), ground="too_busy", explanation="No."
        )
    assert wrong_ground.value.rule == "escalation.refusal_grounds"

    case = case_refuse_escalation(
        case=case,
        actor=Actor(handler),
        ground="no_new_evidence",
        explanation="Nothing new was raised.",
    )
    assert (case.status, case.closure_reason) == (Status.CLOSED, ClosureReason.REFUSED)
    refused = case.events.get(kind=EventKind.ESCALATION_REFUSED)
    assert refused.data["ombudsman_route"] == "housing_ombudsman"


def test_housing_plus_group_closes_after_twenty_working_days_without_contact(
    receive, clock, handler
):
    clock(2026, 3, 2, 9)
    quiet = receive("housing-plus-group-2021", received_at=clock(2026, 3, 2, 9))
    talking = receive("housing-plus-group-2021", received_at=clock(2026, 3, 2, 9))
    clock(2026, 3, 10, 9)
    quiet = case_respond(case=quiet, actor=Actor(handler), outcome="upheld", text="Fixed.")
    talking = case_respond(case=talking, actor=Actor(handler), outcome="upheld", text="Fixed.")
    clock(2026, 3, 20, 9)
    case_record_contact(case=talking, actor=Actor(handler), summary="Called to say thanks")

    clock(2026, 4, 9, 7)  # day 20 after the response (Good Friday and Easter Monday skipped)
    sweep()
    quiet.refresh_from_db()
    assert quiet.status == Status.AWAITING_ESCALATION

    clock(2026, 4, 10, 7)
    sweep()
    quiet.refresh_from_db()
    talking.refresh_from_db()
    assert (quiet.status, quiet.closure_reason) == (Status.CLOSED, ClosureReason.NO_CONTACT)
    # The customer who got in touch is not closed for 'no contact', but their window lapsed.
    assert (talking.status, talking.closure_reason) == (Status.CLOSED, ClosureReason.WINDOW_LAPSED)


def test_rooftop_alerts_the_executive_director_at_the_twenty_day_ceiling(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("rooftop-2023", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 12, 9)
    with pytest.raises(PolicyRuleError, match="at most 10 working days"):
        case_extend(
            case=case,
            actor=Actor(handler),
            working_days=11,
            reason=_rooftop_reason(),
            customer_agreed=True,
        )
    case = case_extend(
        case=case,
        actor=Actor(handler),
        working_days=10,
        reason=_rooftop_reason(),
        customer_agreed=True,
    )
    assert deadline(case, "stage1", "respond").due == D(2026, 3, 30)
    assert deadline(case, "stage1", "ceiling").due == D(2026, 3, 30)

    clock(2026, 3, 30, 7)
    sweep()
    assert not case.events.filter(kind=EventKind.ALERTED).exists()

    clock(2026, 3, 31, 7)
    sweep()
    sweep()
    alerts = case.events.filter(kind=EventKind.ALERTED)
    assert alerts.count() == 1
    assert alerts.get().data["roles"] == ["executive_director"]


def _rooftop_reason():
    from putright.policies.registry import get_pack

    return get_pack("rooftop-2023").stage("stage1").extension.reasons[0].id


def test_unnamed_association_feedback_with_investigation_then_stage1(receive, clock, handler):
    clock(2026, 3, 2, 10)
    case = receive(
        "feedback-policy-2021", kind="dissatisfaction", received_at=clock(2026, 3, 2, 10)
    )
    assert case.stage == "feedback_investigation"
    assert deadline(case, "feedback_investigation", "respond").due == D(2026, 3, 4)

    clock(2026, 3, 4, 12)
    case = case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="Checked.")
    assert deadline(case, "feedback_investigation", "respond").state.value == "met"

    clock(2026, 3, 6, 12)
    case = case_escalate(case=case, actor=Actor(handler), reasons="Still broken")
    assert case.stage == "stage1"
    assert deadline(case, "stage1", "respond").due == D(2026, 3, 18)  # 8 working days


def test_an_informal_case_can_be_made_formal_on_request(receive, clock, handler):
    clock(2026, 3, 2, 10)
    case = receive("rooftop-2023", kind="dissatisfaction", received_at=clock(2026, 3, 2, 10))

    case = case_make_formal(case=case, actor=Actor(handler), reason="The customer asked")

    assert (case.stage, case.kind) == ("stage1", "complaint")
    assert Event.objects.filter(case=case, kind=EventKind.MADE_FORMAL).count() == 1
