"""Telling those who need to know that a person's contact is restricted, or no longer is.

HPG 14.13.3: "The fact that a person has been deemed as unreasonable under the policy and had
restrictions imposed on them, will be recorded, and notified to those who need to know ...
Personal information about the complaint will not normally be included in such a
notification." Those who need to know are the staff a person's contact reaches: the
organisation's complaint handlers and complaints managers, and whoever handles or
investigates one of the person's open cases; not the one who decided, who knows.

The notice names the person, the measures and the next review, never a complaint or the
behaviour. Who was told is recorded in the person's history (by id) in the same transaction
as the decision; the e-mails go after it commits, by a background task.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.urls import reverse

from putright.accounts.models import Role, User

from .models import ContactRestriction

log = logging.getLogger(__name__)

#: The organisation roles whose holders meet a person's contact.
FRONT_ROLES = (Role.COMPLAINT_HANDLER, Role.COMPLAINTS_MANAGER)

SUBJECTS = {
    "imposed": "Restrictions on how person {id} may contact us",
    "lifted": "Restrictions on how person {id} may contact us are lifted",
}


def need_to_know(restriction: ContactRestriction, *, decided_by: User | None) -> list[User]:
    """The active staff with an e-mail who need to know, by name."""
    person = restriction.person
    # Cases are reached through the person (the cases app builds on this one, not the
    # reverse); a closed case's status is "closed".
    open_cases = person.cases.exclude(status="closed")
    users = (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(
                memberships__organisation=person.organisation_id,
                memberships__role__in=FRONT_ROLES,
            )
            | Q(handled_cases__in=open_cases)
            | Q(investigated_cases__in=open_cases)
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    if decided_by is not None:
        users = users.exclude(pk=decided_by.pk)
    return list(users)


def notice_text(restriction: ContactRestriction, what: str) -> str:
    """The notice: who, and how they may contact us, never the complaint or the behaviour."""
    from .restrictions import need_to_know_notice

    if what == "lifted":
        person = restriction.person
        return (
            f"The restrictions on how {person.name} (person {person.pk}) may contact us were "
            f"lifted on {restriction.ends_on:%-d %B %Y}. Deal with their contact in the usual way."
        )
    return need_to_know_notice(restriction)


def tell(restriction_id: int, what: str, user_ids: list[int]) -> int:
    """E-mail the notice to the users named; how many were sent."""
    restriction = (
        ContactRestriction.objects.select_related("person", "person__organisation")
        .filter(pk=restriction_id)
        .first()
    )
    if restriction is None or what not in SUBJECTS:
        return 0
    recipients = User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    subject = SUBJECTS[what].format(id=restriction.person_id)
    body = notice_text(restriction, what)
    if settings.SITE_URL:
        url = reverse("staff:person", args=[restriction.person_id])
        body += f"\n\n{settings.SITE_URL}{url}"
    body += (
        "\n\nYou are told because contact from this person may reach you. Keep this to "
        "yourself and those who need it.\n"
    )
    messages = [(subject, body, None, [user.email]) for user in recipients]
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    log.info("told %d of %s restriction on person %s", sent, what, restriction.person_id)
    return sent
