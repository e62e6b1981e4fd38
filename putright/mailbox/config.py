"""Which mailboxes PutRight polls, read from ``PUTRIGHT_IMAP_MAILBOXES``.

One URL per mailbox, separated by spaces or new lines::

    imaps://USER:PASSWORD@HOST[:PORT]/FOLDER?organisation=SLUG
    imaps://complaints%40group.org:PASSWORD@mail.group.org/INBOX?organisation=north&to=complaints@south.org:south

``imaps`` is IMAP over TLS (port 993), ``imap`` plain IMAP with STARTTLS required unless
``starttls=no`` (port 143). The user and password are percent-encoded. ``organisation`` is the
organisation a message belongs to; for a mailbox shared by a group, each ``to=ADDRESS:SLUG``
sends a message addressed to ADDRESS to that organisation instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit


class MailboxConfigError(ValueError):
    """A mailbox URL that cannot be used; the text names the mailbox and what is wrong."""


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    folder: str
    tls: bool
    starttls: bool
    organisation: str
    routes: dict[str, str]

    @property
    def label(self) -> str:
        """The mailbox named without its secret, for lists and logs."""
        return f"{self.user}@{self.host}/{self.folder}"

    def organisation_for(self, recipients: tuple[str, ...]) -> str:
        """The organisation a message addressed to ``recipients`` belongs to."""
        for address in recipients:
            if address.lower() in self.routes:
                return self.routes[address.lower()]
        return self.organisation


def parse_mailboxes(value: str) -> list[Mailbox]:
    """The mailboxes a setting names; ``MailboxConfigError`` for the first one that is wrong."""
    return [_parse(url, number) for number, url in enumerate(value.split(), start=1)]


def _parse(url: str, number: int) -> Mailbox:
    where = f"PUTRIGHT_IMAP_MAILBOXES, mailbox {number}"
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise MailboxConfigError(f"{where}: the URL must start imaps:// or imap://.")
    if not parts.hostname:
        raise MailboxConfigError(f"{where}: the URL names no host.")
    if not parts.username or parts.password is None:
        raise MailboxConfigError(f"{where}: give the user and password (USER:PASSWORD@HOST).")
    query = parse_qs(parts.query)
    organisation = (query.get("organisation") or [""])[0].strip()
    if not organisation:
        raise MailboxConfigError(f"{where}: say which organisation (?organisation=SLUG).")
    routes: dict[str, str] = {}
    for route in query.get("to", []):
        address, _, slug = route.rpartition(":")
        if "@" not in address or not slug:
            raise MailboxConfigError(f"{where}: to={route!r} must be ADDRESS:SLUG.")
        routes[address.strip().lower()] = slug.strip()
    tls = parts.scheme == "imaps"
    try:
        port = parts.port or (993 if tls else 143)
    except ValueError:
        raise MailboxConfigError(f"{where}: the port is not a number.") from None
    starttls = not tls and (query.get("starttls") or ["yes"])[0].lower() not in ("no", "0")
    return Mailbox(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username),
        password=unquote(parts.password),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        tls=tls,
        starttls=starttls,
        organisation=organisation,
        routes=routes,
    )
