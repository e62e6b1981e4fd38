"""Background work on hazards: telling the roles the hazards pack names of each missed clock."""

from __future__ import annotations

from django_tasks import task


@task()
def alert_hazard_breaches() -> int:
    """Tell the pack's alert roles, once per clock, of each Awaab's Law clock missed."""
    from .alerts import alert_breaches

    return alert_breaches()
