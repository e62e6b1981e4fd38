"""The extension letter explains the delay in the handler's words and gives the Ombudsman's
details; every stage's response does too (Code 6.4, 6.5; issue 17 point 7, issue 18)."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from putright.cases.models import Event, EventKind
from putright.cases.ombudsman import route_details
from putright.cases.selectors import case_events
from putright.cases.services import Actor, case_acknowledge, case_escalate, case_extend
from putright.letters.rendering import letter_for, render_letter
from putright.letters.services import letter_send
from putright.policies.registry import get_pack

pytestmark = pytest.mark.django_db(transaction=True)

PACKS = [
    "hos-code-2024",
    "southern-housing-2020",
    "feedback-policy-2021",
    "south-liverpool-homes-2021",
    "housing-plus-group-2021",
    "rooftop-2023",
]


def letter_text(letter) -> str:
    letter.pdf.open("rb")
    reader = PdfReader(io.BytesIO(letter.pdf.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def extended_letter(case, handler):
    sequence = case.events.filter(kind=EventKind.EXTENDED).order_by("-sequence")[0].sequence
    return letter_text(letter_send(case=case, sequence=sequence, actor=Actor(handler)))


def test_the_extension_letter_carries_the_reason_and_the_handlers_explanation(
    receive, clock, handler
):
    clock(2026, 3, 2, 9)
    case = receive("southern-housing-2020", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 9, 10)
    case = case_extend(
        case=case,
        actor=Actor(handler),
        working_days=5,
        reason="investigating_team_delay",
        explanation="The surveyor who inspected your roof is off sick until next week.",
    )

    text = extended_letter(case, handler)

    assert (
        "This is because: The investigating team cannot respond in time (exceptional cases "
        "only)." in text
    )
    assert "The surveyor who inspected your roof is off sick until next week." in text
    assert "Mon 23 Mar 2026" in text  # the new date
    assert "Going to the Housing Ombudsman" in text
    assert "0300 111 3000" in text


def test_a_reason_in_the_handlers_own_words_is_given_as_written(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 9, 10)
    case = case_extend(
        case=case,
        actor=Actor(handler),
        working_days=5,
        reason="the gas engineer's report on the flue is not back yet",
        explanation="We asked for it on 3 March and have chased it twice.",
    )

    text = extended_letter(case, handler)

    assert "This is because: the gas engineer's report on the flue is not back yet." in text
    assert "We asked for it on 3 March and have chased it twice." in text


def _unsent(case, kind, stage_id, data):
    events = list(case_events(case))
    event = Event(
        case=case,
        kind=kind,
        stage=stage_id,
        sequence=events[-1].sequence + 1,
        occurred_at=timezone.now() - datetime.timedelta(minutes=1),
        data=data,
    )
    return event, [*events, event]


@pytest.mark.parametrize("pack_id", PACKS)
def test_every_stages_response_and_any_extension_letter_gives_the_ombudsmans_details(
    receive, clock, handler, pack_id
):
    clock(2026, 3, 2, 9)
    case = receive(pack_id, received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    pack = get_pack(pack_id)
    details = route_details(case.organisation.ombudsman_route)
    checked = []
    for stage in pack.stages:
        kinds = [(EventKind.RESPONDED, {"outcome": "upheld", "text": "We were wrong."})]
        if stage.extension is not None or any(r.extension for r in stage.routes):
            kinds.append(
                (EventKind.EXTENDED, {"working_days": 5, "explanation": "We need a report."})
            )
        for kind, data in kinds:
            event, events = _unsent(case, kind, stage.id, data)
            spec = letter_for(case, event)
            if spec is None:
                continue
            _subject, html = render_letter(case, event, spec, events)
            assert details["phone"] in html, (stage.id, kind)
            assert details["short_name"] in html, (stage.id, kind)
            checked.append((stage.id, kind))

    assert any(kind == EventKind.RESPONDED for _stage, kind in checked)


def test_a_stage_2_extension_letter_at_the_code_gives_the_ombudsmans_details(
    receive, clock, handler, manager
):
    from putright.cases.services import case_respond

    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 9, 10)
    case = case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="On time.")
    clock(2026, 3, 10, 10)
    case = case_escalate(case=case, actor=Actor(handler))
    case = case_acknowledge(case=case, actor=Actor(manager))
    clock(2026, 3, 16, 10)
    case = case_extend(
        case=case,
        actor=Actor(manager),
        working_days=10,
        explanation="The contractor's records are with their insurer.",
    )

    text = extended_letter(case, manager)

    assert "The contractor's records are with their insurer." in text
    assert "Housing Ombudsman" in text
    assert "0300 111 3000" in text


def test_an_organisations_own_extension_letter_still_carries_the_ombudsmans_details(
    receive, clock, handler
):
    """Code 6.5: enforced in the letter, even where the organisation's template forgets."""
    from putright.letters.models import LetterTemplate

    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    LetterTemplate.objects.create(
        organisation=case.organisation,
        template="extension",
        subject="More time",
        body="<p>Dear {{ addressee }}, we need until {{ next_date }}.</p>",
    )
    case = case_acknowledge(case=case, actor=Actor(handler))
    case = case_extend(case=case, actor=Actor(handler), working_days=5, explanation="A survey.")
    text = extended_letter(case, handler)
    assert "we need until" in text
    assert "Going to the Housing Ombudsman" in text
    assert "0300 111 3000" in text
