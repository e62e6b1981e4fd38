"""Enqueue periodic jobs once per slot, and run the worker with the scheduler beside it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from putright.jobs import PERIODIC_JOBS, PeriodicJob, load_task

from .models import JobSlot

logger = logging.getLogger(__name__)


def enqueue_due_jobs(*, now: datetime, jobs: Iterable[PeriodicJob] = PERIODIC_JOBS) -> list[str]:
    """Enqueue every job whose current slot has not been enqueued yet; returns their names."""
    enqueued = []
    for job in jobs:
        slot = int(now.timestamp()) // job.seconds
        try:
            with transaction.atomic():
                JobSlot.objects.create(job=job.name, slot=slot, enqueued_at=now)
                task = load_task(job)
                transaction.on_commit(task.enqueue)
        except IntegrityError:
            continue  # another worker (or an earlier tick) has this slot
        enqueued.append(job.name)
    return enqueued


class Scheduler:
    """A loop that enqueues due periodic jobs every ``interval`` seconds."""

    def __init__(self, *, interval: float = 15.0) -> None:
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            close_old_connections()
            try:
                names = enqueue_due_jobs(now=timezone.now())
                if names:
                    logger.debug("enqueued periodic jobs: %s", ", ".join(names))
            except Exception:  # keep scheduling after a transient database error
                logger.exception("periodic scheduling failed; will retry")
            finally:
                close_old_connections()
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()


def make_worker(*, batch: bool = False, max_tasks: int | None = None) -> object:
    """A django-tasks database worker for every queue, which says it is alive while it runs
    (``system/workers.py``): a task it leaves running if it is killed is taken up again."""
    from django_tasks_db.management.commands.db_worker import Worker

    from .workers import Liveness, new_worker_id

    class LiveWorker(Worker):
        def run(self) -> None:
            liveness = Liveness(self.worker_id)
            liveness.start()
            try:
                super().run()
            finally:
                liveness.stop()

    return LiveWorker(
        queue_names=["*"],
        interval=settings.PUTRIGHT_WORKER_INTERVAL,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=new_worker_id(),
        excluded_queue_names=[],
    )


def start_in_background() -> tuple[Scheduler, threading.Thread, threading.Thread]:
    """Start the scheduler and a worker as daemon threads of this process."""
    scheduler = Scheduler()
    worker = make_worker()
    scheduler_thread = threading.Thread(target=scheduler.run, name="scheduler", daemon=True)
    worker_thread = threading.Thread(
        target=worker.run,  # type: ignore[attr-defined]
        name="worker",
        daemon=True,
    )
    scheduler_thread.start()
    time.sleep(0.05)
    worker_thread.start()
    return scheduler, scheduler_thread, worker_thread
