"""Each case service, one behaviour at a time, as a complaint handler would notice it."""

import contextlib
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import ProtectedError

from putright.accounts.models import User
from putright.cases import errors
from putright.cases.errors import (
    CaseInputError,
    CaseStateError,
    ConflictError,
    NotPermittedError,
    PolicyRuleError,
)
from putright.cases.models import (
    Attachment,
    Case,
    CaseIssue,
    CaseLink,
    ClosureReason,
    Eligibility,
    Event,
    EventKind,
    LinkKind,
    Status,
)
from putright.cases.selectors import case_deadlines
from putright.cases.services import (
    MAX_ATTACHMENT_BYTES,
    Actor,
    IssueOutcome,
    case_acknowledge,
    case_add_note,
    case_assign,
    case_attach,
    case_chase,
    case_classify,
    case_close,
    case_decide_eligibility,
    case_escalate,
    case_extend,
    case_link,
    case_make_formal,
    case_mark_step_done,
    case_receive,
    case_record_contact,
    case_record_investigation,
    case_refuse_escalation,
    case_reopen,
    case_request_investigation,
    case_respond,
    case_split,
    case_withdraw,
    sweep,
)
from putright.organisations.services import organisation_create
from putright.people.models import Person

from .conftest import at

pytestmark = pytest.mark.django_db

D = datetime.date
HOS = "hos-code-2024"


def kinds(case):
    return list(Event.objects.filter(case=case).order_by("sequence").values_list("kind", flat=True))


def deadline(case, stage, step):
    return next(d for d in case_deadlines(case) if d.stage == stage and d.step == step)


def unchanged(case, version, events):
    """The case in the database is still at this version with this many events."""
    case.refresh_from_db()
    assert case.version == version
    assert Event.objects.filter(case=case).count() == events


@pytest.fixture
def complaint(receive, clock):
    """A Housing Ombudsman Code complaint received on Monday 2 March 2026 at 09:00."""
    clock(2026, 3, 2, 9)
    return receive(HOS, received_at=at(2026, 3, 2, 9))


def customer_of(organisation, name="Pat Resident"):
    return Person.objects.create(organisation=organisation, name=name, email="pat@example.org")


# -- two people at once ------------------------------------------------------------------


def test_a_second_person_working_on_an_old_version_is_told_someone_else_changed_the_case(
    complaint, clock, handler, manager
):
    loaded = complaint.version
    clock(2026, 3, 3, 10)
    case_add_note(case=complaint, actor=Actor(handler), text="Called", expected_version=loaded)
    events = Event.objects.filter(case=complaint).count()

    with pytest.raises(ConflictError) as conflict:
        case_acknowledge(case=complaint, actor=Actor(manager), expected_version=loaded)

    assert conflict.value.message == errors.STALE_VERSION.format(
        current=loaded + 1, expected=loaded
    )
    assert str(conflict.value).startswith("Someone else changed this case")
    assert "Nothing was saved" in str(conflict.value)
    assert conflict.value.code == "conflict"
    unchanged(complaint, loaded + 1, events)
    assert EventKind.ACKNOWLEDGED not in kinds(complaint)


def test_the_second_person_can_act_once_they_reload_the_case(complaint, clock, handler, manager):
    loaded = complaint.version
    clock(2026, 3, 3, 10)
    case_add_note(case=complaint, actor=Actor(handler), text="Called", expected_version=loaded)
    with pytest.raises(ConflictError):
        case_acknowledge(case=complaint, actor=Actor(manager), expected_version=loaded)

    complaint.refresh_from_db()
    case = case_acknowledge(
        case=complaint, actor=Actor(manager), expected_version=complaint.version
    )

    assert case.version == loaded + 2
    assert kinds(case) == ["received", "note", "acknowledged"]


def test_a_stale_version_is_refused_by_every_kind_of_change(complaint, clock, handler):
    loaded = complaint.version
    clock(2026, 3, 3, 10)
    case_add_note(case=complaint, actor=Actor(handler), text="First", expected_version=loaded)
    events = Event.objects.filter(case=complaint).count()

    attempts = [
        lambda v: case_close(case=complaint, actor=Actor(handler), reason="resolved", **v),
        lambda v: case_withdraw(case=complaint, actor=Actor(handler), **v),
        lambda v: case_extend(
            case=complaint, actor=Actor(handler), working_days=2, reason="complexity", **v
        ),
        lambda v: case_respond(
            case=complaint, actor=Actor(handler), outcome="upheld", text="Sorry", **v
        ),
        lambda v: case_add_note(case=complaint, actor=Actor(handler), text="Second", **v),
        lambda v: case_split(case=complaint, actor=Actor(handler), summaries=["a", "b"], **v),
    ]
    for attempt in attempts:
        with pytest.raises(ConflictError, match="Someone else changed this case"):
            attempt({"expected_version": loaded})

    unchanged(complaint, loaded + 1, events)
    assert Case.objects.count() == 1


# -- the chronology is append-only ----------------------------------------------------------


def test_a_recorded_event_cannot_be_changed(complaint):
    event = complaint.events.get(kind=EventKind.RECEIVED)
    event.data = {"channel": "forged"}

    with pytest.raises(TypeError, match="append-only"):
        event.save()

    assert Event.objects.get(pk=event.pk).data["channel"] == "phone"


def test_a_recorded_event_cannot_be_deleted(complaint):
    event = complaint.events.get(kind=EventKind.RECEIVED)

    with pytest.raises(TypeError, match="cannot be deleted"):
        event.delete()
    with pytest.raises(TypeError, match="cannot be deleted"):
        Event.objects.filter(case=complaint).delete()
    with pytest.raises(TypeError, match="cannot be deleted"):
        complaint.events.all().delete()

    assert Event.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_changed_in_bulk(complaint):
    with pytest.raises(TypeError, match="cannot be updated"):
        Event.objects.filter(case=complaint).update(kind=EventKind.NOTE)
    with pytest.raises(TypeError, match="cannot be updated"):
        complaint.events.update(data={})
    event = complaint.events.get()
    event.data = {}
    with pytest.raises(TypeError, match="cannot be updated"), transaction.atomic():
        Event.objects.bulk_update([event], ["data"])  # its own atomic block: keep ours usable

    assert list(complaint.events.values_list("kind", flat=True)) == ["received"]
    assert complaint.events.get().data["channel"] == "phone"


