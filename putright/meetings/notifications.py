"""E-mailing a meeting's invitations, and the review's papers, once the change commits.

An invitation carries the ``.ics`` as an attachment and as the ``text/calendar`` part
calendar programs read; its words name the meeting, the time and the place, never the
complaint's details.
"""

from __future__ import annotations

import logging

from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone

from .invitations import invitation, recipients, title
from .models import Meeting, Status

log = logging.getLogger(__name__)


def send_invitations(meeting_id: int, sequence: int) -> int:
    """E-mail the meeting's invitation, as it stood at ``sequence``, to everyone invited."""
    meeting = Meeting.objects.select_related("case", "organisation").filter(pk=meeting_id).first()
    if meeting is None or meeting.sequence != sequence:
        return 0  # a later change sends its own
    cancelled = meeting.status == Status.CANCELLED
    when = timezone.localtime(meeting.starts_at)
    verb = "Cancelled" if cancelled else ("Updated" if meeting.sequence else "Invitation")
    subject = f"{verb}: {title(meeting)}, {when:%-d %B %Y at %H:%M}"
    method = "CANCEL" if cancelled else "REQUEST"
    messages = []
    for person in recipients(meeting):
        body = (
            f"Dear {person.name},\n\n"
            + (
                f"The {meeting.get_kind_display().lower()} on {when:%A %-d %B %Y at %H:%M} "
                "is cancelled."
                if cancelled
                else f"{meeting.get_kind_display()} on {when:%A %-d %B %Y at %H:%M} "
                f"({meeting.location})."
            )
            + "\n\nThe calendar invitation is attached.\n\n"
            + meeting.organisation.name
            + "\n"
        )
        ics = invitation(meeting, to=person)
        message = EmailMultiAlternatives(subject, body, None, [person.email])
        message.attach_alternative(ics.decode(), f"text/calendar; method={method}")
        message.attach("invite.ics", ics, f"text/calendar; method={method}")
        messages.append(message)
    sent = get_connection().send_messages(messages) or 0
    log.info("sent %d invitations for meeting %s (sequence %d)", sent, meeting.pk, sequence)
    return sent


def send_papers(subject: str, body: str, emails: list[str]) -> int:
    """E-mail a review's papers notice (a report, a summary sheet, a draft letter)."""
    messages = [EmailMultiAlternatives(subject, body, None, [e]) for e in emails if e]
    return get_connection().send_messages(messages) or 0
