"""Database helpers every app may use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def without_jit() -> Iterator[None]:
    """On PostgreSQL, run the statements inside without JIT compilation; elsewhere, nothing.

    A report's aggregate over many cases (a group of organisations), or search's list of a
    word common in one landlord, is costed past ``jit_above_cost`` and PostgreSQL compiles
    it, which costs more than it saves for a query that reads each row once
    (docs/benchmarks.md). The setting is made local to the
    transaction and put back as it was afterwards, so an enclosing transaction keeps its own.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        row = cursor.fetchone()
        yield
        cursor.execute("SELECT set_config('jit', %s, true)", [row[0] if row else "on"])
