"""Recording cases on SQLite: writers queue for the one write lock instead of polling for it."""

from __future__ import annotations

import fcntl
import threading
import time

import pytest

from putright.api.cases import _SqliteWriter


def test_one_writer_at_a_time_across_threads(tmp_path):
    writer = _SqliteWriter.of(str(tmp_path / "db.sqlite3"))
    inside: list[str] = []
    overlaps: list[int] = []

    def write(name: str) -> None:
        with writer:
            inside.append(name)
            overlaps.append(len(inside))
            time.sleep(0.01)
            inside.remove(name)

    threads = [threading.Thread(target=write, args=(f"t{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == [1] * 6


def test_other_processes_wait_on_the_lock_file_beside_the_database(tmp_path):
    database = str(tmp_path / "db.sqlite3")
    writer = _SqliteWriter.of(database)
    assert _SqliteWriter.of(database) is writer
    # Another open file stands for another process: it cannot take the lock meanwhile.
    with (
        writer,
        open(f"{database}-putright-writer.lock", "ab") as other,
        pytest.raises(BlockingIOError),
    ):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(f"{database}-putright-writer.lock", "ab") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free once the writer is done
        fcntl.flock(other, fcntl.LOCK_UN)


def test_a_writer_that_fails_lets_the_next_one_in(tmp_path):
    writer = _SqliteWriter.of(str(tmp_path / "db.sqlite3"))
    with pytest.raises(RuntimeError), writer:
        raise RuntimeError("the transaction failed")
    assert writer.threads.acquire(blocking=False)
    writer.threads.release()