def test_an_upsert_cannot_overwrite_a_recorded_event(complaint):
    forged = Event(
        case=complaint,
        sequence=1,
        kind=EventKind.NOTE,
        occurred_at=complaint.received_at,
        recorded_at=complaint.received_at,
        data={"text": "forged"},
    )
    with contextlib.suppress(TypeError), transaction.atomic():  # refusing is fine too
        Event.objects.bulk_create(
            [forged],
            update_conflicts=True,
            unique_fields=["case", "sequence"],
            update_fields=["kind", "data"],
        )

    assert complaint.events.get(sequence=1).kind == EventKind.RECEIVED


def test_a_case_with_a_chronology_cannot_be_deleted(complaint):
    with pytest.raises(ProtectedError):
        complaint.delete()

    assert Case.objects.filter(pk=complaint.pk).exists()
    assert complaint.events.count() == 1


def test_events_are_numbered_in_the_order_they_were_recorded(complaint, clock, handler):
    clock(2026, 3, 3, 10)
    case_add_note(case=complaint, actor=Actor(handler), text="One")
    case_acknowledge(case=complaint, actor=Actor(handler))

    rows = list(complaint.events.order_by("sequence").values_list("sequence", "kind"))

    assert rows == [(1, "received"), (2, "note"), (3, "acknowledged")]


# -- when things happened -------------------------------------------------------------------


def test_an_action_dated_in_the_future_is_refused(complaint, clock, handler):
    clock(2026, 3, 4, 10)
    version = complaint.version

    with pytest.raises(CaseInputError) as refused:
        case_acknowledge(case=complaint, actor=Actor(handler), occurred_at=at(2026, 3, 4, 12))

    assert refused.value.message == errors.FUTURE
    assert refused.value.fields == {"occurred_at": errors.FUTURE}
    unchanged(complaint, version, 1)


def test_an_action_dated_before_the_case_was_received_is_refused(complaint, clock, handler):
    clock(2026, 3, 4, 10)
    version = complaint.version

    with pytest.raises(CaseInputError) as refused:
        case_acknowledge(case=complaint, actor=Actor(handler), occurred_at=at(2026, 3, 1, 12))

    expected = errors.BEFORE_RECEIPT.format(received="Mon 2 Mar 2026")
    assert (
        refused.value.message
        == expected
        == "That is before the case was received (Mon 2 Mar 2026)."
    )
    assert refused.value.fields == {"occurred_at": expected}
    unchanged(complaint, version, 1)


def test_an_action_can_be_recorded_after_the_fact(complaint, clock, handler):
    clock(2026, 3, 6, 16)

    case = case_acknowledge(case=complaint, actor=Actor(handler), occurred_at=at(2026, 3, 3, 11))

    event = case.events.get(kind=EventKind.ACKNOWLEDGED)
    assert event.occurred_at == at(2026, 3, 3, 11)
    assert event.recorded_at == at(2026, 3, 6, 16)
    assert deadline(case, "stage1", "respond").due == D(2026, 3, 17)  # 10 WD from 3 March


def test_a_case_received_in_the_future_is_refused(organisation_on, clock, handler):
    organisation = organisation_on(HOS)
    clock(2026, 3, 2, 9)

    with pytest.raises(CaseInputError, match="in the future"):
        case_receive(
            organisation=organisation,
            kind="complaint",
            channel="phone",
            received_at=at(2026, 3, 3, 9),
            summary="Leak",
            actor=Actor(handler),
            customer=customer_of(organisation),
        )

    assert Case.objects.count() == 0


# -- acknowledging ---------------------------------------------------------------------------


def test_acknowledging_sets_the_response_deadline(complaint, clock, handler):
    clock(2026, 3, 4, 11)

    case = case_acknowledge(case=complaint, actor=Actor(handler), method="email")

    assert case.events.get(kind=EventKind.ACKNOWLEDGED).data == {"method": "email"}
    assert deadline(case, "stage1", "acknowledge").state.value == "met"
    assert deadline(case, "stage1", "respond").due == D(2026, 3, 18)


def test_a_stage_cannot_be_acknowledged_twice(complaint, clock, handler):
    clock(2026, 3, 4, 11)
    case = case_acknowledge(case=complaint, actor=Actor(handler))
    clock(2026, 3, 5, 11)

    with pytest.raises(CaseStateError) as refused:
        case_acknowledge(case=case, actor=Actor(handler))

    assert refused.value.message == errors.ALREADY_ACKNOWLEDGED.format(on="Wed 4 Mar 2026")
    assert kinds(case).count("acknowledged") == 1


def test_the_next_stage_is_acknowledged_afresh_after_escalation(complaint, clock, handler):
    clock(2026, 3, 4, 11)
    case = case_acknowledge(case=complaint, actor=Actor(handler))
    clock(2026, 3, 10, 11)
    case = case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="Reasons")
    clock(2026, 3, 12, 11)
    case = case_escalate(case=case, actor=Actor(handler))
    clock(2026, 3, 13, 11)

    case = case_acknowledge(case=case, actor=Actor(handler))

    assert [e.stage for e in case.events.filter(kind=EventKind.ACKNOWLEDGED)] == [
        "stage1",
        "stage2",
    ]
    assert deadline(case, "stage2", "respond").due == D(2026, 4, 14)  # 20 WD, Easter skipped


# -- assigning, investigating, chasing, notes, contact -------------------------------------------


def test_assigning_records_the_handler_and_needs_someone(complaint, clock, handler, manager):
    clock(2026, 3, 3, 10)
    with pytest.raises(CaseInputError, match="Choose a handler or an investigator"):
        case_assign(case=complaint, actor=Actor(manager))

    case = case_assign(case=complaint, actor=Actor(manager), handler=handler, investigator=manager)

    assert (case.handler, case.investigator) == (handler, manager)
    assert case.events.get(kind=EventKind.ASSIGNED).data == {
        "handler_id": handler.pk,
        "investigator_id": manager.pk,
    }


def test_an_investigation_reply_needs_a_request_first(receive, clock, handler):
    clock(2026, 3, 2, 10)
    case = receive("southern-housing-2020", received_at=at(2026, 3, 2, 10))

    with pytest.raises(CaseStateError) as refused:
        case_record_investigation(case=case, actor=Actor(handler), summary="Done")
    assert refused.value.message == errors.NO_INVESTIGATION

    with pytest.raises(CaseInputError, match="Name the team"):
        case_request_investigation(case=case, actor=Actor(handler), team="  ")

    clock(2026, 3, 3, 10)
    case = case_request_investigation(case=case, actor=Actor(handler), team="Repairs")
    assert case.investigating_team == "Repairs"
    assert deadline(case, "stage1", "investigator_reply").due == D(2026, 3, 6)  # 3 WD

    clock(2026, 3, 5, 10)
    case = case_record_investigation(case=case, actor=Actor(handler), summary="Fixed on 4 March")
    reply = deadline(case, "stage1", "investigator_reply")
    assert (reply.state.value, reply.completed_on) == ("met", D(2026, 3, 5))


