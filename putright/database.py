"""Database helpers every app may use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

#: Parallel workers a report's statement may use (PostgreSQL's own default). The statements of
#: caseworking pages use none (``config/settings/base.py``).
REPORT_PARALLEL_WORKERS = 2


@contextmanager
def without_jit(*, parallel_workers: int | None = None) -> Iterator[None]:
    """On PostgreSQL, run the statements inside without JIT compilation; elsewhere, nothing.

    A report's aggregate over many cases (a group of organisations), or search's list of a
    word common in one landlord, is costed past ``jit_above_cost`` and PostgreSQL compiles
    it, which costs more than it saves for a query that reads each row once
    (docs/benchmarks.md). The setting is made local to the
    transaction and put back as it was afterwards, so an enclosing transaction keeps its own.
    ``parallel_workers``: as many parallel workers allowed meanwhile (a report's aggregate over
    many cases), the same way.
    """
    if connection.vendor != "postgresql":
        yield
        return
    workers = "" if parallel_workers is None else str(parallel_workers)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('jit'), set_config('jit', 'off', true),"
            " current_setting('max_parallel_workers_per_gather'),"
            " set_config('max_parallel_workers_per_gather',"
            " coalesce(nullif(%s, ''), current_setting('max_parallel_workers_per_gather')), true)",
            [workers],
        )
        jit, _, before, _ = cursor.fetchone() or ("on", "", "", "")
        yield
        cursor.execute(
            "SELECT set_config('jit', %s, true),"
            " set_config('max_parallel_workers_per_gather', %s, true)",
            [jit, before],
        )
