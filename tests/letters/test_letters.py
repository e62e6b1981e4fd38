"""Letters read back out of their PDFs and the outbox: reference, dates, decision, ombudsman."""

import io

import pytest
from django.core import mail
from pypdf import PdfReader

from putright.cases.models import EventKind
from putright.cases.services import Actor, case_acknowledge, case_escalate, case_respond
from putright.letters.models import Channel, Status
from putright.letters.services import letter_send, letters_due, ombudsman_bundle

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_text(letter):
    letter.pdf.open("rb")
    reader = PdfReader(io.BytesIO(letter.pdf.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def event_seq(case, kind):
    return case.events.filter(kind=kind).order_by("-sequence").first().sequence


def test_stage1_response_letter_states_decision_escalation_date_and_ombudsman(
    receive, clock, handler
):
    clock(2026, 3, 2, 9)
    case = receive("south-liverpool-homes-2021", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 10, 11)
    case = case_respond(
        case=case, actor=Actor(handler), outcome="partly_upheld", text="The repair was late."
    )

    due = [d.spec.template for d in letters_due(case)]
    letter = letter_send(
        case=case, sequence=event_seq(case, EventKind.RESPONDED), actor=Actor(handler)
    )

    assert due == ["stage1_acknowledgement", "stage1_outcome"]
    assert (letter.channel, letter.status) == (Channel.EMAIL, Status.SENT)
    text = pdf_text(letter)
    assert case.reference in text
    assert "partly upheld" in text
    assert "Tue 24 Mar 2026" in text  # the 10 working day window to ask for stage 2
    assert "Housing Ombudsman" in text
    assert "0300 111 3000" in text
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["pat@example.org"]
    assert case.reference in sent.subject
    assert sent.attachments[0][0] == f"{case.reference}.pdf"
    assert case.events.filter(kind=EventKind.LETTER_SENT).count() == 1


@pytest.mark.parametrize(
    "pack",
    [
        "hos-code-2024",
        "southern-housing-2020",
        "feedback-policy-2021",
        "south-liverpool-homes-2021",
        "housing-plus-group-2021",
        "rooftop-2023",
    ],
)
def test_every_pack_writes_an_acknowledgement_with_the_response_date(receive, clock, handler, pack):
    clock(2026, 3, 2, 9)
    case = receive(pack, received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    due = [d for d in letters_due(case) if d.event.kind == EventKind.ACKNOWLEDGED]

    letter = letter_send(case=case, sequence=due[0].event.sequence, actor=Actor(handler))

    text = pdf_text(letter)
    assert case.reference in text
    assert "Mon 2 Mar 2026" in text  # the date received
    assert "Ombudsman" in text


def test_final_response_ends_the_process_and_points_to_the_ombudsman(
    receive, clock, handler, manager
):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 10, 9)
    case = case_respond(case=case, actor=Actor(handler), outcome="not_upheld", text="No fault.")
    clock(2026, 3, 12, 9)
    case = case_escalate(case=case, actor=Actor(handler))
    clock(2026, 3, 20, 9)
    case = case_respond(
        case=case, actor=Actor(manager), outcome="upheld", text="On review we were wrong."
    )

    letter = letter_send(
        case=case, sequence=event_seq(case, EventKind.RESPONDED), actor=Actor(manager)
    )

    text = pdf_text(letter)
    assert "final response" in text
    assert "ends our complaints process" in text
    assert "upheld" in text
    assert "refer your complaint to the Housing Ombudsman" in text


def test_a_customer_who_prefers_letters_gets_one_queued_for_print_and_large_print_on_request(
    receive, clock, handler
):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    customer = case.customer
    customer.preferred_contact = "letter"
    customer.address = "12 Mersey Road\nLiverpool"
    customer.accessibility_needs = "Large print letters please"
    customer.save()
    case = case_acknowledge(case=case, actor=Actor(handler))

    letter = letter_send(
        case=case, sequence=event_seq(case, EventKind.ACKNOWLEDGED), actor=Actor(handler)
    )

    assert (letter.channel, letter.status, letter.large_print) == (
        Channel.POST,
        Status.QUEUED_FOR_PRINT,
        True,
    )
    assert 'class="letter--large"' in letter.html  # large print (letters/letter.css)
    assert "12 Mersey Road" in pdf_text(letter)
    assert mail.outbox == []


def test_a_customer_who_prefers_the_phone_is_written_to_and_called(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case.customer.preferred_contact = "phone"
    case.customer.phone = "07700 900123"
    case.customer.save()
    case = case_acknowledge(case=case, actor=Actor(handler))

    letter = letter_send(
        case=case, sequence=event_seq(case, EventKind.ACKNOWLEDGED), actor=Actor(handler)
    )

    assert (letter.channel, letter.status, letter.recipient) == (
        Channel.EMAIL,
        Status.SENT,
        "pat@example.org",
    )
    call = case.correspondence.get(channel=Channel.PHONE)
    assert (call.status, call.recipient) == (Status.TO_CALL, "07700 900123")
    assert len(mail.outbox) == 1


def test_a_letter_is_sent_once(receive, clock, handler):
    from putright.cases.errors import CaseStateError

    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    sequence = event_seq(case, EventKind.ACKNOWLEDGED)
    letter_send(case=case, sequence=sequence, actor=Actor(handler))

    with pytest.raises(CaseStateError, match="already sent"):
        letter_send(case=case, sequence=sequence, actor=Actor(handler))
    assert letters_due(case) == []


def test_the_pdf_is_tagged_for_screen_readers(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    letter = letter_send(
        case=case, sequence=event_seq(case, EventKind.ACKNOWLEDGED), actor=Actor(handler)
    )

    letter.pdf.open("rb")
    reader = PdfReader(io.BytesIO(letter.pdf.read()))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"


def test_the_ombudsman_bundle_has_the_chronology_and_every_letter(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    letter_send(case=case, sequence=event_seq(case, EventKind.ACKNOWLEDGED), actor=Actor(handler))
    clock(2026, 3, 10, 9)
    case = case_respond(
        case=case, actor=Actor(handler), outcome="upheld", text="Sorry: fixed on 9 March."
    )
    letter_send(case=case, sequence=event_seq(case, EventKind.RESPONDED), actor=Actor(handler))

    reader = PdfReader(io.BytesIO(ombudsman_bundle(case)))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)

    assert f"Complaint file {case.reference}" in text
    assert "Acknowledged" in text
    assert "Responded" in text
    assert "Letter sent" in text
    assert "Sorry: fixed on 9 March." in text
    assert text.count("Our response to your complaint") >= 1


@pytest.mark.parametrize(
    "pack",
    [
        "hos-code-2024",
        "southern-housing-2020",
        "feedback-policy-2021",
        "south-liverpool-homes-2021",
        "housing-plus-group-2021",
        "rooftop-2023",
    ],
)
def test_every_pack_writes_a_response_with_the_decision_and_the_ombudsman(
    receive, clock, handler, pack
):
    clock(2026, 3, 2, 9)
    case = receive(pack, received_at=clock(2026, 3, 2, 9))
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 9, 15)
    case = case_respond(
        case=case, actor=Actor(handler), outcome="not_upheld", text="The repair was on time."
    )

    letter = letter_send(
        case=case, sequence=event_seq(case, EventKind.RESPONDED), actor=Actor(handler)
    )

    text = pdf_text(letter)
    assert case.reference in text
    assert "not upheld" in text
    assert "The repair was on time." in text
    assert "Mon 2 Mar 2026" in text  # received
    assert "Housing Ombudsman" in text
