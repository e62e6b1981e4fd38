"""A task left running by a dead worker is taken up again by the next one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from putright.system.models import Heartbeat, WorkerProcess
from putright.system.scheduler import make_worker
from putright.system.workers import MAX_ATTEMPTS, Liveness, recover_abandoned_tasks

HEARTBEAT = "putright.system.tasks.record_heartbeat"


def running_task(*, worker_ids: list[str], started: timedelta) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {}},
        task_path=HEARTBEAT,
        backend_name="default",
        run_after=get_date_max(),
        worker_ids=worker_ids,
        started_at=timezone.now() - started,
        exception_class_path="",
        traceback="",
    )


def worker(worker_id: str, *, seen: timedelta) -> WorkerProcess:
    now = timezone.now()
    return WorkerProcess.objects.create(
        worker_id=worker_id, host="h", pid=1, started_at=now - seen, seen_at=now - seen
    )


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_a_task_left_by_a_silent_worker_is_queued_again_and_run_once():
    worker("dead", seen=timedelta(minutes=2))
    task = running_task(worker_ids=["dead"], started=timedelta(minutes=3))

    recovery = recover_abandoned_tasks()

    assert recovery.requeued == (str(task.pk),)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert not WorkerProcess.objects.filter(worker_id="dead").exists()

    make_worker(batch=True).run()  # type: ignore[attr-defined]

    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert len(task.worker_ids) == 2
    assert Heartbeat.objects.count() == 1
    assert not WorkerProcess.objects.exists()  # the batch worker unregistered on its way out


@pytest.mark.django_db
def test_a_task_of_a_live_worker_is_left_alone():
    worker("alive", seen=timedelta(seconds=2))
    task = running_task(worker_ids=["alive"], started=timedelta(hours=2))

    assert recover_abandoned_tasks().requeued == ()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_task_of_an_unknown_worker_is_taken_back_only_once_it_has_run_too_long():
    fresh = running_task(worker_ids=["unknown"], started=timedelta(seconds=1))
    old = running_task(worker_ids=["gone"], started=timedelta(minutes=5))

    assert recover_abandoned_tasks().requeued == (str(old.pk),)
    fresh.refresh_from_db()
    assert fresh.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_task_that_lost_its_worker_too_often_fails_rather_than_loop():
    task = running_task(
        worker_ids=[f"w{n}" for n in range(MAX_ATTEMPTS)], started=timedelta(minutes=5)
    )

    recovery = recover_abandoned_tasks()

    assert recovery.failed == (str(task.pk),)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "putright.system.workers.WorkerLostError"
    assert "stopped 3 times" in task.traceback


@pytest.mark.django_db
def test_a_beat_keeps_the_worker_alive_and_registers_it_again_if_forgotten():
    liveness = Liveness("me")
    liveness.register()
    WorkerProcess.objects.all().delete()

    liveness.beat()

    assert WorkerProcess.objects.get().worker_id == "me"
    liveness.stop()
    assert not WorkerProcess.objects.exists()


def test_a_lost_after_shorter_than_three_beats_is_refused(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import config.settings.base as base

    for value, message in (("5", "at least 15"), ("soon", "number of seconds")):
        monkeypatch.setenv("PUTRIGHT_WORKER_LOST_AFTER", value)
        with pytest.raises(ImproperlyConfigured, match=message):
            importlib.reload(base)
    monkeypatch.delenv("PUTRIGHT_WORKER_LOST_AFTER")
    importlib.reload(base)


# A worker killed with SIGKILL in the middle of a real deadline sweep: test_sweep_kill.py.
