"""Queueing background work that follows a change, so the two exist together.

Where tasks are rows in the same database (``django_tasks_db``, as deployed), the task is
queued inside the change's transaction: it commits or rolls back with the change, and a
process killed just after the commit cannot lose it. Elsewhere (the immediate backend of
the tests) it is queued once the change commits, so it never runs for a change rolled back.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction


def enqueue_with_change(task: Any, *args: Any) -> None:
    """Queue ``task(*args)`` to exist exactly when the change being made does."""
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args), robust=True)
