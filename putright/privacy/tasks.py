"""Background work on personal data: the daily retention run."""

from __future__ import annotations

from django_tasks import task


@task()
def apply_retention_schedule() -> int:
    """Every organisation in turn: anonymise what is past its retention period; the number
    of cases anonymised."""
    from .retention import apply_retention_everywhere

    return sum(run.counts.get("cases", 0) for run in apply_retention_everywhere())
