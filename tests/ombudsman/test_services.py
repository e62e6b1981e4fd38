"""The Ombudsman casework services: contacts, determinations, orders and who is told."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from putright.accounts.access import AccessDeniedError
from putright.accounts.models import Role
from putright.cases.errors import CaseInputError, CaseStateError, NotPermittedError
from putright.cases.models import Case, Channel, EventKind
from putright.cases.services import Actor, case_receive
from putright.ombudsman import services
from putright.ombudsman.models import ContactKind, Order
from putright.ombudsman.selectors import case_casework, determination_log
from putright.ombudsman.services import FindingIn, OrderIn
from putright.remedies.models import AwardStatus
from putright.remedies.services import award_pay
from putright.timeline.models import Clock, Entry
from putright.timeline.selectors import clocks_owed_by, record_history
from putright.timeline.services import sweep_clocks
from tests.api.conftest import at

pytestmark = pytest.mark.django_db

FINDINGS = [
    FindingIn(
        "The landlord's response to reports of damp", "Damp and mould", "severe_maladministration"
    ),
    FindingIn("The landlord's handling of the repairs", "Repairs", "maladministration"),
    FindingIn("The landlord's complaint handling", "Complaint handling", "service_failure"),
]


def _orders(owner: str) -> list[OrderIn]:
    return [
        OrderIn(
            kind="order",
            text="Pay the resident £750",
            owner=owner,
            within_days=20,
            counts="working",
            amount_pence=75000,
        ),
        OrderIn(
            kind="order",
            text="Inspect the property for damp and mould",
            owner=owner,
            due_on=datetime.date(2026, 4, 10),
        ),
    ]


def determination_order(case: Case, number: int) -> Order:
    return Order.objects.get(determination__case=case, number=number)


def _determine(case: Case, users, **extra) -> object:
    return services.determination_record(
        case=case,
        actor=Actor(users[Role.COMPLAINT_HANDLER]),
        determined_on=datetime.date(2026, 3, 12),
        findings=FINDINGS,
        orders=extra.pop("orders", _orders(Role.MANAGER)),
        appeal_by=datetime.date(2026, 4, 9),
        ombudsman_reference="202512345",
        **extra,
    )


def test_a_determination_with_three_findings_and_two_orders_is_recorded_with_clocks(
    case, users, clock
):
    determination = _determine(case, users)
    assert [f.get_finding_display() for f in determination.findings.all()] == [
        "Severe maladministration",
        "Maladministration",
        "Service failure",
    ]
    money, inspect = determination.orders.order_by("number")
    # 20 working days from Thu 12 March 2026: Good Friday 3 April and Easter Monday 6 April skipped.
    assert money.due_on == datetime.date(2026, 4, 13)
    assert inspect.due_on == datetime.date(2026, 4, 10)
    assert money.award is not None
    assert money.award.ordered_by_ombudsman
    assert money.award.status == AwardStatus.APPROVED
    # The owner sees both on My work, earliest first.
    owed = clocks_owed_by(user=users[Role.MANAGER])
    assert [o.record.pk for o in owed] == [inspect.pk, money.pk]
    assert (
        "Good Friday" in owed[1].timing.explanation.text()
        or "3 Apr" in owed[1].timing.explanation.text()
    )
    # The chronology says what arrived and who was told.
    note = case.events.filter(kind=EventKind.NOTE).last()
    assert note.data["ombudsman"] == "determination"
    assert "Severe maladministration" in note.data["text"]


def test_southern_tells_its_customer_relations_manager_and_says_who_no_one_holds(
    case, users, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _determine(case, users)
    note = case.events.filter(kind=EventKind.NOTE).first()
    assert [t["title"] for t in note.data["told"]] == ["Customer Relations Manager"]
    assert note.data["told"][0]["user_ids"] == [users[Role.COMPLAINTS_MANAGER].pk]
    assert "Chief Executive" in note.data["nobody_holds"]
    assert "Nobody in PutRight holds Chief Executive" in note.data["text"]
    told = [m for m in mail.outbox if "determination on case" in m.subject]
    assert [m.to for m in told] == [["complaints_manager@example.org"]]
    assert case.reference in told[0].subject
    assert "Pat Resident" not in told[0].body


def test_an_order_is_chased_once_after_its_due_date_and_its_owner_emailed(
    case, users, clock, django_capture_on_commit_callbacks
):
    _determine(case, users)
    clock(2026, 4, 11, 9)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_clocks()
        sweep_clocks()
    chases = Entry.objects.filter(record_type="ombudsman_order", kind="chased")
    assert [e.record_id for e in chases] == [determination_order(case, 2).pk]  # due 10 April
    chased = [m for m in mail.outbox if "Ombudsman order" in m.subject]
    assert [m.to for m in chased] == [["manager@example.org"]]
    assert "Ombudsman order" in chased[0].subject


def test_completing_an_order_needs_evidence_then_the_ombudsman_is_told_once(case, users, clock):
    determination = _determine(case, users)
    inspect = determination.orders.get(number=2)
    owner = Actor(users[Role.MANAGER])
    with pytest.raises(CaseInputError, match="Describe the evidence"):
        services.order_complete(order=inspect, actor=owner, evidence=" ")
    with pytest.raises(CaseStateError, match="before telling the Ombudsman"):
        services.order_tell_ombudsman(order=inspect, actor=owner)
    clock(2026, 3, 20, 10)
    done = services.order_complete(order=inspect, actor=owner, evidence="Survey report 20 March")
    assert done.completed_on == datetime.date(2026, 3, 20)
    assert Clock.objects.get(record_type="ombudsman_order", record_id=inspect.pk).completed_at
    told = services.order_tell_ombudsman(order=done, actor=Actor(users[Role.COMPLAINT_HANDLER]))
    assert told.ombudsman_told_on == datetime.date(2026, 3, 20)
    with pytest.raises(CaseStateError, match="already told"):
        services.order_tell_ombudsman(order=told, actor=owner)
    kinds = [e.kind for e in record_history(record_type="ombudsman_order", record_id=inspect.pk)]
    assert kinds == ["recorded", "clock_started", "clock_stopped", "completed", "ombudsman_told"]
    assert clocks_owed_by(user=users[Role.MANAGER])[0].record.number == 1


def test_a_money_order_is_completed_only_once_its_award_is_paid(case, users, clock):
    money = _determine(case, users).orders.get(number=1)
    owner = Actor(users[Role.MANAGER])
    with pytest.raises(CaseStateError, match="record its payment"):
        services.order_complete(order=money, actor=owner, evidence="Paid")
    award_pay(
        award=money.award, actor=Actor(users[Role.COMPLAINTS_MANAGER]), method="bank_transfer"
    )
    money = Order.objects.get(pk=money.pk)
    assert services.order_complete(order=money, actor=owner, evidence="Paid by BACS").completed_on


def test_only_the_owner_or_a_caseworker_completes_an_order(case, users, clock):
    inspect = _determine(case, users).orders.get(number=2)
    with pytest.raises(AccessDeniedError):
        services.order_complete(
            order=inspect, actor=Actor(users[Role.DATA_PROTECTION_OFFICER]), evidence="x"
        )


def test_a_due_date_that_cannot_be_met_is_raised_with_the_customer_relations_manager(
    case, users, clock, django_capture_on_commit_callbacks
):
    inspect = _determine(case, users).orders.get(number=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.order_raise_delay(
            order=inspect,
            actor=Actor(users[Role.MANAGER]),
            reason="The surveyor is booked until May",
        )
    raised = [m for m in mail.outbox if "cannot be done by its due date" in m.subject]
    assert [m.to for m in raised] == [["complaints_manager@example.org"]]
    assert "The surveyor is booked until May" in raised[0].body


def test_triage_is_the_customer_relations_managers_under_southerns_procedure(case, users, clock):
    determination = _determine(case, users)
    with pytest.raises(NotPermittedError, match="Only the Customer Relations Manager triages"):
        services.determination_triage(
            determination=determination,
            actor=Actor(users[Role.MANAGER]),
            decision="no_appeal",
            reasons="Fair",
        )
    with pytest.raises(CaseInputError, match="new information"):
        services.determination_triage(
            determination=determination,
            actor=Actor(users[Role.COMPLAINTS_MANAGER]),
            decision="appeal",
            reasons="Wrong",
        )
    done = services.determination_triage(
        determination=determination,
        actor=Actor(users[Role.COMPLAINTS_MANAGER]),
        decision="no_appeal",
        reasons="The findings stand",
    )
    assert done.appeal_decision == "no_appeal"
    with pytest.raises(CaseStateError, match="already triaged"):
        services.determination_triage(
            determination=done,
            actor=Actor(users[Role.COMPLAINTS_MANAGER]),
            decision="no_appeal",
            reasons="Again",
        )


def test_an_appeal_after_the_ombudsmans_date_is_refused(case, users, clock):
    determination = _determine(case, users)
    clock(2026, 4, 10, 10)
    with pytest.raises(CaseStateError, match="had to reach the Ombudsman by"):
        services.determination_triage(
            determination=determination,
            actor=Actor(users[Role.COMPLAINTS_MANAGER]),
            decision="appeal",
            reasons="Wrong",
            new_information="The repair log shows a visit",
        )


def test_bad_findings_and_orders_are_refused_beside_their_fields(case, users, clock):
    with pytest.raises(CaseInputError) as raised:
        _determine(
            case,
            users,
            orders=[
                OrderIn(
                    kind="order", text="Apologise", owner="nobody", due_on=datetime.date(2026, 4, 1)
                )
            ],
        )
    assert "orders[0].owner" in raised.value.fields
    with pytest.raises(CaseInputError) as raised:
        services.determination_record(
            case=case,
            actor=Actor(users[Role.COMPLAINT_HANDLER]),
            determined_on=datetime.date(2026, 3, 12),
            findings=[FindingIn("Damp", "Damp and mould", "guilty")],
        )
    assert "findings[0].finding" in raised.value.fields
    with pytest.raises(CaseInputError) as raised:
        _determine(
            case,
            users,
            orders=[
                OrderIn(
                    kind="recommendation",
                    text="Train staff",
                    due_on=datetime.date(2026, 4, 1),
                    amount_pence=100,
                )
            ],
        )
    assert "orders[0].amount_pence" in raised.value.fields


def test_an_evidence_request_on_a_closed_case_puts_it_with_the_ombudsman_and_evidence_is_sent_once(
    case, users, clock
):
    contact = services.contact_record(
        case=case,
        actor=Actor(users[Role.COMPLAINT_HANDLER]),
        kind=ContactKind.EVIDENCE_REQUEST,
        asked="Send the complaint file",
        due_on=datetime.date(2026, 4, 6),
    )
    work = case_casework(Case.objects.get(pk=case.pk))
    assert work.with_ombudsman
    sent = services.evidence_send(
        contact=contact,
        actor=Actor(users[Role.COMPLAINT_HANDLER]),
        covering_letter="Please find the file.",
    )
    assert sent.evidence_index[0]["section"] == "Chronology of events"
    assert sent.evidence_index[0]["count"] >= 2
    with pytest.raises(CaseStateError, match="already sent"):
        services.evidence_send(
            contact=sent, actor=Actor(users[Role.COMPLAINT_HANDLER]), covering_letter="Again"
        )


def test_an_enquiry_with_no_case_opens_a_complaint_from_the_ombudsman(org, users, customer, clock):
    contact = services.enquiry_open(
        organisation=org,
        actor=Actor(users[Role.COMPLAINT_HANDLER]),
        customer=customer,
        summary="Leak from the roof",
        asked="Please raise a complaint for this resident",
        received_at=at(2026, 3, 16, 9),
        due_on=datetime.date(2026, 3, 30),
    )
    assert contact.case.kind == "complaint"
    assert contact.case.channel == Channel.OMBUDSMAN
    assert contact.kind == ContactKind.ENQUIRY


def test_the_log_puts_determinations_with_overdue_orders_first(org, case, users, clock, customer):
    older = case_receive(
        organisation=org,
        kind="complaint",
        channel="phone",
        received_at=at(2026, 3, 2, 11),
        summary="Another",
        actor=Actor(users[Role.COMPLAINT_HANDLER]),
        customer=customer,
    )
    first = _determine(
        older,
        users,
        orders=[OrderIn(kind="order", text="Apologise", due_on=datetime.date(2026, 3, 13))],
        occurred_at=at(2026, 3, 12, 15),
    )
    second = _determine(case, users)
    rows = determination_log(user=users[Role.COMPLAINT_HANDLER], organisation=org)
    # The later one was received last, but the earlier one has an overdue order: it leads.
    assert [r.determination.pk for r in rows] == [first.pk, second.pk]
    assert (rows[0].overdue, rows[1].overdue) == (1, 0)
    assert determination_log(user=users["outsider"]) == []


def test_an_order_to_train_staff_becomes_an_improvement_action_on_the_learning_plan(
    case, users, clock
):
    from putright.learning.models import ImprovementAction

    determination = services.determination_record(
        case=case,
        actor=Actor(users[Role.COMPLAINTS_MANAGER]),
        determined_on=datetime.date(2026, 3, 12),
        findings=FINDINGS[:1],
        orders=[
            OrderIn(
                kind="order",
                text="Train repairs staff in recognising damp and mould",
                owner=Role.MANAGER,
                due_on=datetime.date(2026, 5, 1),
                improvement=True,
            )
        ],
        ombudsman_reference="202512345",
    )
    order = determination.orders.get()
    action = ImprovementAction.objects.get(pk=order.improvement_action_id)
    assert action.source == "ombudsman"
    assert action.text == "Train repairs staff in recognising damp and mould"
    assert action.owner == users[Role.MANAGER]
    assert action.due_on == datetime.date(2026, 5, 1)
    assert "202512345" in action.source_reference


def test_an_owner_is_reminded_once_five_working_days_before_an_order_is_due(
    case, users, clock, django_capture_on_commit_callbacks
):
    # Due Fri 10 April 2026; counted by hand across Easter (Good Friday 3 April and Easter
    # Monday 6 April are bank holidays). From Tue 31 March, five working days are Wed 1,
    # Thu 2, Tue 7, Wed 8, Thu 9: the due date is beyond them. From Wed 1 April they are
    # Thu 2, Tue 7, Wed 8, Thu 9, Fri 10: the due date is the fifth.
    _determine(case, users)
    inspect = determination_order(case, 2)
    clock(2026, 3, 31, 9)
    assert services.orders_remind() == 0
    clock(2026, 4, 1, 9)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.orders_remind() == 1
        assert services.orders_remind() == 0
    reminded = [m for m in mail.outbox if m.subject.startswith("Reminder: an Ombudsman order")]
    assert [m.to for m in reminded] == [["manager@example.org"]]
    assert "due on 10 April 2026" in reminded[0].body
    assert Order.objects.get(pk=inspect.pk).reminded_on == datetime.date(2026, 4, 1)
    kinds = [e.kind for e in record_history(record_type="ombudsman_order", record_id=inspect.pk)]
    assert kinds[-1] == "reminded"


def test_the_ombudsmans_date_on_a_weekend_is_kept_and_its_clock_ends_the_working_day_before(
    case, users, clock
):
    # Sat 11 April 2026: the order is due that day; the owner's clock ends on Fri 10 April.
    determination = _determine(
        case,
        users,
        orders=[
            OrderIn(
                kind="order",
                text="Apologise",
                owner=Role.MANAGER,
                due_on=datetime.date(2026, 4, 11),
            )
        ],
    )
    order = determination.orders.get()
    assert order.due_on == datetime.date(2026, 4, 11)
    assert Clock.objects.get(
        record_type="ombudsman_order", record_id=order.pk
    ).due_on == datetime.date(2026, 4, 10)


def test_a_request_for_evidence_is_on_my_work_until_the_evidence_is_sent(case, users, clock):
    contact = services.contact_record(
        case=case,
        actor=Actor(users[Role.COMPLAINT_HANDLER]),
        kind=ContactKind.EVIDENCE_REQUEST,
        asked="Send the complaint file",
        due_on=datetime.date(2026, 3, 28),  # a Saturday: the clock ends on Fri 27 March
    )
    [owed] = [
        o
        for o in clocks_owed_by(user=users[Role.COMPLAINT_HANDLER])
        if o.clock.record_type == "ombudsman_contact"
    ]
    assert owed.clock.due_on == datetime.date(2026, 3, 27)
    assert owed.url == f"/ombudsman/contacts/{contact.pk}/evidence/"
    services.evidence_send(
        contact=contact, actor=Actor(users[Role.COMPLAINT_HANDLER]), covering_letter="The file."
    )
    assert not [
        o
        for o in clocks_owed_by(user=users[Role.COMPLAINT_HANDLER])
        if o.clock.record_type == "ombudsman_contact"
    ]


def test_the_customer_relations_manager_owes_the_triage_by_the_appeal_date(case, users, clock):
    determination = _determine(case, users)  # appeal by Thu 9 April 2026
    [owed] = [
        o
        for o in clocks_owed_by(user=users[Role.COMPLAINTS_MANAGER])
        if o.clock.record_type == "ombudsman_determination"
    ]
    assert owed.clock.due_on == datetime.date(2026, 4, 9)
    services.determination_triage(
        determination=determination,
        actor=Actor(users[Role.COMPLAINTS_MANAGER]),
        decision="no_appeal",
        reasons="Fair",
    )
    assert not [
        o
        for o in clocks_owed_by(user=users[Role.COMPLAINTS_MANAGER])
        if o.clock.record_type == "ombudsman_determination"
    ]