def test_a_chase_is_recorded_with_who_was_chased(complaint, clock, handler):
    clock(2026, 3, 3, 10)

    case = case_chase(case=complaint, actor=Actor(handler), note="Rang repairs", roles=["manager"])

    assert case.events.get(kind=EventKind.CHASED).data == {
        "note": "Rang repairs",
        "roles": ["manager"],
    }


def test_a_note_needs_text(complaint, clock, handler):
    clock(2026, 3, 3, 10)
    with pytest.raises(CaseInputError, match="Write the note"):
        case_add_note(case=complaint, actor=Actor(handler), text="   ")

    case = case_add_note(case=complaint, actor=Actor(handler), text="Customer prefers email")

    assert case.events.get(kind=EventKind.NOTE).data == {"text": "Customer prefers email"}
    assert case.events.get(kind=EventKind.NOTE).actor == handler


def test_contact_with_the_customer_is_recorded(complaint, clock, handler):
    clock(2026, 3, 3, 10)

    case = case_record_contact(
        case=complaint, actor=Actor(handler), summary="Left a voicemail", direction="outbound"
    )

    assert case.events.get(kind=EventKind.CONTACTED).data == {
        "summary": "Left a voicemail",
        "direction": "outbound",
    }


# -- extensions --------------------------------------------------------------------------------


def acknowledged(complaint, clock, handler):
    clock(2026, 3, 4, 11)
    case = case_acknowledge(case=complaint, actor=Actor(handler))
    clock(2026, 3, 12, 11)
    return case


def test_an_extension_records_the_old_and_new_response_dates(complaint, clock, handler):
    case = acknowledged(complaint, clock, handler)

    case = case_extend(case=case, actor=Actor(handler), working_days=5, reason="complexity")

    data = case.events.get(kind=EventKind.EXTENDED).data
    assert data["previous_due"] == "2026-03-18"
    assert data["new_due"] == "2026-03-25"
    assert (data["working_days"], data["reason"]) == (5, "complexity")
    assert data["tell"] == ["customer"]
    assert data["source"] == "Code 6.4-6.5"
    assert case.next_due_on == D(2026, 3, 25)


def test_an_extension_for_a_reason_the_policy_does_not_give_is_refused(receive, clock, handler):
    # The Code sets no list of reasons (6.4); Housing Plus Group's policy lists four (7.5.1).
    clock(2026, 3, 2, 9)
    listed = receive("housing-plus-group-2021", received_at=at(2026, 3, 2, 9))
    case = acknowledged(listed, clock, handler)
    version = case.version

    with pytest.raises(PolicyRuleError) as refused:
        case_extend(case=case, actor=Actor(handler), working_days=5, reason="busy")

    assert refused.value.rule == "extension.reasons"
    assert refused.value.message.startswith("'busy' is not an extension reason this policy allows")
    assert set(refused.value.fields) == {"reason"}
    unchanged(case, version, 2)


def test_extensions_cannot_go_beyond_the_policy_cap(complaint, clock, handler):
    case = acknowledged(complaint, clock, handler)
    case = case_extend(case=case, actor=Actor(handler), working_days=5, reason="complexity")
    version = case.version

    with pytest.raises(PolicyRuleError) as refused:
        case_extend(case=case, actor=Actor(handler), working_days=6, reason="third_party")

    assert refused.value.rule == "extension.max_days"
    assert refused.value.message == (
        "Stage 1 can be extended by at most 10 working days in all; 5 already used, so at most 5 more"
    )
    assert set(refused.value.fields) == {"working_days"}
    unchanged(case, version, 3)

    case = case_extend(case=case, actor=Actor(handler), working_days=5, reason="third_party")
    data = case.events.filter(kind=EventKind.EXTENDED).order_by("sequence").last().data
    assert (data["previous_due"], data["new_due"]) == ("2026-03-25", "2026-04-01")


def test_an_extension_of_no_days_is_refused(complaint, clock, handler):
    case = acknowledged(complaint, clock, handler)

    with pytest.raises(PolicyRuleError) as refused:
        case_extend(case=case, actor=Actor(handler), working_days=0, reason="complexity")

    assert (refused.value.rule, refused.value.message) == (
        "extension",
        "An extension must be at least one working day",
    )
    assert EventKind.EXTENDED not in kinds(case)


def test_nothing_is_left_to_extend_after_the_response(complaint, clock, handler):
    case = acknowledged(complaint, clock, handler)
    case = case_respond(case=case, actor=Actor(handler), outcome="upheld", text="Fixed")

    with pytest.raises(CaseStateError, match="nothing to extend"):
        case_extend(case=case, actor=Actor(handler), working_days=5, reason="complexity")


# -- responding and escalating ------------------------------------------------------------------


def test_a_response_records_the_outcome_of_each_issue(complaint, clock, handler):
    case = acknowledged(complaint, clock, handler)

    case = case_respond(
        case=case,
        actor=Actor(handler),
        outcome="partly_upheld",
        text="The repair was late; the charge was right.",
        issues=[
            IssueOutcome("Repair late", "upheld", "Missed two appointments"),
            IssueOutcome("Charge wrong", "not_upheld", "Charge per tenancy"),
        ],
    )

    assert case.status == Status.AWAITING_ESCALATION
    issues = list(CaseIssue.objects.filter(case=case).values_list("number", "stage", "outcome"))
    assert issues == [(1, "stage1", "upheld"), (2, "stage1", "not_upheld")]
    data = case.events.get(kind=EventKind.RESPONDED).data
    assert data["issues"] == [
        {"issue": 1, "outcome": "upheld"},
        {"issue": 2, "outcome": "not_upheld"},
    ]
    assert (data["outcome"], data["final"]) == ("partly_upheld", False)
    assert deadline(case, "stage1", "respond").completed_on == D(2026, 3, 12)


def test_an_incomplete_response_is_refused_field_by_field(complaint, clock, handler):
    case = acknowledged(complaint, clock, handler)

    with pytest.raises(CaseInputError) as refused:
        case_respond(
            case=case,
            actor=Actor(handler),
            outcome="sort_of",
            text=" ",
            issues=[IssueOutcome("Repair", "maybe")],
        )

    assert set(refused.value.fields) == {"outcome", "text", "issues[0].outcome"}
    unchanged(case, case.version, 2)


