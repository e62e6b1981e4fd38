"""gunicorn's settings for PutRight: ``gunicorn -c python:config.gunicorn config.wsgi``.

Environment: ``PUTRIGHT_BIND`` (default ``0.0.0.0:8000``), ``PUTRIGHT_WEB_WORKERS`` (default 4),
``PUTRIGHT_WEB_TIMEOUT`` seconds (default 60). PutRight logs each request itself (a JSON line
with its request id), so gunicorn's access log stays off. With ``PROMETHEUS_MULTIPROC_DIR`` set,
a gunicorn worker that exits is marked dead so its gauges stop counting.
"""

from __future__ import annotations

import os
from typing import Any


def _number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"{name} must be a whole number above 0, not {raw!r}")
    return int(raw)


bind = os.environ.get("PUTRIGHT_BIND", "0.0.0.0:8000")
workers = _number("PUTRIGHT_WEB_WORKERS", 4)
timeout = _number("PUTRIGHT_WEB_TIMEOUT", 60)
accesslog = None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
