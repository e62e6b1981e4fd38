"""Telling staff by e-mail of the chases, breach alerts and overdue actions the sweeps record.

Each such event is e-mailed once, after its transaction commits, by a background task, to
the people it concerns (``recipients``); My work lists the same events. The e-mail names
the case and the policy's step, never the customer, and goes only to people who may
see the case.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse

from putright.accounts.access import ALERT_RECEIVERS, can_see_case
from putright.accounts.models import Membership, Role, User
from putright.domain.calendar import describe

from .models import Event, EventKind

log = logging.getLogger(__name__)

#: Events that ask someone to act.
TOLD_KINDS = frozenset({EventKind.CHASED, EventKind.ALERTED, EventKind.ACTION_OVERDUE})

SUBJECTS = {
    EventKind.CHASED: "Reminder: {reference} needs your next step",
    EventKind.ALERTED: "Breach alert: {reference}",
    EventKind.ACTION_OVERDUE: "Action overdue: {reference}",
}


def recipients(event: Event) -> list[User]:
    """Who an event concerns: a chase, whoever owes the step (the investigator when the
    chase names that role and one is assigned, else the handler); a breach alert, the
    handler and the organisation's complaints managers and managers; an overdue action,
    its owner and the handler."""
    case = event.case
    ids: set[int] = set()
    roles = set(event.data.get("roles") or [])
    if event.kind == EventKind.CHASED:
        if Role.INVESTIGATING_OFFICER in roles and case.investigator_id:
            ids.add(case.investigator_id)
        elif case.handler_id:
            ids.add(case.handler_id)
    elif event.kind == EventKind.ALERTED:
        if case.handler_id:
            ids.add(case.handler_id)
        ids.update(
            Membership.objects.filter(
                organisation_id=case.organisation_id, role__in=ALERT_RECEIVERS
            ).values_list("user_id", flat=True)
        )
    elif event.kind == EventKind.ACTION_OVERDUE:
        ids.update(int(i) for i in event.data.get("notify_user_ids") or [])
    people = User.objects.filter(pk__in=ids, is_active=True).exclude(email="").order_by("pk")
    # Only those who may see the case now: a case about staff conduct is not revealed.
    return [person for person in people if can_see_case(person, case)]


def _date(value: object) -> str:
    """An ISO date kept in an event's data, as staff read it (``Fri 20 Mar 2026``)."""
    try:
        return describe(datetime.date.fromisoformat(str(value or "")[:10]))
    except ValueError:
        return str(value or "")


def tell_staff(event_id: int) -> int:
    """E-mail the people an event concerns; how many were told."""
    event = Event.objects.select_related("case", "case__organisation").filter(pk=event_id).first()
    if event is None or event.kind not in TOLD_KINDS:
        return 0
    people = recipients(event)
    if not people:
        return 0
    case = event.case
    subject = SUBJECTS[EventKind(event.kind)].format(reference=case.reference)
    if event.kind == EventKind.ACTION_OVERDUE:
        # Staff write actions in their own words, which may name the customer: not e-mailed.
        what = f"An action to put things right was due on {_date(event.data.get('due_on'))}."
    else:  # the policy's own words for the step
        what = str(event.data.get("description") or event.get_kind_display())
    lines = [
        what,
        "",
        f"Case {case.reference} at {case.organisation.name}.",
    ]
    if event.data.get("source"):
        lines.append(f"Policy: {event.data['source']}.")
    if settings.SITE_URL:
        lines += ["", settings.SITE_URL + reverse("staff:case", args=[case.reference])]
    body = "\n".join(lines) + "\n"
    messages = [(subject, body, None, [person.email]) for person in people]
    sent = send_mass_mail(messages, fail_silently=False)
    log.info("told %s people of %s on %s", sent, event.kind, case.reference)
    return sent
