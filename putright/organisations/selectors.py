"""Reading an organisation's policy: the pack in force on a day, and when it changed."""

from __future__ import annotations

import datetime

from django.utils import timezone

from .models import Organisation, PolicyAdoption, pack_in_force
from .services import organisation_calendar


def pack_for(organisation: Organisation, received_on: datetime.date) -> str:
    """The pack for a case deemed received on ``received_on``: that of the latest change
    taking effect on or before it, or the organisation's original pack before any change.
    """
    return pack_in_force(organisation.policy_schedule, received_on) or organisation.policy_pack


def pack_for_contact(organisation: Organisation, received_at: datetime.datetime) -> str:
    """The pack for a contact received at ``received_at``: the one in force on the working day
    it is deemed received (after the cut-off or on a closed day, the next working day).
    """
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    deemed = organisation_calendar(organisation).deemed_receipt(received_at).deemed
    return pack_for(organisation, deemed)


def policy_in_force(organisation: Organisation, today: datetime.date | None = None) -> str:
    """The pack in force today (or on ``today``): what a page showing "the policy" names."""
    return pack_for(organisation, today or timezone.localdate())


def policy_changes_between(
    organisation: Organisation, start: datetime.date, end: datetime.date
) -> list[PolicyAdoption]:
    """The changes of policy taking effect within a period: after its first day, up to and
    including its last. Cases received in such a period were handled under two packs.
    """
    return list(
        organisation.policy_adoptions.filter(
            withdrawn_at__isnull=True, from_date__gt=start, from_date__lte=end
        ).order_by("from_date")
    )


def policy_history(organisation: Organisation) -> list[PolicyAdoption]:
    """Every change of policy recorded, withdrawn ones included, oldest first."""
    return list(
        organisation.policy_adoptions.select_related("recorded_by", "withdrawn_by").order_by(
            "from_date", "recorded_at"
        )
    )
