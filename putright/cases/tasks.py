"""Background tasks for cases: the deadline sweep."""

from __future__ import annotations

from django_tasks import task

from .services import sweep


@task()
def sweep_deadlines() -> dict[str, int]:
    """Take every automatic action that has fallen due (chases, alerts, closures)."""
    report = sweep()
    return {"cases": report.cases, "actions": report.actions, "failures": report.failures}
