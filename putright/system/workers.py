"""Workers that say they are alive, and tasks taken up again when their worker has died.

Each worker (``putright worker``, or the one inside ``putright serve``) records itself in
``WorkerProcess`` and updates ``seen_at`` every ``BEAT_SECONDS`` from a thread of its own. A
worker that is killed (SIGKILL, out of memory, a machine lost) stops beating; once it has been
silent for ``PUTRIGHT_WORKER_LOST_AFTER`` seconds, any other worker puts the tasks it left
running back in the queue, where the next free worker takes them up. Every periodic job is
idempotent (docs/architecture.md, "Background work"), so a sweep interrupted half-way finishes
what it had left without doing anything twice. A task whose worker has died
``MAX_ATTEMPTS`` times is marked failed rather than queued again, so one task that kills its
worker cannot stop the queue for ever.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerProcess

logger = logging.getLogger(__name__)

#: Seconds between a worker's beats.
BEAT_SECONDS = 5.0
#: A task whose worker died this many times is failed, not queued again.
MAX_ATTEMPTS = 3


class WorkerLostError(Exception):
    """The worker running a task stopped while running it, too many times."""


def new_worker_id() -> str:
    """A worker id that says where the worker runs: host, process id and a random part."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


def lost_after() -> timedelta:
    """How long a worker may be silent before its running tasks are taken from it."""
    return timedelta(seconds=settings.PUTRIGHT_WORKER_LOST_AFTER)


@dataclass(frozen=True)
class Recovery:
    """What one look for abandoned tasks did: ids queued again, and ids failed."""

    requeued: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


def recover_abandoned_tasks(*, now: datetime | None = None) -> Recovery:
    """Queue again every task left running by a worker that stopped beating; fail those whose
    workers died ``MAX_ATTEMPTS`` times; forget the silent workers."""
    now = now or timezone.now()
    cutoff = now - lost_after()
    requeued: list[str] = []
    failed: list[str] = []
    with transaction.atomic():
        known = dict(WorkerProcess.objects.values_list("worker_id", "seen_at"))
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        for result in running:
            owner = result.worker_ids[-1] if result.worker_ids else None
            seen = known.get(owner) if owner else None
            if seen is not None and seen >= cutoff:
                continue  # its worker is alive
            if seen is None and result.started_at and result.started_at >= cutoff:
                continue  # claimed moments ago by a worker not (yet) known here
            if len(result.worker_ids) >= MAX_ATTEMPTS:
                error = WorkerLostError(
                    f"the worker running this task stopped {len(result.worker_ids)} times "
                    f"(workers {', '.join(result.worker_ids)}); not queued again"
                )
                result.set_failed(error)
                failed.append(str(result.pk))
                logger.error("task %s (%s) failed: %s", result.pk, result.task_path, error)
                continue
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.save(update_fields=["status", "started_at"])
            requeued.append(str(result.pk))
            logger.warning(
                "task %s (%s) queued again: its worker %s stopped while running it",
                result.pk,
                result.task_path,
                owner or "(unknown)",
            )
        WorkerProcess.objects.filter(seen_at__lt=cutoff).delete()
    return Recovery(requeued=tuple(requeued), failed=tuple(failed))


class Liveness:
    """A worker's beat: registers it, updates ``seen_at`` every ``BEAT_SECONDS`` and looks
    for tasks abandoned by other workers; forgets the worker when it stops cleanly."""

    def __init__(self, worker_id: str, *, interval: float = BEAT_SECONDS) -> None:
        self.worker_id = worker_id
        self.interval = interval
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def register(self) -> None:
        now = timezone.now()
        WorkerProcess.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": socket.gethostname()[:100],
                "pid": os.getpid(),
                "started_at": now,
                "seen_at": now,
            },
        )

    def beat(self) -> None:
        """Say this worker is alive, then take up what dead workers left."""
        now = timezone.now()
        updated = WorkerProcess.objects.filter(worker_id=self.worker_id).update(seen_at=now)
        if not updated:  # forgotten after a long pause (a suspended machine): register again
            self.register()
        recover_abandoned_tasks(now=now)

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            close_old_connections()
            try:
                self.beat()
            except DatabaseError:  # keep beating after a transient database error
                logger.exception("worker %s could not beat; will retry", self.worker_id)
            finally:
                close_old_connections()

    def start(self) -> None:
        self.register()
        recover_abandoned_tasks()
        self.thread = threading.Thread(target=self.run, name="worker-liveness", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=self.interval + 5)
        try:
            WorkerProcess.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            logger.warning("worker %s could not unregister; it will be forgotten", self.worker_id)
