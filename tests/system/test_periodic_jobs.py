from datetime import UTC, datetime, timedelta

import pytest

from putright.jobs import PERIODIC_JOBS, PeriodicJob, load_task
from putright.system.models import Heartbeat, JobSlot
from putright.system.scheduler import enqueue_due_jobs

HEARTBEAT = PeriodicJob(
    name="heartbeat",
    task="putright.system.tasks.record_heartbeat",
    every=timedelta(minutes=1),
    description="test",
)


def test_every_periodic_job_names_a_task_that_exists():
    for job in PERIODIC_JOBS:
        assert hasattr(load_task(job), "enqueue"), job.name


@pytest.mark.django_db(transaction=True)
def test_heartbeat_runs_once_per_slot_however_often_the_scheduler_ticks():
    now = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)

    first = enqueue_due_jobs(now=now, jobs=[HEARTBEAT])
    again = enqueue_due_jobs(now=now + timedelta(seconds=30), jobs=[HEARTBEAT])
    next_minute = enqueue_due_jobs(now=now + timedelta(minutes=1), jobs=[HEARTBEAT])

    assert first == ["heartbeat"]
    assert again == []
    assert next_minute == ["heartbeat"]
    assert JobSlot.objects.count() == 2
    # the test settings run tasks immediately, so each enqueue recorded a beat
    assert Heartbeat.objects.count() == 2
