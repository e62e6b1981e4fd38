"""Background tasks for remedies: overdue actions."""

from __future__ import annotations

from django_tasks import task

from .services import actions_sweep


@task()
def alert_overdue_actions() -> int:
    """Alert the owner and the handler about each action that has slipped, once."""
    return actions_sweep()
