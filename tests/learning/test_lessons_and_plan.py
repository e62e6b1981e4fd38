"""A lesson, the action it raises, and what follows: the Rooftop condition of closing, the
clock on the owner's My work and its chase, completion with the complainant told, the
effectiveness review, and the text residents read."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from pypdf import PdfReader

from putright.accounts.access import AccessDeniedError
from putright.cases.errors import CaseInputError, CaseStateError, NotPermittedError
from putright.cases.errors import PolicyRuleError as CasePolicyRuleError
from putright.cases.services import Actor, case_close
from putright.cases.services.closing import NO_LESSONS_REPORT
from putright.learning import services
from putright.learning.models import ActionStatus, Publication
from putright.learning.services import ActionToRaise
from putright.letters.models import Correspondence
from putright.timeline.models import Clock, Entry
from putright.timeline.selectors import clocks_owed_by
from putright.timeline.services import sweep_clocks

from .conftest import answered, at, complaint

pytestmark = pytest.mark.django_db


def test_a_rooftop_complaint_cannot_close_without_its_lessons_learned_report(now, landlord, people):
    roof = landlord("rooftop-2023")
    staff = people(roof)
    case = answered(
        complaint(roof, staff["handler"], received_at=at(2026, 3, 2)), staff["handler"], "upheld"
    )

    with pytest.raises(CasePolicyRuleError) as refused:
        case_close(case=case, actor=Actor(staff["handler"]), reason="resolved")
    assert refused.value.message == NO_LESSONS_REPORT.format(source="11.2, flowchart")
    assert refused.value.rule == "learning.report_closes"
    assert refused.value.source == "11.2, flowchart"

    services.lesson_record(
        case=case,
        actor=Actor(staff["handler"]),
        issue=1,
        cause="missed_appointment",
        scope="systemic",
        text="Appointments were booked without checking the operative's diary.",
    )
    closed = case_close(case=case, actor=Actor(staff["handler"]), reason="resolved")
    assert closed.is_closed


def test_a_complaint_withdrawn_before_any_answer_closes_without_a_report(now, landlord, people):
    roof = landlord("rooftop-2023")
    staff = people(roof)
    case = complaint(roof, staff["handler"], received_at=at(2026, 3, 2))
    assert case_close(case=case, actor=Actor(staff["handler"]), reason="withdrawn").is_closed


def test_a_policy_without_the_condition_closes_an_answered_complaint(now, landlord, people):
    southern = landlord("southern-housing-2020")
    staff = people(southern)
    case = answered(
        complaint(southern, staff["handler"], received_at=at(2026, 3, 2)),
        staff["handler"],
        "upheld",
    )
    assert case_close(case=case, actor=Actor(staff["handler"]), reason="resolved").is_closed


def test_a_root_cause_is_recorded_only_for_an_upheld_or_partly_upheld_issue(now, landlord, people):
    roof = landlord("rooftop-2023")
    staff = people(roof)
    case = answered(
        complaint(roof, staff["handler"], received_at=at(2026, 3, 2)),
        staff["handler"],
        "partly_upheld",
        "not_upheld",
    )
    with pytest.raises(CaseInputError) as wrong:
        services.lesson_record(
            case=case,
            actor=Actor(staff["handler"]),
            issue=2,
            cause="delay",
            scope="individual",
            text="x",
        )
    assert wrong.value.fields == {
        "issue": "Root causes are recorded for issues that were upheld or partly upheld; "
        "issue 2 was not upheld."
    }
    with pytest.raises(CaseInputError) as unknown:
        services.lesson_record(
            case=case,
            actor=Actor(staff["handler"]),
            issue=1,
            cause="bad_luck",
            scope="individual",
            text="x",
        )
    assert "communication" in unknown.value.fields["cause"]
    lesson = services.lesson_record(
        case=case,
        actor=Actor(staff["handler"]),
        issue=1,
        cause="delay",
        scope="individual",
        text="Late.",
    )
    assert lesson.issue.number == 1


def test_only_the_role_the_policy_names_records_lessons(now, landlord, people):
    # Southern's Customer Relations Advisors (complaint handlers) review upheld complaints
    # for lessons (4.12.1); a complaints manager may too; an investigating officer named on
    # the case may not.
    southern = landlord("southern-housing-2020")
    staff = people(southern)
    case = answered(
        complaint(southern, staff["handler"], received_at=at(2026, 3, 2)),
        staff["handler"],
        "upheld",
    )
    from putright.cases.models import Case

    Case.objects.filter(pk=case.pk).update(investigator=staff["officer"])
    case.refresh_from_db()
    with pytest.raises(NotPermittedError) as refused:
        services.lesson_record(
            case=case, actor=Actor(staff["officer"]), cause="delay", scope="individual", text="x"
        )
    assert refused.value.rule == "learning.lessons_by"
    assert "Customer Relations Advisor" in refused.value.message
    assert services.lesson_record(
        case=case, actor=Actor(staff["manager"]), cause="delay", scope="individual", text="x"
    )


def test_a_lesson_raises_an_action_chased_completed_reviewed_and_told(
    now, landlord, people, django_capture_on_commit_callbacks
):
    slh = landlord("south-liverpool-homes-2021")
    staff = people(slh)
    case = answered(
        complaint(slh, staff["handler"], received_at=at(2026, 3, 2), service_area="Repairs"),
        staff["handler"],
        "upheld",
    )
    lesson = services.lesson_record(
        case=case,
        actor=Actor(staff["handler"]),
        issue=1,
        cause="missed_appointment",
        scope="systemic",
        text="Repairs were booked without telling the resident the time slot.",
        actions=[
            ActionToRaise(
                "Text every resident their appointment slot the day before.",
                "teamleader",
                datetime.date(2026, 4, 17),
            )
        ],
    )
    [action] = lesson.actions.all()
    assert action.owner == staff["teamleader"]
    assert action.case == case
    assert action.service_area == "Repairs"

    # Its deadline is on the owner's My work, and the sweep chases it once it passes.
    [owed] = clocks_owed_by(user=staff["teamleader"])
    assert owed.clock.label == "Complete the improvement action"
    assert owed.clock.due_on == datetime.date(2026, 4, 17)
    now(2026, 4, 20)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_clocks() == 1
    assert sweep_clocks() == 0
    assert any(
        "Improvement action" in m.subject or "Improvement action" in m.body for m in mail.outbox
    )

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.improvement_complete(
            action=action,
            actor=Actor(staff["teamleader"]),
            note="The repairs system now sends the text at 6pm the day before.",
        )
    assert done.status == ActionStatus.COMPLETED
    assert done.completed_on == datetime.date(2026, 4, 20)
    # The policy sets no time for the review: PutRight's default applies.
    assert done.review_due_on == datetime.date(2026, 4, 20) + datetime.timedelta(days=91)

    # The complainant is told what changed (4.1.8), by e-mail with the letter as PDF.
    told = Correspondence.objects.get(case=case, template="improvement_made")
    assert told.subject.startswith("What we have changed because of your complaint")
    [sent] = mail.outbox
    assert sent.to == ["pat@example.org"]
    text = "".join(p.extract_text() for p in PdfReader(told.pdf.open()).pages)
    assert "Text every resident their appointment slot" in text
    assert "Repairs were booked without telling the resident" in text
    told_event = case.events.get(data__learning="improvement_told")
    assert told_event.kind == "note"
    assert told_event.data["text"].startswith("The customer is told what changed")

    # The effectiveness review is the owner's next deadline.
    [owed] = clocks_owed_by(user=staff["teamleader"])
    assert owed.clock.label == "Review whether the improvement worked"
    assert owed.clock.due_on == done.review_due_on
    with pytest.raises(AccessDeniedError):
        services.improvement_review(
            action=done, actor=Actor(staff["handler"]), effective=True, note="Fewer."
        )
    reviewed = services.improvement_review(
        action=done,
        actor=Actor(staff["manager"]),
        effective=True,
        note="No missed appointments reported since.",
    )
    assert reviewed.effective is True
    assert clocks_owed_by(user=staff["teamleader"]) == []
    with pytest.raises(CaseStateError):
        services.improvement_review(
            action=reviewed, actor=Actor(staff["manager"]), effective=False, note="Again."
        )
    kinds = list(
        Entry.objects.filter(record_type="improvement_action", record_id=action.pk).values_list(
            "kind", flat=True
        )
    )
    assert kinds[0] == "raised"
    assert {"chased", "completed", "complainant_told", "reviewed"} <= set(kinds)


def test_a_policy_without_the_letter_does_not_write_to_the_complainant(now, landlord, people):
    roof = landlord("rooftop-2023")
    staff = people(roof)
    case = answered(
        complaint(roof, staff["handler"], received_at=at(2026, 3, 2)), staff["handler"], "upheld"
    )
    action = services.improvement_raise(
        organisation=roof,
        actor=Actor(staff["handler"]),
        source="case",
        case_reference=case.reference,
        text="Check the diary before booking.",
        owner="teamleader",
        due_on=datetime.date(2026, 4, 1),
    )
    services.improvement_complete(action=action, actor=Actor(staff["teamleader"]), note="Done.")
    assert not Correspondence.objects.filter(case=case).exists()


def test_an_owner_completes_their_own_action_whatever_their_role(now, landlord, people):
    roof = landlord("rooftop-2023")
    staff = people(roof)
    action = services.improvement_raise(
        organisation=roof,
        actor=Actor(staff["manager"]),
        source="ombudsman",
        source_reference="HOS 202412345",
        text="Train repairs staff on damp and mould.",
        owner="handler",
        due_on=datetime.date(2026, 5, 1),
    )
    services.improvement_progress(action=action, actor=Actor(staff["handler"]), text="Booked.")
    done = services.improvement_complete(
        action=action, actor=Actor(staff["handler"]), note="All trained."
    )
    assert done.status == ActionStatus.COMPLETED
    with pytest.raises(CaseStateError):
        services.improvement_progress(action=done, actor=Actor(staff["handler"]), text="More.")


def test_raising_checks_its_input(now, landlord, people):
    roof = landlord("rooftop-2023")
    staff = people(roof)
    actor = Actor(staff["handler"])
    cases = {
        "due_on": dict(source="review", source_reference="Q1", due_on=datetime.date(2026, 3, 1)),
        "owner": dict(source="review", source_reference="Q1", owner="nobody"),
        "case": dict(source="case"),
        "source_reference": dict(source="ombudsman"),
    }
    for field, changes in cases.items():
        given = {
            "text": "Do it.",
            "owner": "handler",
            "due_on": datetime.date(2026, 4, 1),
            **changes,
        }
        with pytest.raises(CaseInputError) as refused:
            services.improvement_raise(organisation=roof, actor=actor, **given)
        assert field in refused.value.fields, field


def test_the_text_for_residents_names_nobody_and_is_approved_by_someone_else(now, landlord, people):
    roof = landlord("rooftop-2023")
    staff = people(roof)
    case = answered(
        complaint(roof, staff["handler"], received_at=at(2026, 3, 2)), staff["handler"], "upheld"
    )
    action = services.improvement_raise(
        organisation=roof,
        actor=Actor(staff["handler"]),
        source="case",
        case_reference=case.reference,
        text="Check the diary before booking.",
        owner="manager",
        due_on=datetime.date(2026, 4, 1),
    )
    with pytest.raises(CaseStateError):
        services.improvement_write_public(action=action, actor=Actor(staff["handler"]), text="x")
    services.improvement_complete(action=action, actor=Actor(staff["manager"]), note="Done.")
    for leaky, what in (
        ("Pat told us her boiler was not fixed.", "the name Pat"),
        (f"After complaint {case.reference} we changed.", f"the case reference {case.reference}"),
        ("Write to pat@example.org for more.", "the e-mail address pat@example.org"),
        ("Residents in NT1 1AA had missed visits.", "the postcode NT1 1AA"),
    ):
        with pytest.raises(CaseInputError) as refused:
            services.improvement_write_public(
                action=action, actor=Actor(staff["handler"]), text=leaky
            )
        assert what in refused.value.fields["public_text"]
    written = services.improvement_write_public(
        action=action,
        actor=Actor(staff["manager"]),
        text="You told us repairs were booked when no one was free. We now check first.",
    )
    assert written.publication == Publication.AWAITING
    with pytest.raises(AccessDeniedError):
        services.improvement_approve_public(
            action=written, actor=Actor(staff["handler"]), approve=True
        )
    with pytest.raises(CasePolicyRuleError) as own:
        services.improvement_approve_public(
            action=written, actor=Actor(staff["manager"]), approve=True
        )
    assert "Someone other than its writer approves" in own.value.message
    published = services.improvement_approve_public(
        action=written, actor=Actor(staff["teamleader"]), approve=True
    )
    assert published.publication == Publication.PUBLISHED
    assert published.published_on == datetime.date(2026, 3, 16)


def test_southerns_advisor_reviews_each_upheld_complaint_on_their_my_work(now, landlord, people):
    southern = landlord("southern-housing-2020")
    staff = people(southern)
    upheld = answered(
        complaint(southern, staff["handler"], received_at=at(2026, 3, 2)),
        staff["handler"],
        "upheld",
    )
    from putright.cases.models import Case

    Case.objects.filter(pk=upheld.pk).update(handler=staff["handler"])
    not_upheld = answered(
        complaint(
            southern, staff["handler"], received_at=at(2026, 3, 3), summary="Rent charge wrong"
        ),
        staff["handler"],
        "not_upheld",
    )
    assert services.start_lessons_reviews() == 1
    assert services.start_lessons_reviews() == 0  # once each
    clock = Clock.objects.get(record_type="case", step="lessons_review")
    assert clock.record_id == upheld.pk != not_upheld.pk
    assert clock.owner == staff["handler"]
    # No time in the procedure: by the end of the quarter, for the quarterly review (4.12.1).
    assert clock.due_on == datetime.date(2026, 3, 31)
    assert [o.clock for o in clocks_owed_by(user=staff["handler"])] == [clock]
    # Not a condition of closing.
    assert case_close(case=upheld, actor=Actor(staff["handler"]), reason="resolved").is_closed
    services.lesson_record(
        case=upheld,
        actor=Actor(staff["handler"]),
        cause="communication",
        scope="individual",
        text="We did not call back.",
    )
    clock.refresh_from_db()
    assert clock.completed_at is not None
