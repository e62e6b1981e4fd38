"""Background work of e-mail in: polling the complaints mailboxes (job ``mail-in``)."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def poll_mailboxes() -> int:
    """Keep each unseen message of every mailbox in ``PUTRIGHT_IMAP_MAILBOXES``; how many new."""
    from django.conf import settings

    from .config import MailboxConfigError, parse_mailboxes
    from .imap import poll_mailbox

    try:
        mailboxes = parse_mailboxes(getattr(settings, "PUTRIGHT_IMAP_MAILBOXES", ""))
    except MailboxConfigError as exc:
        log.error("mail in: %s", exc)
        return 0
    new = 0
    for mailbox in mailboxes:
        report = poll_mailbox(mailbox)
        new += report.new
        for error in report.errors:
            log.warning("mail in: %s", error)
        log.info(
            "mail in: %s fetched %d, %d new (%d unreadable)",
            report.mailbox,
            report.fetched,
            report.new,
            report.unreadable,
        )
    return new