def test_a_stage_cannot_be_responded_to_twice(complaint, clock, handler):
    case = acknowledged(complaint, clock, handler)
    case = case_respond(case=case, actor=Actor(handler), outcome="upheld", text="Fixed")
    clock(2026, 3, 13, 11)
    version = case.version

    with pytest.raises(CaseStateError) as refused:
        case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="Changed mind")

    assert refused.value.message == errors.ALREADY_RESPONDED.format(on="Thu 12 Mar 2026")
    unchanged(case, version, 3)
    assert CaseIssue.objects.count() == 0


def test_escalating_before_a_response_is_refused(complaint, clock, handler):
    case = acknowledged(complaint, clock, handler)

    with pytest.raises(CaseStateError) as refused:
        case_escalate(case=case, actor=Actor(handler), reasons="Too slow")

    assert refused.value.message == errors.NOT_RESPONDED
    case.refresh_from_db()
    assert case.stage == "stage1"


def test_the_final_stage_cannot_be_escalated(complaint, clock, handler):
    case = acknowledged(complaint, clock, handler)
    case = case_respond(case=case, actor=Actor(handler), outcome="upheld", text="Fixed")
    case = case_escalate(case=case, actor=Actor(handler))
    clock(2026, 3, 13, 11)
    reviewer = User.objects.create_user("reviewer")
    case = case_respond(case=case, actor=Actor(reviewer), outcome="upheld", text="Final")

    assert case.status == Status.OPEN  # no further stage to wait for
    assert case.events.filter(kind=EventKind.RESPONDED).last().data["final"] is True
    with pytest.raises(CaseStateError) as refused:
        case_escalate(case=case, actor=Actor(handler))
    assert refused.value.message == errors.FINAL_STAGE.format(stage="Stage 2")


def test_whoever_answered_stage_1_cannot_answer_stage_2(complaint, clock, handler):
    """The Code (6.13), as the pack says it: someone else considers stage 2."""
    case = acknowledged(complaint, clock, handler)
    case = case_respond(case=case, actor=Actor(handler), outcome="upheld", text="Fixed")
    case = case_escalate(case=case, actor=Actor(handler))

    with pytest.raises(NotPermittedError) as refused:
        case_respond(case=case, actor=Actor(handler), outcome="upheld", text="Final")

    assert refused.value.rule == "escalation.different_handler"
    assert refused.value.message == (
        "Hana Handler answered this case at Stage 1; the policy says someone else considers "
        "Stage 2 (Code 6.10-6.13)."
    )
    case.refresh_from_db()
    assert not case.events.filter(kind=EventKind.RESPONDED, stage="stage2").exists()


def test_refusing_escalation_needs_an_explanation(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("housing-plus-group-2021", received_at=at(2026, 3, 2, 9))
    clock(2026, 3, 10, 9)
    case = case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="Reasons.")

    with pytest.raises(CaseInputError, match="Explain the refusal"):
        case_refuse_escalation(
            case=case, actor=Actor(handler), ground="no_new_evidence", explanation=" "
        )

    case.refresh_from_db()
    assert case.status == Status.AWAITING_ESCALATION


def test_an_informal_case_made_formal_cannot_be_made_formal_again(receive, clock, handler):
    clock(2026, 3, 2, 10)
    case = receive("rooftop-2023", kind="dissatisfaction", received_at=at(2026, 3, 2, 10))
    clock(2026, 3, 4, 10)
    case = case_make_formal(case=case, actor=Actor(handler), reason="The customer asked")

    assert case.events.get(kind=EventKind.MADE_FORMAL).data == {
        "to_stage": "stage1",
        "reason": "The customer asked",
    }
    with pytest.raises(CaseStateError) as refused:
        case_make_formal(case=case, actor=Actor(handler))
    assert refused.value.message == errors.NOT_INFORMAL


# -- eligibility ---------------------------------------------------------------------------------


def test_refusing_a_case_without_naming_an_exclusion_is_an_input_error(complaint, clock, handler):
    clock(2026, 3, 3, 10)
    version = complaint.version

    with pytest.raises(CaseInputError) as refused:
        case_decide_eligibility(
            case=complaint, actor=Actor(handler), accepted=False, reason="Not for us"
        )

    assert refused.value.message == "Name the exclusion in the policy that applies."
    assert set(refused.value.fields) == {"exclusion"}
    unchanged(complaint, version, 1)
    assert (complaint.status, complaint.eligibility) == (Status.OPEN, Eligibility.PENDING)


def test_refusing_under_an_exclusion_closes_the_case_and_records_the_ombudsman_route(
    complaint, clock, handler
):
    clock(2026, 3, 3, 10)

    case = case_decide_eligibility(
        case=complaint,
        actor=Actor(handler),
        accepted=False,
        exclusion="legal_proceedings",
        reason="You have filed a claim at the county court about this.",
    )

    assert case.status == Status.CLOSED
    assert case.closure_reason == ClosureReason.REFUSED == "refused"
    assert case.eligibility == Eligibility.REFUSED
    assert case.closed_at == at(2026, 3, 3, 10)
    assert case.next_due_on is None
    assert kinds(case) == ["received", "eligibility_decided", "closed"]
    data = case.events.get(kind=EventKind.ELIGIBILITY_DECIDED).data
    assert data["accepted"] is False
    assert data["exclusion"] == "legal_proceedings"
    assert data["exclusion_label"] == (
        "Legal proceedings have started (a claim has been filed at court)"
    )
    assert data["source"] == "Code 2.2"
    assert data["ombudsman_route"] == "housing_ombudsman"


def test_refusing_needs_a_reason_the_customer_will_read(complaint, clock, handler):
    clock(2026, 3, 3, 10)

    with pytest.raises(CaseInputError, match="Explain the decision") as refused:
        case_decide_eligibility(
            case=complaint, actor=Actor(handler), accepted=False, exclusion="legal_proceedings"
        )

    assert set(refused.value.fields) == {"reason"}
    unchanged(complaint, complaint.version, 1)


def test_an_exclusion_the_policy_does_not_have_is_refused(complaint, clock, handler):
    clock(2026, 3, 3, 10)

    with pytest.raises(CaseInputError) as refused:
        case_decide_eligibility(
            case=complaint,
            actor=Actor(handler),
            accepted=False,
            exclusion="too_rude",
            reason="No",
        )

    assert refused.value.message == (
        "The policy has no exclusion 'too_rude' (it has: older_than_twelve_months, "
        "legal_proceedings, already_exhausted)."
    )


def test_an_exception_that_does_not_belong_to_the_exclusion_is_refused(complaint, clock, handler):
    clock(2026, 3, 3, 10)

    with pytest.raises(CaseInputError) as refused:
        case_decide_eligibility(
            case=complaint,
            actor=Actor(handler),
            accepted=True,
            exclusion="legal_proceedings",
            exception="recurring",
        )

    assert refused.value.message == "'recurring' is not an exception to legal_proceedings."
    assert set(refused.value.fields) == {"exception"}
    unchanged(complaint, complaint.version, 1)


