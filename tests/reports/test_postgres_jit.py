"""On PostgreSQL the reports' aggregate (and the benchmark's bare SQL) run without JIT.

Over a group's cases the aggregate is costed past ``jit_above_cost``, and compiling it
costs more than it saves (docs/benchmarks.md); the setting is turned off for that one
statement and put back as it was.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from putright.database import without_jit
from putright.reports.runs import load_case_rows
from putright.reports.service import levels

from .conftest import d

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="JIT compilation is PostgreSQL's"
)


def jit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit')")
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def test_the_aggregate_runs_without_jit_and_the_setting_is_put_back(
    code_org: Any, year: Any
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = on")
    with CaptureQueriesContext(connection) as queries:
        rows = load_case_rows([code_org.pk], d(2025, 4, 1), d(2026, 3, 31), levels())
    assert len(rows) > 0
    sql = [q["sql"] for q in queries.captured_queries]
    turned_off = next(i for i, s in enumerate(sql) if "set_config('jit', 'off'" in s)
    aggregate = next(i for i, s in enumerate(sql) if "cases_event" in s)
    put_back = next(i for i, s in enumerate(sql) if "set_config('jit', 'on'" in s)
    assert turned_off < aggregate < put_back
    assert jit() == "on"


def test_inside_it_jit_is_off_and_an_error_leaves_the_setting_as_it_was(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = on")
    with without_jit():
        assert jit() == "off"
    assert jit() == "on"
    with pytest.raises(RuntimeError), without_jit():
        raise RuntimeError("the query failed")
    assert jit() == "on"
