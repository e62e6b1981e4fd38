"""Background tasks for the resident portal: housekeeping of unsent evidence."""

from __future__ import annotations

from django_tasks import task

from .uploads import remove_abandoned


@task()
def remove_abandoned_uploads() -> int:
    """Delete the evidence of journeys that were never sent and have ended."""
    return remove_abandoned()