def test_an_old_matter_is_accepted_under_an_exception_to_the_time_limit(complaint, clock, handler):
    clock(2026, 3, 3, 10)

    case = case_decide_eligibility(
        case=complaint,
        actor=Actor(handler),
        accepted=True,
        exclusion="older_than_twelve_months",
        exception="good_reason",
        reason="The leak keeps coming back",
    )

    assert (case.status, case.eligibility) == (Status.OPEN, Eligibility.ACCEPTED)
    data = case.events.get(kind=EventKind.ELIGIBILITY_DECIDED).data
    assert (data["exclusion"], data["exception"]) == ("older_than_twelve_months", "good_reason")
    with pytest.raises(CaseInputError, match="must be accepted"):
        case_decide_eligibility(
            case=case,
            actor=Actor(handler),
            accepted=False,
            exclusion="older_than_twelve_months",
            exception="good_reason",
            reason="Old",
        )


# -- receiving ---------------------------------------------------------------------------------


def test_a_kind_the_policy_does_not_handle_is_refused(organisation_on, clock, handler):
    organisation = organisation_on(HOS)
    clock(2026, 3, 2, 9)

    with pytest.raises(PolicyRuleError) as refused:
        case_receive(
            organisation=organisation,
            kind="petition",
            channel="letter",
            received_at=at(2026, 3, 2, 9),
            summary="Forty residents ask for a new play area",
            actor=Actor(handler),
            customer=customer_of(organisation),
        )

    expected = errors.KIND_NOT_ACCEPTED.format(pack=HOS, kind="petition")
    assert refused.value.message == expected
    assert expected == "This organisation's policy (hos-code-2024) does not handle petition cases."
    assert refused.value.rule == "kinds"
    assert refused.value.fields == {"kind": expected}
    assert Case.objects.count() == 0


def test_a_case_needs_a_customer_unless_it_is_anonymous(organisation_on, clock, handler):
    organisation = organisation_on(HOS)
    clock(2026, 3, 2, 9)
    details = {
        "organisation": organisation,
        "kind": "complaint",
        "channel": "web_form",
        "received_at": at(2026, 3, 2, 9),
        "summary": "Rubbish never collected",
        "actor": Actor(handler),
    }

    with pytest.raises(CaseInputError) as refused:
        case_receive(**details)
    assert refused.value.message == "Some details are missing or wrong."
    assert refused.value.fields == {
        "customer": "Give the customer's details, or mark the case anonymous."
    }
    assert Case.objects.count() == 0

    case = case_receive(**details, flags=["anonymous"])
    assert (case.anonymous, case.customer) == (True, None)


def test_a_customer_of_another_organisation_is_refused(organisation_on, clock, handler):
    ours = organisation_on(HOS)
    theirs = organisation_on("rooftop-2023")
    clock(2026, 3, 2, 9)

    with pytest.raises(CaseInputError) as refused:
        case_receive(
            organisation=ours,
            kind="complaint",
            channel="phone",
            received_at=at(2026, 3, 2, 9),
            summary="Leak",
            actor=Actor(handler),
            customer=customer_of(theirs),
        )

    assert refused.value.fields == {"customer": "That customer belongs to another organisation."}


def test_a_service_area_must_be_one_of_the_policy_list(organisation_on, clock, handler):
    organisation = organisation_on(HOS)
    clock(2026, 3, 2, 9)
    details = {
        "organisation": organisation,
        "kind": "complaint",
        "channel": "phone",
        "received_at": at(2026, 3, 2, 9),
        "summary": "Leak",
        "actor": Actor(handler),
        "customer": customer_of(organisation),
    }

    with pytest.raises(CaseInputError) as refused:
        case_receive(**details, service_area="Gardening")
    assert refused.value.fields["service_area"] == (
        "Choose one of: Repairs, Damp and mould, Anti-social behaviour, Rent and service "
        "charges, Tenancy management, Customer service, Estate services, Lettings."
    )
    assert Case.objects.count() == 0

    case = case_receive(**details, service_area="Damp and mould")
    assert case.service_area == "Damp and mould"


def test_unknown_kind_channel_and_flags_are_reported_together(organisation_on, clock, handler):
    organisation = organisation_on(HOS)
    clock(2026, 3, 2, 9)

    with pytest.raises(CaseInputError) as refused:
        case_receive(
            organisation=organisation,
            kind="rant",
            channel="pigeon",
            received_at=at(2026, 3, 2, 9),
            summary="  ",
            actor=Actor(handler),
            customer=customer_of(organisation),
            flags=["urgent"],
        )

    assert set(refused.value.fields) == {"kind", "channel", "summary", "flags"}
    assert refused.value.fields["flags"] == "Unknown flags: urgent."


def test_a_received_complaint_starts_at_stage1_with_its_acknowledgement_due(complaint):
    assert (complaint.stage, complaint.status) == ("stage1", Status.OPEN)
    assert complaint.deemed_received_on == D(2026, 3, 2)
    assert complaint.next_due_on == D(2026, 3, 9)
    assert complaint.next_due_step == "stage1:acknowledge"
    data = complaint.events.get().data
    assert (data["pack"], data["start_stage"], data["kind"]) == (HOS, "stage1", "complaint")


def test_a_case_received_on_good_friday_is_deemed_received_after_easter(receive, clock):
    clock(2026, 4, 3, 10)

    case = receive(HOS, received_at=at(2026, 4, 3, 10))

    assert case.deemed_received_on == D(2026, 4, 7)  # Easter Monday skipped too
    assert "Good Friday" in case.events.get().data["deemed_reason"]
    assert deadline(case, "stage1", "acknowledge").due == D(2026, 4, 14)
    assert case.next_due_on == D(2026, 4, 14)


def test_a_case_received_after_the_cutoff_counts_from_the_next_working_day(receive, clock):
    clock(2026, 3, 27, 18)  # Friday, after 17:00

    case = receive(HOS, received_at=at(2026, 3, 27, 18))

    assert case.deemed_received_on == D(2026, 3, 30)
    assert deadline(case, "stage1", "acknowledge").due == D(2026, 4, 8)  # Easter skipped


def test_a_service_request_is_closed_at_once_as_redirected(receive, clock):
    clock(2026, 3, 2, 9)

    case = receive(HOS, kind="service_request", received_at=at(2026, 3, 2, 9))

    assert case.status == Status.CLOSED
    assert case.closure_reason == ClosureReason.REDIRECTED
    assert case.stage == ""
    assert case.closed_at == at(2026, 3, 2, 9)
    assert (case.next_due_on, case.next_action_on) == (None, None)
    assert kinds(case) == ["received", "closed"]
    assert case.events.get(kind=EventKind.CLOSED).data == {
        "reason": "redirected",
        "note": "Redirected to the service that handles the request",
    }


