"""E-mailing those the pack names of an Ombudsman contact, and of an order running late.

The e-mail names the case's reference, the organisation and what arrived, never the
complaint or the customer; who was told is already in the case's chronology.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse

from putright.accounts.models import User
from putright.cases.models import Case

from .models import ContactKind, Order

log = logging.getLogger(__name__)

WHAT = {
    ContactKind.ENQUIRY.value: "an enquiry",
    ContactKind.EVIDENCE_REQUEST.value: "a request for evidence",
    ContactKind.DETERMINATION.value: "its determination",
}
SUBJECT = "The Ombudsman sent {what} on case {reference}"
DELAY_SUBJECT = "An Ombudsman order on case {reference} cannot be done by its due date"


def _link(path: str) -> str:
    return f"\n\n{settings.SITE_URL}{path}" if settings.SITE_URL else ""


def tell_of_contact(case_id: int, what: str, user_ids: list[int]) -> int:
    """E-mail each person named that the Ombudsman sent something; how many were sent."""
    case = Case.objects.select_related("organisation").filter(pk=case_id).first()
    if case is None or what not in WHAT:
        return 0
    people = User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    subject = SUBJECT.format(what=WHAT[what], reference=case.reference)
    body = (
        f"The Ombudsman sent {WHAT[what]} on case {case.reference} at {case.organisation.name}. "
        "The policy says you are told of each contact from the Ombudsman."
        + _link(reverse("staff:case", args=[case.reference]))
        + "\n"
    )
    sent = send_mass_mail([(subject, body, None, [u.email]) for u in people], fail_silently=False)
    log.info("told %d of the Ombudsman's %s on %s", sent, what, case.reference)
    return sent


def tell_of_delay(order_id: int, user_ids: list[int]) -> int:
    """E-mail those a late order is raised with; how many were sent."""
    order = (
        Order.objects.select_related("determination__case__organisation")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        return 0
    case = order.determination.case
    people = User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    subject = DELAY_SUBJECT.format(reference=case.reference)
    body = (
        f"{order.get_kind_display()} {order.number} of the Ombudsman's determination on case "
        f"{case.reference} at {case.organisation.name} is due on {order.due_on:%-d %B %Y}. "
        f"Its owner says the date cannot be met: {order.delay_reason}"
        + _link(reverse("staff:ombudsman-order", args=[order.pk]))
        + "\n"
    )
    sent = send_mass_mail([(subject, body, None, [u.email]) for u in people], fail_silently=False)
    log.info("told %d of a late Ombudsman order on %s", sent, case.reference)
    return sent


DUE_SOON_SUBJECT = "Reminder: an Ombudsman order on case {reference} is due on {due}"


def tell_owner_due_soon(order_id: int) -> int:
    """E-mail the order's owner that it falls due soon, if they may still see the case."""
    from putright.accounts.access import can_see_case

    order = (
        Order.objects.select_related("owner", "determination__case__organisation")
        .filter(pk=order_id)
        .first()
    )
    if order is None or order.owner is None or order.completed_on is not None:
        return 0
    owner, case = order.owner, order.determination.case
    if not owner.is_active or not owner.email or not can_see_case(owner, case):
        return 0
    due = f"{order.due_on:%-d %B %Y}"
    body = (
        f"{order.get_kind_display()} {order.number} of the Ombudsman's determination on case "
        f"{case.reference} at {case.organisation.name} is yours and is due on {due}. If it "
        "cannot be done by then, say so on the order's page: it is raised with the complaints "
        "manager." + _link(reverse("staff:ombudsman-order", args=[order.pk])) + "\n"
    )
    subject = DUE_SOON_SUBJECT.format(reference=case.reference, due=due)
    return send_mass_mail([(subject, body, None, [owner.email])], fail_silently=False)
