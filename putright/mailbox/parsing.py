"""Reading a raw RFC 822 message: who sent it, the subject, the text and the files.

Plain Python (the standard library's ``email`` package), no database. Anything that cannot be
read raises ``UnreadableMessageError`` naming why; the caller keeps the raw message all the same.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import hashlib
import html
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

#: The largest message PutRight reads (the raw message is kept whatever its size).
MAX_MESSAGE_BYTES = 30 * 1024 * 1024
#: A case reference as PutRight writes it: PREFIX-YEAR-NUMBER (``NH-2026-00012``).
REFERENCE = re.compile(r"\b([A-Z][A-Z0-9]{0,11}-\d{4}-\d{5,})\b", re.IGNORECASE)


class UnreadableMessageError(Exception):
    """The message cannot be read; the text says why, in words staff understand."""


@dataclass(frozen=True)
class FilePart:
    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str
    sender_email: str
    sender_name: str
    recipients: tuple[str, ...]
    subject: str
    sent_at: datetime.datetime | None
    body: str
    files: tuple[FilePart, ...] = field(default_factory=tuple)

    @property
    def references(self) -> list[str]:
        """The case references the subject carries, upper-cased, in order."""
        return [m.upper() for m in REFERENCE.findall(self.subject)]


def message_key(raw: bytes) -> tuple[str, str]:
    """The message's Message-ID (blank if none) and its idempotency key: the SHA-256 of the
    Message-ID, or of the raw bytes when it has none. Never raises."""
    try:
        header = email.message_from_bytes(raw[:65536], policy=email.policy.compat32)
        message_id = str(header.get("Message-ID", "") or "").strip()[:998]
    except Exception:
        message_id = ""
    basis = message_id.encode("utf-8", "replace") if message_id else raw
    return message_id, hashlib.sha256(basis).hexdigest()


def parse_message(raw: bytes) -> ParsedMessage:
    """What can be read from a raw message; ``UnreadableMessageError`` when too little can."""
    if not raw.strip():
        raise UnreadableMessageError("The message is empty.")
    if len(raw) > MAX_MESSAGE_BYTES:
        raise UnreadableMessageError(
            f"The message is larger than {MAX_MESSAGE_BYTES // (1024 * 1024)} MB."
        )
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        senders = getaddresses([str(message.get("From", "") or "")])
        sender_name, sender_email = senders[0] if senders else ("", "")
        recipients = tuple(
            address.lower()
            for _name, address in getaddresses(
                [str(v) for v in (message.get_all("To") or []) + (message.get_all("Cc") or [])]
            )
            if address
        )
        subject = " ".join(str(message.get("Subject", "") or "").split())
        message_id = str(message.get("Message-ID", "") or "").strip()[:998]
        sent_at = _date(str(message.get("Date", "") or ""))
        body = _body(message)
        files = tuple(_files(message))
    except UnreadableMessageError:
        raise
    except Exception as exc:
        raise UnreadableMessageError(f"The message is malformed ({type(exc).__name__}).") from exc
    if not sender_email or "@" not in sender_email:
        raise UnreadableMessageError("The message does not say who sent it (no From address).")
    if not message.keys():
        raise UnreadableMessageError("The message has no headers: it is not an e-mail.")
    return ParsedMessage(
        message_id=message_id,
        sender_email=sender_email.strip().lower()[:320],
        sender_name=sender_name.strip()[:200],
        recipients=recipients,
        subject=subject[:300],
        sent_at=sent_at,
        body=body,
        files=files,
    )


def _date(value: str) -> datetime.datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return moment


_TAGS = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def _body(message: EmailMessage) -> str:
    """The message's text: its plain part, else its HTML part reduced to text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if not isinstance(text, str):
        return ""
    if part.get_content_type() == "text/html":
        text = _SCRIPT.sub(" ", text)
        text = re.sub(r"<br\s*/?>|</p>|</div>", "\n", text, flags=re.IGNORECASE)
        text = html.unescape(_TAGS.sub("", text))
    html_part = part.get_content_type() == "text/html"
    lines = [
        line.strip() if html_part else line.rstrip()
        for line in text.replace("\r\n", "\n").split("\n")
    ]
    return "\n".join(lines).strip()[:100_000]


def _files(message: EmailMessage) -> list[FilePart]:
    files = []
    for part in message.iter_attachments():
        if part.is_multipart() and part.get_content_type() != "message/rfc822":
            continue
        content = part.get_payload(decode=True)
        if not isinstance(content, bytes):
            content = bytes(str(part.get_payload()), "utf-8", "replace")
        name = part.get_filename() or "attachment"
        files.append(FilePart(name=name, content_type=part.get_content_type(), content=content))
    return files
