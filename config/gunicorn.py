"""gunicorn's settings for PutRight: ``gunicorn -c python:config.gunicorn config.wsgi``.

Environment: ``PUTRIGHT_BIND`` (default ``0.0.0.0:8000``), ``PUTRIGHT_WEB_WORKERS`` (default 4),
``PUTRIGHT_WEB_TIMEOUT`` seconds (default 60). With ``PROMETHEUS_MULTIPROC_DIR`` set, a gunicorn
worker that exits is marked dead so its gauges stop counting.

Logs: gunicorn's own lines (starting, listening, a worker booted, timed out or killed) are JSON
lines on standard error like PutRight's (``PUTRIGHT_LOG_FORMAT``, ``json`` by default;
``plain`` keeps gunicorn's text). PutRight logs each request itself (a ``putright.request``
line with its request id), so gunicorn's access log is off unless ``PUTRIGHT_ACCESS_LOG=1``;
then each request also gets a ``gunicorn.access`` line, static files included: ``method``,
``path`` (never the query), ``status``, ``duration_ms`` and the ``request_id`` PutRight gave
it (from its ``X-Request-ID`` answer), also on standard error.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger


def _number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"{name} must be a whole number above 0, not {raw!r}")
    return int(raw)


def _log_format() -> str:
    chosen = os.environ.get("PUTRIGHT_LOG_FORMAT", "").strip().lower() or "json"
    if chosen not in {"json", "plain"}:
        raise SystemExit(f"PUTRIGHT_LOG_FORMAT must be json or plain, not {chosen!r}")
    return chosen


class JsonLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger writing JSON lines (``putright.system.logs.JsonFormatter``), its
    access lines with the request's fields, all on standard error."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        from putright.system.logs import JsonFormatter

        logging.captureWarnings(True)  # Python's warnings as log lines too, not plain text
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())
                if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
                    handler.setStream(sys.stderr)

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.cfg.accesslog:
            return
        status = str(resp.status).split(None, 1)[0]
        status_code = int(status) if status.isdigit() else status
        method = environ.get("REQUEST_METHOD", "")
        path = environ.get("PATH_INFO", "")
        fields: dict[str, Any] = {
            "method": method,
            "path": path,
            "status": status_code,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
        }
        request_id = next(
            (value for name, value in resp.headers if name.lower() == "x-request-id"), ""
        )
        if request_id:
            fields["request_id"] = request_id
        try:
            self.access_log.info("%s %s %s", method, path, status, extra=fields)
        except Exception:  # a log line must never break an answer
            self.exception("could not write the access line")


bind = os.environ.get("PUTRIGHT_BIND", "0.0.0.0:8000")
workers = _number("PUTRIGHT_WEB_WORKERS", 4)
timeout = _number("PUTRIGHT_WEB_TIMEOUT", 60)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
errorlog = "-"
_access = os.environ.get("PUTRIGHT_ACCESS_LOG", "").strip().lower() in {"1", "true", "yes", "on"}
accesslog = "-" if _access else None
if _log_format() == "json":
    logger_class = JsonLogger


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
