"""Reading a raw message: the sender, the text (an HTML-only message reduced to text, its
scripts dropped), the files, the references in the subject; why one cannot be read."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from putright.mailbox.parsing import UnreadableMessageError, message_key, parse_message

from .conftest import make_message


def test_a_message_with_an_attachment_is_read():
    parsed = parse_message(make_message(subject="Re: nh-2026-00012 and NH-2026-00013"))
    assert (parsed.sender_email, parsed.sender_name) == ("pat@example.org", "Pat Resident")
    assert parsed.recipients == ("complaints@north.example",)
    assert parsed.references == ["NH-2026-00012", "NH-2026-00013"]
    assert [(f.name, f.content_type) for f in parsed.files] == [("photo.pdf", "application/pdf")]
    assert parsed.sent_at is not None


def test_an_html_only_message_is_read_as_text_without_its_script():
    message = EmailMessage()
    message["From"] = "a@example.org"
    message["Subject"] = "Hello"
    message.set_content(
        "<p>The <b>damp</b> is back</p><script>alert(1)</script><p>Please help &amp; soon</p>",
        subtype="html",
    )
    body = parse_message(message.as_bytes()).body
    assert body.splitlines() == ["The damp is back", "Please help & soon"]


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"", "The message is empty."),
        (
            b"Subject: hi\r\n\r\nno sender",
            "The message does not say who sent it (no From address).",
        ),
    ],
)
def test_why_a_message_cannot_be_read(raw, why):
    with pytest.raises(UnreadableMessageError, match=why.replace("(", r"\(").replace(")", r"\)")):
        parse_message(raw)


def test_the_key_is_the_message_id_or_else_the_bytes():
    first = message_key(make_message(message_id="<a@x>", subject="one"))
    again = message_key(make_message(message_id="<a@x>", subject="two"))
    assert first == again
    assert first[0] == "<a@x>"
    no_id = message_key(make_message(message_id="", subject="one"))
    assert no_id[0] == ""
    assert no_id != message_key(make_message(message_id="", subject="two"))
