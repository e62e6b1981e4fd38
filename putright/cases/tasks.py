"""Background tasks for cases: the deadline sweep."""

from __future__ import annotations

from django_tasks import task

from .models import Case, Status
from .services import refresh_cached_dates, sweep


@task()
def sweep_deadlines() -> dict[str, int]:
    """Take every automatic action that has fallen due (chases, alerts, closures)."""
    report = sweep()
    return {"cases": report.cases, "actions": report.actions, "failures": report.failures}


@task()
def refresh_organisation_dates(organisation_id: int) -> int:
    """Recompute open cases' cached dates after the organisation's calendar changed."""
    cases = (
        Case.objects.filter(organisation_id=organisation_id)
        .exclude(status=Status.CLOSED)
        .select_related("organisation")
    )
    return refresh_cached_dates(cases.iterator(chunk_size=500))


@task()
def tell_staff_of(event_id: int) -> int:
    """E-mail the people a chase, breach alert or overdue action concerns."""
    from .notifications import tell_staff

    return tell_staff(event_id)
