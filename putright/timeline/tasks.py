"""Background tasks of the timeline: the clock sweep and the e-mail of each chase."""

from __future__ import annotations

from django_tasks import task

from .services import clocks_recalculate, sweep_clocks


@task()
def sweep_record_clocks() -> int:
    """Chase, once each, the clocks on records that have fallen due; returns how many."""
    return sweep_clocks()


@task()
def tell_owner_of_chase(entry_id: int) -> int:
    """E-mail the owner of a chased clock; how many were told."""
    from .notifications import tell_owner

    return tell_owner(entry_id)


@task()
def recalculate_organisation_clocks(organisation_id: int) -> int:
    """Recompute the open clocks' due moments after the organisation's calendar changed."""
    from putright.organisations.models import Organisation

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    return clocks_recalculate(organisation=organisation) if organisation else 0