def test_references_are_sequential_per_organisation_and_year(receive, organisation_on, clock):
    clock(2026, 3, 2, 9)
    first = receive(HOS, received_at=at(2026, 3, 2, 9))
    second = receive(HOS, received_at=at(2026, 3, 2, 9))
    elsewhere = receive("rooftop-2023", received_at=at(2026, 3, 2, 9))
    clock(2027, 1, 5, 9)
    next_year = receive(HOS, received_at=at(2027, 1, 5, 9))

    prefix = organisation_on(HOS).reference_prefix
    assert prefix == "LOHC2"
    assert [first.reference, second.reference, next_year.reference] == [
        "LOHC2-2026-00001",
        "LOHC2-2026-00002",
        "LOHC2-2027-00001",
    ]
    assert elsewhere.reference == f"{organisation_on('rooftop-2023').reference_prefix}-2026-00001"


def test_a_refused_case_does_not_use_up_a_reference(receive, organisation_on, clock, handler):
    organisation = organisation_on(HOS)
    clock(2026, 3, 2, 9)
    with pytest.raises(PolicyRuleError):
        case_receive(
            organisation=organisation,
            kind="petition",
            channel="letter",
            received_at=at(2026, 3, 2, 9),
            summary="Petition",
            actor=Actor(handler),
            customer=customer_of(organisation),
        )

    case = receive(HOS, received_at=at(2026, 3, 2, 9))

    assert case.reference == "LOHC2-2026-00001"


def test_organisations_whose_initials_match_can_both_record_cases(clock, handler):
    # Both names give the initials SLH; case references must still never collide.
    clock(2026, 3, 2, 9)
    liverpool = organisation_create(
        slug="south-liverpool-homes", name="South Liverpool Homes", policy_pack=HOS
    )
    sefton = organisation_create(
        slug="sefton-lettings-hub", name="Sefton Lettings Hub", policy_pack=HOS
    )
    received = []
    for organisation in (liverpool, sefton):
        received.append(
            case_receive(
                organisation=organisation,
                kind="complaint",
                channel="phone",
                received_at=at(2026, 3, 2, 9),
                summary="Leak",
                actor=Actor(handler),
                customer=customer_of(organisation),
            )
        )

    assert received[0].reference != received[1].reference
    assert liverpool.reference_prefix != sefton.reference_prefix
    assert received[0].reference == f"{liverpool.reference_prefix}-2026-00001"
    assert received[1].reference == f"{sefton.reference_prefix}-2026-00001"


# -- classifying ---------------------------------------------------------------------------------


def test_reclassifying_a_complaint_as_a_service_request_closes_it(complaint, clock, handler):
    clock(2026, 3, 3, 10)

    case = case_classify(case=complaint, actor=Actor(handler), kind="service_request")

    assert (case.kind, case.status, case.closure_reason) == (
        "service_request",
        Status.CLOSED,
        ClosureReason.REDIRECTED,
    )
    assert kinds(case) == ["received", "classified", "closed"]
    assert case.events.get(kind=EventKind.CLASSIFIED).data == {
        "from": "complaint",
        "kind": "service_request",
        "start_stage": "",
    }


def test_a_case_that_has_moved_on_cannot_be_reclassified_to_another_stage(receive, clock, handler):
    clock(2026, 3, 2, 10)
    case = receive("rooftop-2023", kind="dissatisfaction", received_at=at(2026, 3, 2, 10))
    case = case_acknowledge(case=case, actor=Actor(handler))

    with pytest.raises(CaseStateError, match="The case has moved on"):
        case_classify(case=case, actor=Actor(handler), kind="complaint")
    with pytest.raises(PolicyRuleError, match="does not handle petition cases"):
        case_classify(case=case, actor=Actor(handler), kind="petition")

    case.refresh_from_db()
    assert (case.kind, case.stage) == ("dissatisfaction", "dissatisfaction")


# -- splitting and linking -------------------------------------------------------------------------


def test_splitting_creates_linked_cases_with_events_on_both_sides(complaint, clock, handler):
    clock(2026, 3, 3, 10)

    children = case_split(
        case=complaint,
        actor=Actor(handler),
        summaries=["The leak in the bathroom", "  ", "The rude operative"],
    )

    assert [c.summary for c in children] == ["The leak in the bathroom", "The rude operative"]
    assert [c.reference for c in children] == ["LOHC2-2026-00002", "LOHC2-2026-00003"]
    for child in children:
        assert (child.customer, child.received_at, child.stage) == (
            complaint.customer,
            complaint.received_at,
            "stage1",
        )
        assert CaseLink.objects.filter(
            from_case=child, to_case=complaint, kind=LinkKind.SPLIT_FROM
        ).exists()
        assert kinds(child) == ["received", "linked"]
        assert child.events.get(kind=EventKind.LINKED).data == {
            "kind": "split_from",
            "case": complaint.reference,
        }
        assert deadline(child, "stage1", "acknowledge").due == D(2026, 3, 9)
    assert kinds(complaint) == ["received", "split"]
    assert complaint.events.get(kind=EventKind.SPLIT).data == {
        "into": ["LOHC2-2026-00002", "LOHC2-2026-00003"]
    }


def test_splitting_needs_at_least_one_summary(complaint, clock, handler):
    clock(2026, 3, 3, 10)

    with pytest.raises(CaseInputError, match="Give the summary of each new case"):
        case_split(case=complaint, actor=Actor(handler), summaries=[" ", ""])

    assert Case.objects.count() == 1
    assert kinds(complaint) == ["received"]


def test_a_repeat_dissatisfaction_becomes_a_formal_complaint_under_rooftop(receive, clock, handler):
    clock(2026, 3, 2, 10)
    first = receive("rooftop-2023", kind="dissatisfaction", received_at=at(2026, 3, 2, 10))
    clock(2026, 3, 9, 10)
    repeat = receive("rooftop-2023", kind="dissatisfaction", received_at=at(2026, 3, 9, 10))

    case = case_link(case=repeat, actor=Actor(handler), other=first, kind=LinkKind.REPEAT_OF)

    assert (case.kind, case.stage, case.status) == ("complaint", "stage1", Status.OPEN)
    assert kinds(case) == ["received", "linked", "made_formal"]
    assert case.events.get(kind=EventKind.MADE_FORMAL).data == {
        "to_stage": "stage1",
        "reason": f"A repeat of {first.reference}: the policy treats it as a complaint.",
    }
    assert CaseLink.objects.filter(from_case=repeat, to_case=first, kind="repeat_of").exists()
    first.refresh_from_db()
    assert (first.kind, first.stage) == ("dissatisfaction", "dissatisfaction")


