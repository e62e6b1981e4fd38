"""Breach alerts: a hazard's statutory clock passed without its step being done. The clock's
owner is chased by the timeline's sweep; the roles the hazards pack names (``alert_roles``)
are told here, once per clock, each clock in its own transaction."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from putright.accounts.actors import Actor
from putright.accounts.models import Membership
from putright.timeline.models import Clock
from putright.timeline.services import record_event

from .models import BreachAlert, Hazard
from .packs import hazard_pack_for
from .services import RECORD_TYPE

logger = logging.getLogger(__name__)

BREACH_ALERTED = "breach_alerted"


def alert_breaches(*, now: datetime.datetime | None = None) -> int:
    """Alert once about each open hazard clock that is past due; returns how many."""
    now = now or timezone.now()
    due = (
        Clock.objects.filter(record_type=RECORD_TYPE, completed_at__isnull=True, due_at__lte=now)
        .exclude(hazard_breach_alert__isnull=False)
        .values_list("pk", flat=True)
    )
    told = 0
    for clock_id in list(due):
        try:
            told += _alert(clock_id, now)
        except Exception:
            logger.exception("the hazard breach alert failed on clock %s", clock_id)
    return told


@transaction.atomic(durable=True)
def _alert(clock_id: int, now: datetime.datetime) -> int:
    clock = Clock.objects.select_for_update().filter(pk=clock_id).first()
    if clock is None or clock.completed_at or BreachAlert.objects.filter(clock=clock).exists():
        return 0
    hazard = Hazard.objects.select_related("organisation", "case").get(pk=clock.record_id)
    pack = hazard_pack_for(hazard.organisation)
    users = list(
        Membership.objects.filter(
            organisation=hazard.organisation, role__in=pack.alert_roles, user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    )
    people = {m.user.pk: m.user for m in users}
    BreachAlert.objects.create(clock=clock, hazard=hazard, alerted_at=now, told=sorted(people))
    record_event(
        record_type=RECORD_TYPE,
        record_id=hazard.pk,
        organisation=hazard.organisation,
        kind=BREACH_ALERTED,
        actor=Actor.system("hazard breach alert"),
        occurred_at=now,
        data={"clock_id": clock.pk, "step": clock.step, "told": sorted(people)},
    )
    addresses = sorted({u.email for u in people.values() if u.email})
    if addresses:
        due = timezone.localtime(clock.due_at)
        subject = f"Awaab's Law clock missed: {clock.label} (case {hazard.case.reference})"
        body = (
            f"{clock.label} on hazard {hazard.pk} (case {hazard.case.reference}) was due by "
            f"{due:%H:%M on %-d %B %Y} and is not recorded as done.\n\n"
            f"Rule: {clock.source}\n"
        )
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses),
            robust=True,
        )
    return 1
