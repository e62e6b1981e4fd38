"""Logs as JSON lines, each line of one request carrying that request's id.

- ``RequestMiddleware`` gives every request an id (the caller's ``X-Request-ID`` when it is a
  plain token of up to 64 characters, e.g. from a load balancer; otherwise a new one), answers
  with it in ``X-Request-ID``, writes one ``putright.request`` line per request (method, path
  without its query, status, milliseconds) and counts the request for the metrics.
- ``RequestIdFilter`` puts the id (or, in a worker, the running task's id) on every record.
- ``JsonFormatter`` writes each record as one JSON object on one line.

``PUTRIGHT_LOG_FORMAT`` chooses ``json`` (production's default) or ``plain`` (the demo's).
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
task_id: contextvars.ContextVar[str] = contextvars.ContextVar("task_id", default="")

_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

request_logger = logging.getLogger("putright.request")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` and ``task_id`` to every record (empty outside either)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.task_id = task_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the request or task id,
    any extra fields given to the call, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "task_id"):
            if value := getattr(record, key, ""):
                line[key] = value
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class RequestMiddleware:
    """Request ids, one log line per request, and the request metrics."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        rid = request_id.get() or new_request_id(request.headers.get("X-Request-ID", ""))
        request_id.set(rid)
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        response["X-Request-ID"] = rid
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match else "(unresolved)"
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "route": route,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
        from .metrics import observe_request

        observe_request(request.method or "", route, response.status_code, seconds)
        return response


def new_request_id(given: str) -> str:
    """The caller's id when it is a plain token (a load balancer's), else a new one."""
    return given if _ACCEPTED_ID.fullmatch(given) else uuid.uuid4().hex


def request_started(sender: object, environ: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """The id is taken when the request starts, before any middleware, so that every line of
    it carries the id, Django's own (an error logged after the middleware) included."""
    request_id.set(new_request_id((environ or {}).get("HTTP_X_REQUEST_ID", "")))


def request_finished(sender: object, **kwargs: Any) -> None:
    request_id.set("")


def task_started(sender: object, task_result: Any, **kwargs: Any) -> None:
    """In a worker, the running task's id goes on every line it logs."""
    task_id.set(str(task_result.id))


def task_finished(sender: object, task_result: Any, **kwargs: Any) -> None:
    task_id.set("")
    from .metrics import observe_task

    observe_task(task_result)
