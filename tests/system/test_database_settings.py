"""On PostgreSQL a page's statements run without parallel workers (starting them costs more
than they save on a page of cases); reports ask for them again. DATABASE_URL may say
otherwise."""

from __future__ import annotations

import pytest
from django.db import connection

from config.settings.base import database_from_env
from putright.database import REPORT_PARALLEL_WORKERS, without_jit


def test_postgresql_connections_start_without_parallel_workers(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://putright@db:5432/putright")
    options = database_from_env()["OPTIONS"]
    assert options == {"options": "-c max_parallel_workers_per_gather=0"}


def test_a_url_that_sets_parallel_workers_keeps_them_and_other_options_are_kept(monkeypatch):
    own = "postgres://putright@db/putright?options=-c%20max_parallel_workers_per_gather%3D4"
    monkeypatch.setenv("DATABASE_URL", own)
    assert database_from_env()["OPTIONS"]["options"] == "-c max_parallel_workers_per_gather=4"
    other = "postgres://putright@db/putright?options=-c%20statement_timeout%3D5000"
    monkeypatch.setenv("DATABASE_URL", other)
    assert database_from_env()["OPTIONS"]["options"] == (
        "-c statement_timeout=5000 -c max_parallel_workers_per_gather=0"
    )


def test_sqlite_is_left_alone(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    assert "options" not in database_from_env()["OPTIONS"]


def _workers() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_parallel_workers_per_gather')")
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's setting")
def test_reports_have_parallel_workers_and_pages_none_afterwards(db: None) -> None:
    assert _workers() == "0"
    with without_jit(parallel_workers=REPORT_PARALLEL_WORKERS):
        assert _workers() == str(REPORT_PARALLEL_WORKERS)
    assert _workers() == "0"
    with without_jit():  # search's list of a common word: still none
        assert _workers() == "0"
    with pytest.raises(RuntimeError), without_jit(parallel_workers=REPORT_PARALLEL_WORKERS):
        raise RuntimeError("the query failed")
    assert _workers() == "0"
