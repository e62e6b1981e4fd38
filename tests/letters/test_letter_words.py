"""What a resident, a handler and the Ombudsman read: the pack's words, never its codes; dates
as dates; plain titles; one full stop; no signature alone on a page (issue 17, points 8, 9)."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.html import strip_tags
from pypdf import PdfReader

from putright.cases.errors import CaseStateError
from putright.cases.models import Event, EventKind
from putright.cases.selectors import case_events
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_close,
    case_extend,
    case_respond,
)
from putright.letters.rendering import DEFAULT_LETTERS, letter_for, render_letter, render_pdf
from putright.letters.services import letter_send, ombudsman_bundle
from putright.policies.registry import get_pack

pytestmark = pytest.mark.django_db(transaction=True)

DOUBLED_STOP = re.compile(r"(?<!\.)\.\s*\.(?!\.)")


def pdf_pages(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def letter_text(letter) -> str:
    letter.pdf.open("rb")
    return " ".join(pdf_pages(letter.pdf.read()))


def words_of(html: str) -> str:
    body = html.split("<body>", 1)[-1]
    return " ".join(strip_tags(body).split())


def event_seq(case, kind):
    return case.events.filter(kind=kind).order_by("-sequence").first().sequence


@pytest.fixture
def southern_extended(receive, clock, handler):
    """A Southern stage 1 complaint extended because the investigating team is late."""
    clock(2026, 3, 2, 9)
    case = receive("southern-housing-2020", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 9, 10)
    return case_extend(
        case=case, actor=Actor(handler), working_days=5, reason="investigating_team_delay"
    )


LABEL = "The investigating team cannot respond in time (exceptional cases only)"


def test_the_extension_letter_gives_the_reason_in_the_policys_words(southern_extended, handler):
    letter = letter_send(
        case=southern_extended,
        sequence=event_seq(southern_extended, EventKind.EXTENDED),
        actor=Actor(handler),
    )

    text = letter_text(letter)
    assert f"This is because: {LABEL}." in text
    assert "investigatingteamdelay" not in text
    assert "investigating_team_delay" not in text
    assert "instead of Mon 16 Mar 2026 as we said before" in text  # the earlier date, in words


def test_the_history_and_the_bundle_give_reasons_and_dates_in_words(
    southern_extended, handler, client
):
    from putright.accounts.models import Membership, Role

    Membership.objects.create(
        user=handler, organisation=southern_extended.organisation, role=Role.COMPLAINT_HANDLER
    )
    case = case_close(case=southern_extended, actor=Actor(handler), reason="window_lapsed")
    client.force_login(handler)

    page = " ".join(strip_tags(client.get(f"/cases/{case.reference}/").content.decode()).split())
    bundle = " ".join(pdf_pages(ombudsman_bundle(case)))

    assert f"Reason: {LABEL}" in page
    assert "Reason: Escalation window lapsed" in page
    assert "window_lapsed" not in page
    assert "investigating_team_delay" not in page
    assert "New due date: Mon 23 Mar 2026" in page
    assert "2026-03-23" not in page
    assert f"Extended ({LABEL})" in bundle
    assert "Closed (Escalation window lapsed)" in bundle
    assert "investigating_team_delay" not in bundle
    assert "window_lapsed" not in bundle
    assert f"Policy {get_pack('southern-housing-2020').title}" in bundle


def test_a_residents_letter_is_titled_in_plain_words_not_the_templates_staff_name(
    receive, clock, handler
):
    clock(2026, 3, 2, 9)
    case = receive("southern-housing-2020", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 9, 10)
    case = case_respond(case=case, actor=Actor(handler), outcome="upheld", text="We were late.")
    sequence = event_seq(case, EventKind.RESPONDED)
    assert (
        letter_for(case, case.events.get(sequence=sequence)).label == "Stage one response template"
    )

    letter = letter_send(case=case, sequence=sequence, actor=Actor(handler))

    assert letter.subject == f"Our response to your complaint ({case.reference})"
    assert mail.outbox[0].subject == letter.subject
    letter.pdf.open("rb")
    metadata = PdfReader(io.BytesIO(letter.pdf.read())).metadata
    for said in (letter.html, mail.outbox[0].body, str(metadata)):
        assert "template" not in said.lower()


def test_the_e_mail_text_is_the_letter_not_its_style_sheet(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))

    letter_send(case=case, sequence=event_seq(case, EventKind.ACKNOWLEDGED), actor=Actor(handler))

    body = mail.outbox[0].body
    assert body.lstrip().startswith("Landlord on hos-code-2024")
    assert "@page" not in body
    assert "font-family" not in body
    assert "Dear Pat Resident," in body


def test_a_letter_already_sent_is_named_by_its_date_in_words(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    sequence = event_seq(case, EventKind.ACKNOWLEDGED)
    letter_send(case=case, sequence=sequence, actor=Actor(handler))

    with pytest.raises(CaseStateError) as refused:
        letter_send(case=case, sequence=sequence, actor=Actor(handler))

    assert refused.value.message == "That letter was already sent on Mon 2 Mar 2026."


# -- every default template ------------------------------------------------------------------

#: What each kind of event holds, each reason and label ending with its own full stop.
EVENTS = {
    EventKind.ACKNOWLEDGED: {},
    EventKind.EXTENDED: {
        "working_days": 5,
        "reason": "The contractor has not reported back.",
        "explanation": "We are waiting for the roofer's report.",
        "previous_due": "2026-03-16",
        "new_due": "2026-03-23",
    },
    EventKind.INVESTIGATION_REQUESTED: {"team": "Repairs."},
    EventKind.RESPONDED: {"outcome": "upheld", "text": "We were late.", "issues": []},
    EventKind.ESCALATION_REFUSED: {
        "ground": "no_new_issues",
        "ground_label": "No new issues were raised.",
        "explanation": "Everything was answered.",
        "source": "7.2.",
    },
    EventKind.CLOSED: {"reason": "no_contact", "note": ""},
    EventKind.ELIGIBILITY_DECIDED: {
        "accepted": False,
        "reason": "It happened long ago.",
        "exclusion": "time_limit",
        "exclusion_label": "The complaint was made more than a year after the problem.",
        "source": "4.1.",
    },
    EventKind.CHASED: {"action": "write_to_customer"},
    EventKind.AWARD_OFFERED: {},
    EventKind.AWARD_PAID: {"paid": "£50.00", "method": "bank_transfer"},
}


@pytest.mark.parametrize(
    ("kind", "stage"),
    [(kind, "stage1") for kind in DEFAULT_LETTERS] + [(EventKind.RESPONDED, "stage2")],
)
def test_every_default_letter_ends_each_sentence_with_one_full_stop(
    receive, clock, handler, kind, stage
):
    clock(2026, 3, 2, 9)
    case = receive(
        "hos-code-2024",
        received_at=clock(2026, 3, 2, 9),
        summary="The boiler broke.",
        desired_outcome="Fix it.",
    )
    case = case_acknowledge(case=case, actor=Actor(handler))
    events = list(case_events(case))
    event = Event(
        case=case,
        kind=kind,
        stage=stage,
        sequence=events[-1].sequence + 1,
        occurred_at=timezone.now() + datetime.timedelta(minutes=-1),
        data=EVENTS[kind],
    )
    spec = letter_for(case, event)

    _subject, html = render_letter(case, event, spec, [*events, event])

    text = words_of(html)
    assert not DOUBLED_STOP.search(text), DOUBLED_STOP.search(text).string[-200:]
    assert "_" not in text.replace("__", "")  # no code reaches the reader


def test_the_signature_never_stands_alone_on_a_page(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 9, 10)
    events = list(case_events(case))
    alone = []
    for paragraphs in range(10, 34):
        text = "\n\n".join(
            f"Point {n}: we looked at the repair records and spoke to the contractor again."
            for n in range(paragraphs)
        )
        event = Event(
            case=case,
            kind=EventKind.RESPONDED,
            stage="stage1",
            sequence=events[-1].sequence + 1,
            occurred_at=timezone.now(),
            data={"outcome": "upheld", "text": text, "issues": []},
        )
        _subject, html = render_letter(case, event, letter_for(case, event), [*events, event])
        last = pdf_pages(render_pdf(html))[-1]
        if last.startswith("Yours sincerely"):
            alone.append(paragraphs)

    assert alone == []


def test_the_history_writes_the_dates_an_event_names_as_dates(receive, clock, handler, client):
    from putright.accounts.models import Membership, Role
    from putright.cases.services import case_record_event

    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    clock(2026, 3, 12, 9)
    case = case_record_event(
        case=case,
        actor=Actor(handler),
        kind=EventKind.ACTION_OVERDUE,
        data={"due_on": "2026-03-10", "description": "Action overdue since 2026-03-10: gutter"},
    )
    Membership.objects.create(
        user=handler, organisation=case.organisation, role=Role.COMPLAINT_HANDLER
    )
    client.force_login(handler)

    page = " ".join(strip_tags(client.get(f"/cases/{case.reference}/").content.decode()).split())
    bundle = " ".join(pdf_pages(ombudsman_bundle(case)))

    assert "Action overdue since Tue 10 Mar 2026: gutter" in page
    assert "Action overdue since Tue 10 Mar 2026: gutter" in bundle
    assert "2026-03-10" not in page
