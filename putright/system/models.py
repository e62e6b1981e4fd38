"""Bookkeeping for the worker: heartbeats and which periodic slots were enqueued."""

from django.db import models


class Heartbeat(models.Model):
    """One beat of the periodic heartbeat job: proof that the worker runs jobs."""

    beat_at = models.DateTimeField()
    worker = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-beat_at"]
        get_latest_by = "beat_at"

    def __str__(self) -> str:
        return f"heartbeat at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class JobSlot(models.Model):
    """A periodic job enqueued for one slot of its schedule, at most once."""

    job = models.CharField(max_length=100)
    slot = models.BigIntegerField(help_text="Slot number: seconds since the epoch // interval.")
    enqueued_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="job_slot_once")]
        ordering = ["-enqueued_at"]

    def __str__(self) -> str:
        return f"{self.job} #{self.slot}"


class WorkerProcess(models.Model):
    """A worker that is running, or was: it says it is alive every few seconds. A task left
    running by a worker that has stopped saying so is queued again (``system/workers.py``)."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=100, blank=True)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host} (pid {self.pid})"
