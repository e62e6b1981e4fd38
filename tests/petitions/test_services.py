"""The petition services: each change one event, conflicting edits refused, a failure rolling
the whole action back, and the Stage 1 handler kept off stage 2."""

from __future__ import annotations

import pytest

from putright.cases.errors import CaseStateError, ConflictError, PolicyRuleError
from putright.cases.models import Event, EventKind
from putright.cases.services import Actor, case_assign
from putright.petitions import letters, services
from putright.petitions.models import Batch, Signatory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(petition_case, users):
    services.petition_record(
        case=petition_case,
        actor=Actor(users["complaint_handler"]),
        signatories=[
            services.SignatoryIn(name="Ann Able", address="3 Oak Road", postcode="NT1 3ZZ"),
            services.SignatoryIn(name="Ben Bold", email="ben@example.org", signature_seen=True),
        ],
    )
    petition_case.refresh_from_db()
    return petition_case


def notes(case) -> list[dict]:
    return [
        e.data["petition"]
        for e in Event.objects.filter(case=case, kind=EventKind.NOTE).order_by("sequence")
    ]


def test_adding_correcting_and_removing_a_signatory_are_each_an_event(recorded, users):
    actor = Actor(users["complaint_handler"])
    added = services.signatory_add(
        case=recorded, actor=actor, signatory=services.SignatoryIn(name="Cat Calm")
    )
    assert added.number == 4
    assert added.missing == ["address", "postcode", "signature"]
    ann = Signatory.objects.get(name="Ann Able")
    services.signatory_change(
        signatory=ann, actor=actor, changes={"signature": True, "email": "ann@example.org"}
    )
    ann.refresh_from_db()
    assert ann.missing == []
    assert ann.person.email == "ann@example.org"
    services.signatory_remove(signatory=added, actor=actor, reason="Signed on behalf of another")
    assert [n["action"] for n in notes(recorded)] == [
        "recorded",
        "signatory_added",
        "signatory_changed",
        "signatory_removed",
    ]
    assert notes(recorded)[2]["fields"] == ["signature", "email"]


def test_the_lead_and_those_already_written_to_stay(recorded, users, clock):
    actor = Actor(users["complaint_handler"])
    lead = Signatory.objects.get(lead=True)
    with pytest.raises(CaseStateError, match="lead petitioner cannot be removed"):
        services.signatory_remove(signatory=lead, actor=actor, reason="Mistake")
    services.petition_acknowledge(case=recorded, actor=actor)
    ann = Signatory.objects.get(name="Ann Able")
    with pytest.raises(CaseStateError, match="already been written to"):
        services.signatory_remove(signatory=ann, actor=actor, reason="Mistake")


def test_a_change_made_meanwhile_is_refused(recorded, users):
    seen = recorded.version
    services.petition_confirm_clear(case=recorded, actor=Actor(users["complaint_handler"]))
    with pytest.raises(ConflictError):
        services.petition_update(
            case=recorded,
            actor=Actor(users["manager"]),
            text="An engineer visits.",
            expected_version=seen,
        )
    assert not Batch.objects.exists()


def test_a_failure_while_writing_rolls_the_acknowledgement_back(recorded, users, monkeypatch):
    def broken(case, written):
        raise RuntimeError("the mail server is down")

    monkeypatch.setattr(letters, "send_emails", broken)
    with pytest.raises(RuntimeError):
        services.petition_acknowledge(case=recorded, actor=Actor(users["complaint_handler"]))
    assert not Event.objects.filter(case=recorded, kind=EventKind.ACKNOWLEDGED).exists()
    assert not Batch.objects.exists()


def test_the_stage_1_handler_may_not_take_stage_2(recorded, users, clock):
    handler = Actor(users["complaint_handler"])
    case_assign(case=recorded, actor=handler, handler=users["complaint_handler"])
    services.petition_acknowledge(case=recorded, actor=handler)
    clock(2026, 3, 10, 10)
    services.petition_respond(case=recorded, actor=handler, outcome="not_upheld", text="Fixed.")
    services.petition_record_unhappy(case=recorded, actor=handler, numbers=[2])
    with pytest.raises(PolicyRuleError, match="someone else considers"):
        services.petition_decide(
            case=recorded,
            actor=Actor(users["manager"]),
            decision="stage2",
            reasons="Review",
            representative=2,
            representative_agreed=True,
            handler=users["complaint_handler"],
            route="senior_manager_review",
        )
    recorded.refresh_from_db()
    assert recorded.stage == "petition"  # nothing of the decision was kept
    assert not Signatory.objects.filter(representative=True).exists()


def test_further_advice_keeps_the_petition_where_it_is(recorded, users, clock):
    handler = Actor(users["complaint_handler"])
    services.petition_acknowledge(case=recorded, actor=handler)
    clock(2026, 3, 10, 10)
    services.petition_respond(case=recorded, actor=handler, outcome="upheld", text="Fixed.")
    services.petition_record_unhappy(case=recorded, actor=handler, numbers=[1, 2, 3])
    assert "All petitioners are unhappy" in Event.objects.filter(case=recorded).last().data["text"]
    clock(2026, 3, 11, 10)
    services.petition_decide(
        case=recorded,
        actor=Actor(users["manager"]),
        decision="further_advice",
        reasons="A second engineer will call.",
    )
    recorded.refresh_from_db()
    assert recorded.stage == "petition"
    assert notes(recorded)[-1]["decided_as"] == (
        "Area / Contracts Manager or Head of or equivalent Manager"
    )


def test_where_someone_holds_the_deciding_role_only_they_decide(
    recorded, users, clock, monkeypatch
):
    """Southern's Area Manager / Head of (4.11.3) is held by nobody in PutRight here, so a
    manager decides; once someone holds it, only they do."""
    handler = Actor(users["complaint_handler"])
    services.petition_acknowledge(case=recorded, actor=handler)
    clock(2026, 3, 10, 10)
    services.petition_respond(case=recorded, actor=handler, outcome="upheld", text="Fixed.")
    services.petition_record_unhappy(case=recorded, actor=handler, numbers=[2])
    holder = users["second_manager"]
    monkeypatch.setattr(
        services,
        "people_for_role",
        lambda **kw: [holder] if kw["role_id"] == "head_of" else [],
    )
    with pytest.raises(
        PolicyRuleError, match=r"decides whether a petition goes further \(4.11.3\)"
    ):
        services.petition_decide(
            case=recorded,
            actor=Actor(users["manager"]),
            decision="further_advice",
            reasons="Advice.",
        )
    services.petition_decide(
        case=recorded, actor=Actor(holder), decision="further_advice", reasons="Advice."
    )
    assert notes(recorded)[-1]["action"] == "further_advice"
