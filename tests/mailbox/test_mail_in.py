"""E-mail in: a message in the mailbox, or posted to the inbound webhook, becomes a contact
waiting to be classified, with its attachment, matched to the person and the open case."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings

from putright.cases.errors import CaseInputError
from putright.cases.models import Attachment, Case, EventKind
from putright.mailbox.config import parse_mailboxes
from putright.mailbox.imap import poll_mailbox
from putright.mailbox.models import IncomingMessage, MessageStatus
from putright.mailbox.tasks import poll_mailboxes
from putright.timeline.models import Entry
from putright.webhooks.signing import headers
from tests.api.conftest import at

from .conftest import PDF, make_message

SECRET = "whsec_dGVzdC1zZWNyZXQtZm9yLWluYm91bmQtbWFpbC0xMjM0NQ=="


def mailbox_url(imap, query="organisation=north-homes"):
    return f"imap://complaints%40north.example:s3cret%20pass@127.0.0.1:{imap.port}/INBOX?starttls=no&{query}"


def test_a_message_in_the_mailbox_becomes_a_contact_with_its_attachment(imap, org, users, customer):
    imap.add(make_message())
    with override_settings(PUTRIGHT_IMAP_MAILBOXES=mailbox_url(imap)):
        assert poll_mailboxes.call() == 1
    message = IncomingMessage.objects.get()
    assert message.status == MessageStatus.WAITING
    assert message.organisation == org
    assert message.person == customer  # matched by e-mail address
    assert message.subject == "My boiler is still broken"
    assert "nobody came" in message.body
    (attachment,) = message.attachments.all()
    assert (attachment.name, attachment.content_type, attachment.accepted) == (
        "photo.pdf",
        "application/pdf",
        True,
    )
    assert attachment.file.read() == PDF
    assert imap.messages[0].seen  # flagged only once kept
    history = Entry.objects.filter(record_type="incoming_message", record_id=message.pk)
    assert [e.kind for e in history] == ["received"]


def test_polling_again_keeps_nothing_twice(imap, org, users):
    imap.add(make_message())
    mailbox = parse_mailboxes(mailbox_url(imap))[0]
    assert poll_mailbox(mailbox).new == 1
    imap.messages[0].seen = False  # e.g. a poll stopped before flagging it
    imap.add(make_message(message_id="<m1@mail.example.org>", subject="Re-sent"))
    report = poll_mailbox(mailbox)
    assert (report.fetched, report.new) == (2, 0)
    assert IncomingMessage.objects.count() == 1


def test_a_shared_mailbox_sends_each_message_to_its_organisation(imap, org, other_org, users):
    imap.add(make_message(to="complaints@south.example", message_id="<s@x>"))
    imap.add(make_message(message_id="<n@x>"))
    query = "organisation=north-homes&to=complaints@south.example:south-homes"
    poll_mailbox(parse_mailboxes(mailbox_url(imap, query))[0])
    assert IncomingMessage.objects.get(message_id="<s@x>").organisation == other_org
    assert IncomingMessage.objects.get(message_id="<n@x>").organisation == org


def test_a_wrong_password_is_reported_not_raised(imap, org):
    url = mailbox_url(imap).replace("s3cret%20pass", "wrong")
    report = poll_mailbox(parse_mailboxes(url)[0])
    assert report.errors
    assert "Could not sign in" in report.errors[0]
    assert "wrong" not in report.errors[0]


def test_a_message_that_cannot_be_read_is_kept_and_listed_with_why(imap, org, users, client):
    imap.add(b"this is not an e-mail at all")
    poll_mailbox(parse_mailboxes(mailbox_url(imap))[0])
    message = IncomingMessage.objects.get()
    assert message.status == MessageStatus.UNREADABLE
    assert message.problem == "The message does not say who sent it (no From address)."
    assert message.raw.read() == b"this is not an e-mail at all"
    client.force_login(users["complaint_handler"])
    page = client.get("/mail/")
    assert "Could not be read" in page.text
    assert "does not say who sent it" in page.text


def test_a_file_of_a_refused_type_is_listed_with_why_and_not_kept(imap, org, users):
    imap.add(make_message(attachment=("run.exe", "application/octet-stream", b"MZ\x90\x00")))
    poll_mailbox(parse_mailboxes(mailbox_url(imap))[0])
    (attachment,) = IncomingMessage.objects.get().attachments.all()
    assert not attachment.accepted
    assert "must be a PDF" in attachment.refused_because
    assert not attachment.file


def test_the_subject_s_reference_matches_the_open_case(imap, org, users, case):
    imap.add(make_message(subject=f"Re: your complaint {case.reference.lower()}"))
    poll_mailbox(parse_mailboxes(mailbox_url(imap))[0])
    assert IncomingMessage.objects.get().case == case


def test_a_mailbox_url_that_cannot_be_used_names_what_is_wrong():
    from putright.mailbox.config import MailboxConfigError

    with pytest.raises(MailboxConfigError, match="mailbox 2: say which organisation"):
        parse_mailboxes("imaps://u:p@h/INBOX?organisation=a imaps://u:p@h/INBOX")


# -- the inbound e-mail webhook --------------------------------------------------------------


def post_signed(client, raw, *, slug="north-homes", secret=SECRET, webhook_id="msg_1"):
    signed = headers(secret, webhook_id, int(time.time()), raw)
    return client.post(
        f"/api/v1/mail/inbound/{slug}",
        data=raw,
        content_type="message/rfc822",
        headers=signed,
    )


@override_settings(PUTRIGHT_MAIL_WEBHOOK_SECRET=SECRET)
def test_a_message_posted_to_the_webhook_becomes_a_contact_with_its_attachment(
    client, org, users, customer
):
    answer = post_signed(client, make_message())
    assert answer.status_code == 202, answer.text
    assert answer.json()["created"] is True
    message = IncomingMessage.objects.get()
    assert message.source == "webhook"
    assert message.person == customer
    assert [a.name for a in message.attachments.all()] == ["photo.pdf"]
    again = post_signed(client, make_message(), webhook_id="msg_2")
    assert again.status_code == 202
    assert again.json() == {"id": message.pk, "status": "waiting", "created": False}


@override_settings(PUTRIGHT_MAIL_WEBHOOK_SECRET=SECRET)
def test_the_webhook_refuses_an_unsigned_or_wrongly_signed_message(client, org):
    raw = make_message()
    unsigned = client.post(
        "/api/v1/mail/inbound/north-homes", data=raw, content_type="message/rfc822"
    )
    assert unsigned.status_code == 401
    assert "Sign the request" in unsigned.json()["error"]["message"]
    wrong = post_signed(client, raw, secret="another secret")
    assert wrong.status_code == 401
    assert wrong.json()["error"]["message"] == "The signature does not match the body."
    missing = post_signed(client, raw, slug="nowhere")
    assert missing.status_code == 404
    assert not IncomingMessage.objects.exists()


def test_the_webhook_is_off_without_a_secret(client, org):
    answer = post_signed(client, make_message())
    assert answer.status_code == 403
    assert "PUTRIGHT_MAIL_WEBHOOK_SECRET" in answer.json()["error"]["message"]


# -- classifying ----------------------------------------------------------------------------


@override_settings(PUTRIGHT_MAIL_WEBHOOK_SECRET=SECRET)
def test_a_message_becomes_a_new_case_with_its_attachment(client, org, users, customer):
    post_signed(client, make_message())
    message = IncomingMessage.objects.get()
    client.force_login(users["complaint_handler"])
    page = client.get(f"/mail/{message.pk}/")
    assert page.status_code == 200
    assert "My boiler is still broken" in page.text
    answer = client.post(
        f"/mail/messages/{message.pk}/new-case/",
        {"kind": "complaint", "summary": "Boiler not repaired", "version": message.version},
    )
    assert answer.status_code == 302, answer.text
    case = Case.objects.get()
    assert (case.channel, case.customer, case.summary) == ("email", customer, "Boiler not repaired")
    assert case.received_at == message.received_at
    (attachment,) = Attachment.objects.filter(case=case)
    assert attachment.name == "photo.pdf"
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[0] == EventKind.RECEIVED
    assert EventKind.ATTACHMENT in kinds
    message.refresh_from_db()
    assert (message.status, message.result_case) == (MessageStatus.NEW_CASE, case)
    history = Entry.objects.filter(record_type="incoming_message", record_id=message.pk)
    assert [e.kind for e in history] == ["received", "new_case"]
    assert history.last().actor == users["complaint_handler"]


@override_settings(PUTRIGHT_MAIL_WEBHOOK_SECRET=SECRET)
def test_a_message_is_added_to_the_case_its_subject_names(client, org, users, case):
    post_signed(client, make_message(subject=f"Re: {case.reference}"))
    message = IncomingMessage.objects.get()
    client.force_login(users["complaint_handler"])
    page = client.get(f"/mail/messages/{message.pk}/add-to-case/")
    assert case.reference in page.text  # offered as the answer
    answer = client.post(f"/mail/messages/{message.pk}/add-to-case/", {"reference": case.reference})
    assert answer.status_code == 302, answer.text
    contact = case.events.filter(kind=EventKind.CONTACTED).get()
    assert "nobody came" in contact.data["summary"]
    assert case.attachments.count() == 1


@override_settings(PUTRIGHT_MAIL_WEBHOOK_SECRET=SECRET)
def test_not_a_complaint_needs_a_reason_and_cannot_be_classified_twice(client, org, users):
    post_signed(client, make_message())
    message = IncomingMessage.objects.get()
    client.force_login(users["complaint_handler"])
    url = f"/mail/messages/{message.pk}/not-a-complaint/"
    blank = client.post(url, {"reason": ""})
    assert blank.status_code == 400
    assert "Say why it is not a complaint." in blank.text
    assert client.post(url, {"reason": "Spam"}).status_code == 302
    again = client.post(url, {"reason": "Spam"})
    assert again.status_code == 409
    assert "already been classified (not a complaint)" in again.text
    assert IncomingMessage.objects.get().reason == "Spam"


@override_settings(PUTRIGHT_MAIL_WEBHOOK_SECRET=SECRET)
def test_who_sees_and_classifies_messages(client, org, users):
    post_signed(client, make_message())
    message = IncomingMessage.objects.get()
    for role, list_status, act_status in (
        ("complaint_handler", 200, 302),
        ("administrator", 200, 403),
        ("panel_member", 404, 404),
        ("board_member", 404, 404),
        ("investigating_officer", 404, 404),
        ("outsider", 404, 404),
    ):
        client.force_login(users[role])
        assert client.get(f"/mail/{message.pk}/").status_code == list_status, role
        if act_status == 302:
            continue
        answer = client.post(f"/mail/messages/{message.pk}/not-a-complaint/", {"reason": "x"})
        assert answer.status_code == act_status, role
    assert IncomingMessage.objects.get().status == MessageStatus.WAITING


@override_settings(PUTRIGHT_MAIL_WEBHOOK_SECRET=SECRET)
def test_a_case_the_handler_may_not_see_is_answered_as_not_there(client, org, users, customer):
    from putright.cases.services import Actor, case_receive

    restricted = case_receive(
        organisation=org,
        kind="complaint",
        channel="phone",
        received_at=at(2026, 3, 16, 9),
        summary="About a member of staff",
        customer=customer,
        flags=["conduct"],
        actor=Actor(users["complaints_manager"]),
    )
    post_signed(client, make_message(subject=f"Re: {restricted.reference}"))
    message = IncomingMessage.objects.get()
    client.force_login(users["complaint_handler"])
    assert IncomingMessage.objects.get().case == restricted  # matched, not shown
    # The subject is the sender's words; PutRight adds no link to the case, nor says it matched.
    page = client.get(f"/mail/{message.pk}/").text.replace(f"Re: {restricted.reference}", "")
    assert restricted.reference not in page
    assert restricted.reference not in client.get("/mail/").text.replace(
        f"Re: {restricted.reference}", ""
    )
    answer = client.post(
        f"/mail/messages/{message.pk}/add-to-case/", {"reference": restricted.reference}
    )
    assert answer.status_code == 400
    assert f"There is no open case {restricted.reference} of North Homes." in answer.text
    assert not restricted.events.filter(kind=EventKind.CONTACTED).exists()


def test_an_unreadable_message_can_still_be_recorded_as_a_case_by_hand(org, users):
    from putright.cases.services import Actor
    from putright.mailbox.services import message_new_case, message_receive

    message = message_receive(organisation=org, raw=b"garbled", source="imap").message
    assert message.status == MessageStatus.UNREADABLE
    with pytest.raises(CaseInputError) as refused:
        message_new_case(
            message=message, actor=Actor(users["complaint_handler"]), kind="complaint", summary="x"
        )
    assert refused.value.fields == {
        "name": "Give the customer's name: nobody with this e-mail address is known."
    }
    case = message_new_case(
        message=message,
        actor=Actor(users["complaint_handler"]),
        kind="complaint",
        summary="Read from the raw message",
        name="Sam Tenant",
    )
    assert case.customer.name == "Sam Tenant"
    assert case.details.startswith("E-mail from an unknown sender")
