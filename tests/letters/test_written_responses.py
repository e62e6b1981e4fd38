"""Every response the Code requires in writing is written and sent the customer's preferred
way in writing; a phone or text preference adds a call, never replaces the letter (issue 17,
point 3)."""

import pytest
from django.core import mail

from putright.cases.errors import CaseStateError
from putright.cases.models import EventKind
from putright.cases.services import Actor, case_acknowledge, case_respond
from putright.letters.models import Channel, Correspondence, Status
from putright.letters.rendering import LetterSpec
from putright.letters.services import (
    NO_ADDRESS,
    WRITTEN_KINDS,
    call_about,
    delivery_for,
    letter_send,
    letters_due,
)

pytestmark = pytest.mark.django_db(transaction=True)


def responded(receive, clock, handler, **customer):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    for name, value in customer.items():
        setattr(case.customer, name, value)
    case.customer.save()
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 9, 10)
    return case_respond(case=case, actor=Actor(handler), outcome="upheld", text="We were late.")


def send_response(case, handler):
    sequence = case.events.get(kind=EventKind.RESPONDED).sequence
    return letter_send(case=case, sequence=sequence, actor=Actor(handler))


def test_a_phone_customer_with_an_e_mail_address_gets_the_response_by_e_mail_and_a_call(
    receive, clock, handler
):
    case = responded(receive, clock, handler, preferred_contact="phone", phone="07700 900123")

    letter = send_response(case, handler)

    assert (letter.channel, letter.status) == (Channel.EMAIL, Status.SENT)
    assert [m.to for m in mail.outbox] == [["pat@example.org"]]
    call = call_about(letter)
    assert (call.channel, call.status, call.recipient) == (
        Channel.PHONE,
        Status.TO_CALL,
        "07700 900123",
    )
    assert call.subject.startswith("Call the customer about: Our response to your complaint")
    recorded = case.events.get(kind=EventKind.LETTER_SENT).data
    assert (recorded["channel"], recorded["call_id"]) == (Channel.EMAIL, call.pk)
    due = [d.event.kind for d in letters_due(case)]
    assert due == [EventKind.ACKNOWLEDGED]  # the response's letter is sent, once


def test_a_text_customer_without_e_mail_gets_the_response_queued_for_post_and_a_call(
    receive, clock, handler
):
    case = responded(
        receive,
        clock,
        handler,
        preferred_contact="text",
        phone="07700 900123",
        email="",
        address="12 Mersey Road\nLiverpool",
    )

    letter = send_response(case, handler)

    assert (letter.channel, letter.status, letter.sent_at) == (
        Channel.POST,
        Status.QUEUED_FOR_PRINT,
        None,
    )
    assert call_about(letter).status == Status.TO_CALL
    assert mail.outbox == []


def test_a_customer_who_prefers_letters_gets_one_by_post_though_we_have_their_e_mail(
    receive, clock, handler
):
    case = responded(receive, clock, handler, preferred_contact="letter", address="1 High St")

    letter = send_response(case, handler)

    assert (letter.channel, letter.status) == (Channel.POST, Status.QUEUED_FOR_PRINT)
    assert call_about(letter) is None
    assert mail.outbox == []


def test_a_response_is_never_only_a_call_when_there_is_nowhere_to_write(receive, clock, handler):
    case = responded(
        receive, clock, handler, preferred_contact="phone", phone="07700 900123", email=""
    )
    case.customer.postcode = ""
    case.customer.save()

    with pytest.raises(CaseStateError) as refused:
        send_response(case, handler)

    assert refused.value.message == NO_ADDRESS
    assert Correspondence.objects.count() == 0


@pytest.mark.parametrize("kind", sorted(WRITTEN_KINDS))
def test_each_letter_the_code_requires_is_written_for_a_phone_customer(
    receive, clock, handler, kind
):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case.customer.preferred_contact = "phone"
    case.customer.phone = "07700 900123"
    case.customer.save()

    how = delivery_for(case, LetterSpec(kind, kind, kind, "customer"))

    assert (how.channel, how.call) == (Channel.EMAIL, "07700 900123")


def test_an_update_that_need_not_be_written_follows_the_phone_preference(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    case.customer.preferred_contact = "phone"
    case.customer.phone = "07700 900123"
    case.customer.save()

    how = delivery_for(case, LetterSpec("chaser", "chaser", "An update", "customer"))

    assert (how.channel, how.status, how.call) == (Channel.PHONE, Status.TO_CALL, "")


def test_the_handler_is_told_to_print_and_post_and_to_call(client, receive, clock, handler):
    from putright.accounts.models import Membership, Role

    case = responded(
        receive,
        clock,
        handler,
        preferred_contact="phone",
        phone="07700 900123",
        email="",
        address="12 Mersey Road",
    )
    Membership.objects.create(
        user=handler, organisation=case.organisation, role=Role.COMPLAINT_HANDLER
    )
    client.force_login(handler)
    sequence = case.events.get(kind=EventKind.RESPONDED).sequence

    page = client.post(f"/cases/{case.reference}/letters/{sequence}/", follow=True)
    listing = client.get(f"/cases/{case.reference}/?tab=correspondence").content.decode()

    said = page.content.decode()
    assert "Queued for printing: print it and post it to the customer." in said
    assert "call them on 07700 900123 too" in said
    assert "Queued for printing" in listing
    assert "Call the customer" in listing