def test_a_related_link_does_not_make_a_dissatisfaction_formal(receive, clock, handler):
    clock(2026, 3, 2, 10)
    first = receive("rooftop-2023", kind="dissatisfaction", received_at=at(2026, 3, 2, 10))
    other = receive("rooftop-2023", kind="dissatisfaction", received_at=at(2026, 3, 2, 10))

    case = case_link(case=other, actor=Actor(handler), other=first)

    assert (case.kind, case.stage) == ("dissatisfaction", "dissatisfaction")
    assert kinds(case) == ["received", "linked"]
    with pytest.raises(CaseStateError, match="is already linked to"):
        case_link(case=other, actor=Actor(handler), other=first)


def test_a_case_cannot_be_linked_to_itself_or_to_another_organisations_case(
    receive, clock, handler
):
    clock(2026, 3, 2, 10)
    ours = receive(HOS, received_at=at(2026, 3, 2, 10))
    theirs = receive("rooftop-2023", received_at=at(2026, 3, 2, 10))

    with pytest.raises(CaseInputError) as itself:
        case_link(case=ours, actor=Actor(handler), other=ours)
    assert itself.value.message == "A case cannot be linked to itself."
    with pytest.raises(CaseInputError) as across:
        case_link(case=ours, actor=Actor(handler), other=theirs)
    assert across.value.message == "Only cases of the same organisation can be linked."

    assert CaseLink.objects.count() == 0
    assert kinds(ours) == ["received"]


# -- closing, reopening and withdrawing ------------------------------------------------------------


def test_closing_records_the_reason_and_stops_the_clock(complaint, clock, handler):
    clock(2026, 3, 5, 15)

    case = case_close(case=complaint, actor=Actor(handler), reason="resolved", note="Fixed")

    assert (case.status, case.closure_reason) == (Status.CLOSED, "resolved")
    assert case.closed_at == at(2026, 3, 5, 15)
    assert (case.next_due_on, case.next_due_step, case.next_action_on) == (None, "", None)
    assert case.events.get(kind=EventKind.CLOSED).data == {"reason": "resolved", "note": "Fixed"}
    with pytest.raises(CaseStateError) as again:
        case_close(case=case, actor=Actor(handler), reason="resolved")
    assert again.value.message == errors.CLOSED
    with pytest.raises(CaseStateError, match="Reopen it first"):
        case_acknowledge(case=case, actor=Actor(handler))


def test_closing_needs_a_recognised_reason(complaint, clock, handler):
    clock(2026, 3, 5, 15)

    with pytest.raises(CaseInputError, match="Choose a reason"):
        case_close(case=complaint, actor=Actor(handler), reason="bored")

    unchanged(complaint, complaint.version, 1)
    assert complaint.status == Status.OPEN


def test_reopening_a_closed_case_records_why_and_restores_its_deadlines(complaint, clock, handler):
    clock(2026, 3, 3, 15)
    case = case_close(case=complaint, actor=Actor(handler), reason="resolved")
    clock(2026, 3, 4, 10)

    with pytest.raises(CaseInputError, match="Say why"):
        case_reopen(case=case, actor=Actor(handler), reason=" ")
    case = case_reopen(case=case, actor=Actor(handler), reason="The leak came back")

    assert (case.status, case.closure_reason, case.closed_at) == (Status.OPEN, "", None)
    assert kinds(case) == ["received", "closed", "reopened"]
    assert case.events.get(kind=EventKind.REOPENED).data == {"reason": "The leak came back"}
    assert case.next_due_on == D(2026, 3, 9)
    with pytest.raises(CaseStateError) as open_already:
        case_reopen(case=case, actor=Actor(handler), reason="Again")
    assert open_already.value.message == errors.NOT_CLOSED


def test_a_withdrawn_case_is_closed_as_withdrawn(complaint, clock, handler):
    clock(2026, 3, 4, 10)

    case = case_withdraw(case=complaint, actor=Actor(handler), note="Sorted with the contractor")

    assert (case.status, case.closure_reason) == (Status.CLOSED, ClosureReason.WITHDRAWN)
    assert kinds(case) == ["received", "withdrawn", "closed"]
    assert case.events.get(kind=EventKind.WITHDRAWN).data == {"note": "Sorted with the contractor"}
    with pytest.raises(CaseStateError, match="Reopen it first"):
        case_withdraw(case=case, actor=Actor(handler))


# -- milestones -------------------------------------------------------------------------------------


def southern_panel_case(receive, clock, handler):
    clock(2026, 3, 2, 10)
    case = receive("southern-housing-2020", received_at=at(2026, 3, 2, 10))
    clock(2026, 3, 12, 10)
    case = case_acknowledge(case=case, actor=Actor(handler), occurred_at=at(2026, 3, 3, 10))
    case = case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="Findings")
    clock(2026, 3, 16, 10)
    return case_escalate(
        case=case, actor=Actor(handler), route="complaint_review_panel", reasons="Unfair"
    )


def test_marking_the_panel_meeting_held_meets_its_deadline(receive, clock, handler):
    case = southern_panel_case(receive, clock, handler)
    assert deadline(case, "stage2", "panel_meeting").state.value == "pending"
    clock(2026, 4, 2, 14)

    case = case_mark_step_done(case=case, actor=Actor(handler), step="panel_meeting")

    panel = deadline(case, "stage2", "panel_meeting")
    assert (panel.due, panel.state.value, panel.completed_on) == (
        D(2026, 4, 10),
        "met",
        D(2026, 4, 2),
    )
    assert case.events.get(kind=EventKind.STEP_DONE).data == {"step": "panel_meeting"}


def test_marking_a_step_the_stage_does_not_have_is_refused(receive, clock, handler):
    case = southern_panel_case(receive, clock, handler)

    with pytest.raises(CaseInputError, match="Stage 2 has no milestone 'site_visit'") as refused:
        case_mark_step_done(case=case, actor=Actor(handler), step="site_visit")

    assert "panel_meeting" in refused.value.fields["step"]
    assert EventKind.STEP_DONE not in kinds(case)


# -- anonymous cases --------------------------------------------------------------------------------


