"""Calendar invitations (RFC 5545, with the ``icalendar`` library) for a meeting.

One UID per meeting for its whole life: booking sends it with ``METHOD:REQUEST`` and
``SEQUENCE`` 0, each rebooking sends it again one sequence higher, and a cancellation sends
``METHOD:CANCEL`` one higher still, so a calendar program updates or removes the one entry it
holds. Times are written in Europe/London with its time zone definition. Each recipient's
invitation names only them as an attendee: nobody receives another person's address.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Attendee, Meeting, Status

LONDON = ZoneInfo("Europe/London")
PRODID = "-//PutRight//Review meetings//EN"


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    part: str


def recipients(meeting: Meeting) -> list[Recipient]:
    """Everyone invited with an address to send to, each once."""
    seen: dict[str, Recipient] = {}
    for attendee in meeting.attendees.select_related("user"):
        email = _email(attendee)
        if email and email.lower() not in seen:
            seen[email.lower()] = Recipient(attendee.name, email, attendee.part)
    return list(seen.values())


def _email(attendee: Attendee) -> str:
    if attendee.user_id and attendee.user is not None and attendee.user.email:
        return str(attendee.user.email)
    return attendee.email


def title(meeting: Meeting) -> str:
    return f"{meeting.get_kind_display()}: complaint {meeting.case.reference}"


def invitation(meeting: Meeting, *, to: Recipient | None = None) -> bytes:
    """The meeting's ``.ics`` as it now stands: a request, or a cancellation once cancelled."""
    cancelled = meeting.status == Status.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(LONDON))
    event.add("dtend", meeting.ends_at.astimezone(LONDON))
    event.add("summary", title(meeting))
    event.add("location", meeting.location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("description", _description(meeting))
    organiser = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organiser.params["cn"] = vText(meeting.organisation.name)
    event.add("organizer", organiser)
    if to is not None:
        attendee = vCalAddress(f"mailto:{to.email}")
        attendee.params["cn"] = vText(to.name)
        attendee.params["role"] = vText("CHAIR" if to.part == "chair" else "REQ-PARTICIPANT")
        event.add("attendee", attendee)
    calendar.add_component(event)
    # The zone's rules for the meeting's own years only: a calendar program needs no more.
    year = meeting.starts_at.astimezone(LONDON).year
    calendar.add_missing_timezones(
        first_date=datetime.date(year - 1, 1, 1), last_date=datetime.date(year + 2, 1, 1)
    )
    return bytes(calendar.to_ical())


def _description(meeting: Meeting) -> str:
    """Who attends and in what part, by name only (no addresses or telephone numbers)."""
    lines = [f"{meeting.get_kind_display()} about complaint {meeting.case.reference}."]
    if meeting.status == Status.CANCELLED and meeting.cancel_reason:
        lines.append(f"Cancelled: {meeting.cancel_reason}")
    lines.append("Attending:")
    lines += [f"- {a.name} ({a.get_part_display()})" for a in meeting.attendees.all()]
    return "\n".join(lines)
