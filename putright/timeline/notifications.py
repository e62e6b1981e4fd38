"""Telling a clock's owner by e-mail that the sweep chased it.

Each chase is e-mailed once, after its transaction commits, by a background task, to the
clock's owner if they may still see the record; My work lists the same clock. The e-mail
names the kind of record and its number, what is due and the rule, never the record's
contents (a person's name, what they said).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from . import registry
from .errors import RecordInputError
from .models import Clock, ClockUnit, Entry, EntryKind

log = logging.getLogger(__name__)

SUBJECT = "Reminder: {label} on {record} is overdue"


def tell_owner(entry_id: int) -> int:
    """E-mail the owner of the clock a chase entry is about; how many were told (0 or 1)."""
    entry = Entry.objects.select_related("organisation").filter(pk=entry_id).first()
    if entry is None or entry.kind != EntryKind.CHASED:
        return 0
    clock = Clock.objects.select_related("owner").filter(pk=entry.data.get("clock_id")).first()
    if clock is None or clock.owner is None:
        return 0
    owner = clock.owner
    if not owner.is_active or not owner.email:
        return 0
    try:
        kind = registry.record_type(clock.record_type)
    except RecordInputError:
        return 0
    records = registry.visible_records(owner, clock.record_type, [clock.record_id])
    record = records.get(clock.record_id)
    if record is None:  # the owner may no longer see it: it is not revealed
        return 0
    due = timezone.localtime(clock.due_at)
    when = (
        f"{due:%H:%M} on {due:%a} {due.day} {due:%b %Y}"
        if clock.unit == ClockUnit.HOURS
        else f"{clock.due_on:%a} {clock.due_on.day} {clock.due_on:%b %Y}"
    )
    reference = kind.reference(clock.record_id)
    lines = [
        f"{clock.label} was due by {when}.",
        "",
        f"{reference} at {entry.organisation.name}.",
    ]
    if clock.source:
        lines.append(f"Policy: {clock.source}.")
    url = kind.url_of(record)
    if settings.SITE_URL and url:
        lines += ["", settings.SITE_URL + url]
    subject = SUBJECT.format(label=clock.label, record=reference)
    sent = send_mail(subject, "\n".join(lines) + "\n", None, [owner.email], fail_silently=False)
    log.info("told the owner of the chase of %s on %s", clock.step, reference)
    return sent