def test_an_anonymous_case_has_no_customer_facing_deadlines(organisation_on, clock, handler):
    organisation = organisation_on("rooftop-2023")
    clock(2026, 3, 2, 9)

    case = case_receive(
        organisation=organisation,
        kind="complaint",
        channel="web_form",
        received_at=at(2026, 3, 2, 9),
        summary="The estate is never cleaned",
        actor=Actor(handler),
        flags=["anonymous"],
    )

    steps = [(d.step, d.audience.value) for d in case_deadlines(case)]
    assert steps == [("ceiling", "internal")]
    assert case.next_due_on == D(2026, 3, 30)
    assert case.next_due_step == "stage1:ceiling"


def test_the_sweep_does_not_alert_on_deadlines_an_anonymous_case_does_not_have(
    organisation_on, clock, handler
):
    organisation = organisation_on("south-liverpool-homes-2021")
    clock(2026, 3, 2, 9)
    case = case_receive(
        organisation=organisation,
        kind="complaint",
        channel="web_form",
        received_at=at(2026, 3, 2, 9),
        summary="The estate is never cleaned",
        actor=Actor(handler),
        flags=["anonymous"],
    )
    assert case_deadlines(case) == []

    clock(2026, 3, 20, 7)  # acknowledgement and response (with breach alerts) both past due
    sweep()

    assert not case.events.filter(kind=EventKind.ALERTED).exists()
    case.refresh_from_db()
    assert case.next_action_on is None


# -- attachments ------------------------------------------------------------------------------------

SMALL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n165\n%%EOF\n"
)


def test_a_small_pdf_is_attached_and_recorded(complaint, clock, handler):
    clock(2026, 3, 3, 10)
    upload = SimpleUploadedFile("photos/leak-report.pdf", SMALL_PDF, "application/pdf")

    attachment = case_attach(case=complaint, actor=Actor(handler), upload=upload)

    assert (attachment.name, attachment.content_type, attachment.size) == (
        "leak-report.pdf",
        "application/pdf",
        len(SMALL_PDF),
    )
    assert attachment.uploaded_by == handler
    attachment.file.open("rb")
    assert attachment.file.read() == SMALL_PDF
    assert complaint.events.get(kind=EventKind.ATTACHMENT).data == {
        "attachment_id": attachment.pk,
        "name": "leak-report.pdf",
    }


def test_plain_text_with_a_charset_is_accepted(complaint, clock, handler):
    clock(2026, 3, 3, 10)
    upload = SimpleUploadedFile("notes.txt", b"Called at 9am", "text/plain; charset=utf-8")

    attachment = case_attach(case=complaint, actor=Actor(handler), upload=upload)

    assert attachment.content_type == "text/plain"


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        (
            "invoice.exe",
            b"MZ\x90\x00\x03\x00\x00\x00",
            "application/x-msdownload",
            "The file must be a PDF, an image, an Office document or plain text.",
        ),
        (
            "invoice.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00",
            "application/pdf",
            "The file's contents do not match its type.",
        ),
        (
            "photo.png",
            SMALL_PDF,
            "image/png",
            "The file's contents do not match its type.",
        ),
        (
            "notes.txt",
            b"abc\x00\x01\x02binary",
            "text/plain",
            "The file's contents do not match its type.",
        ),
        (
            "huge.pdf",
            b"%PDF-1.4\n" + b"0" * MAX_ATTACHMENT_BYTES,
            "application/pdf",
            "The file must be 10 MB or smaller.",
        ),
    ],
    ids=["executable", "pdf-that-is-not", "png-that-is-a-pdf", "binary-text", "over-10mb"],
)
def test_an_unacceptable_file_is_refused_and_nothing_is_attached(
    complaint, clock, handler, name, content, content_type, message
):
    clock(2026, 3, 3, 10)
    version = complaint.version
    upload = SimpleUploadedFile(name, content, content_type)

    with pytest.raises(CaseInputError) as refused:
        case_attach(case=complaint, actor=Actor(handler), upload=upload)

    assert refused.value.message == message
    assert set(refused.value.fields) == {"file"}
    assert Attachment.objects.count() == 0
    unchanged(complaint, version, 1)


def test_an_iphone_heic_photo_is_accepted(complaint, clock, handler):
    clock(2026, 3, 3, 10)
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    upload = SimpleUploadedFile("IMG_0042.HEIC", heic, "image/heic")

    attachment = case_attach(case=complaint, actor=Actor(handler), upload=upload)

    assert (attachment.content_type, attachment.size) == ("image/heic", len(heic))


def test_text_claiming_to_be_a_heic_photo_is_refused(complaint, clock, handler):
    clock(2026, 3, 3, 10)
    upload = SimpleUploadedFile("photo.heic", b"<html><script>alert(1)</script>", "image/heic")

    with pytest.raises(CaseInputError, match="contents do not match its type"):
        case_attach(case=complaint, actor=Actor(handler), upload=upload)

    assert Attachment.objects.count() == 0


def test_a_file_of_exactly_10_mb_is_accepted(complaint, clock, handler):
    clock(2026, 3, 3, 10)
    content = b"%PDF-1.4\n" + b"0" * (MAX_ATTACHMENT_BYTES - 9)
    upload = SimpleUploadedFile("big.pdf", content, "application/pdf")

    attachment = case_attach(case=complaint, actor=Actor(handler), upload=upload)

    assert attachment.size == MAX_ATTACHMENT_BYTES == 10 * 1024 * 1024


# -- the cached next due date -------------------------------------------------------------------------


def test_the_next_due_date_follows_the_earliest_open_deadline(complaint, clock, handler):
    assert (complaint.next_due_on, complaint.next_due_step) == (
        D(2026, 3, 9),
        "stage1:acknowledge",
    )

    clock(2026, 3, 11, 10)  # the acknowledgement is overdue: still the earliest open deadline
    case = case_add_note(case=complaint, actor=Actor(handler), text="Chasing")
    assert (case.next_due_on, case.next_due_step) == (D(2026, 3, 9), "stage1:acknowledge")

    clock(2026, 3, 20, 10)
    case = case_acknowledge(case=case, actor=Actor(handler))
    assert (case.next_due_on, case.next_due_step) == (D(2026, 4, 7), "stage1:respond")  # Easter

    clock(2026, 3, 25, 10)
    case = case_extend(case=case, actor=Actor(handler), working_days=3, reason="third_party")
    assert case.next_due_on == D(2026, 4, 10)

    clock(2026, 4, 8, 10)
    case = case_respond(case=case, actor=Actor(handler), outcome="upheld", text="Fixed")
    assert (case.next_due_on, case.next_due_step) == (None, "")

    clock(2026, 4, 9, 10)
    case = case_escalate(case=case, actor=Actor(handler))
    assert (case.next_due_on, case.next_due_step) == (D(2026, 4, 16), "stage2:acknowledge")
