"""Polling a mailbox over IMAP (the standard library's ``imaplib``).

Each unseen message is fetched without marking it (``BODY.PEEK[]``), kept by
``message_receive`` (once per Message-ID), and only then flagged ``\\Seen``: a poll that stops
half-way fetches the rest next time, and a message fetched twice is kept once.
"""

from __future__ import annotations

import contextlib
import datetime
import imaplib
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from putright.organisations.models import Organisation

from .config import Mailbox
from .models import Source
from .parsing import UnreadableMessageError, parse_message
from .services import message_receive

log = logging.getLogger(__name__)

Connect = Callable[[Mailbox], imaplib.IMAP4]
TIMEOUT_SECONDS = 30


def connect(mailbox: Mailbox) -> imaplib.IMAP4:
    """A signed-in connection to the mailbox (TLS from the start, or STARTTLS)."""
    context = ssl.create_default_context()
    client: imaplib.IMAP4
    if mailbox.tls:
        client = imaplib.IMAP4_SSL(
            mailbox.host, mailbox.port, ssl_context=context, timeout=TIMEOUT_SECONDS
        )
    else:
        client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
        if mailbox.starttls:
            client.starttls(ssl_context=context)
    try:
        client.login(mailbox.user, mailbox.password)
    except BaseException:
        client.shutdown()
        raise
    return client


@dataclass
class PollReport:
    mailbox: str
    fetched: int = 0
    new: int = 0
    unreadable: int = 0
    errors: list[str] = field(default_factory=list)


def poll_mailbox(mailbox: Mailbox, *, connect_with: Connect = connect) -> PollReport:
    """Fetch the mailbox's unseen messages and keep each; what went wrong is in the report."""
    report = PollReport(mailbox=mailbox.label)
    try:
        client = connect_with(mailbox)
    except (OSError, imaplib.IMAP4.error) as exc:
        report.errors.append(f"Could not sign in to {mailbox.label}: {exc}")
        return report
    try:
        status, _ = client.select(_quoted(mailbox.folder))
        if status != "OK":
            report.errors.append(f"There is no folder {mailbox.folder} in {mailbox.label}.")
            return report
        status, data = client.uid("SEARCH", "UNSEEN")
        uids = data[0].split() if status == "OK" and data and data[0] else []
        for uid in uids:
            _fetch_one(client, mailbox, uid.decode(), report)
    except (OSError, imaplib.IMAP4.error) as exc:
        report.errors.append(f"{mailbox.label}: {exc}")
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    return report


def _fetch_one(client: imaplib.IMAP4, mailbox: Mailbox, uid: str, report: PollReport) -> None:
    status, data = client.uid("FETCH", uid, "(INTERNALDATE BODY.PEEK[])")
    raw, received_at = _raw_of(data)
    if status != "OK" or raw is None:
        report.errors.append(f"{mailbox.label}: message {uid} could not be fetched.")
        return
    report.fetched += 1
    try:
        recipients = parse_message(raw).recipients
    except UnreadableMessageError:
        recipients = ()
    slug = mailbox.organisation_for(recipients)
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        report.errors.append(f"{mailbox.label}: there is no organisation {slug!r}; left unseen.")
        return
    received = message_receive(
        organisation=organisation,
        raw=raw,
        source=Source.IMAP,
        mailbox=mailbox.label,
        received_at=received_at,
    )
    if received.created:
        report.new += 1
        if received.message.problem:
            report.unreadable += 1
    client.uid("STORE", uid, "+FLAGS", "(\\Seen)")


def _raw_of(data: list[object]) -> tuple[bytes | None, datetime.datetime | None]:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            received_at = None
            stamp = imaplib.Internaldate2tuple(item[0]) if isinstance(item[0], bytes) else None
            if stamp is not None:
                import time

                received_at = datetime.datetime.fromtimestamp(time.mktime(stamp), tz=datetime.UTC)
            return item[1], received_at or timezone.now()
    return None, None


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
