"""gunicorn, run as the README deploys it (``gunicorn -c python:config.gunicorn config.wsgi``),
writes JSON lines on standard error like PutRight: its own lines (start, listening, workers)
and, with ``PUTRIGHT_ACCESS_LOG=1``, an access line per request with the request's id."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import gunicorn
import pytest
from django.conf import settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(tmp_path: Path, **extra: str) -> tuple[list[dict[str, object]], list[str]]:
    """Start gunicorn, ask it for /healthz (with a load balancer's request id) and a page
    with a query, stop it; every line it wrote on standard error as JSON, and its stdout."""
    port = free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("PUTRIGHT_LOG_FORMAT", "PUTRIGHT_ACCESS_LOG")
        },
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "gunicorn-log-test-" + "x" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PUTRIGHT_DATA_DIR": str(tmp_path),
        "PUTRIGHT_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PUTRIGHT_BIND": f"127.0.0.1:{port}",
        "PUTRIGHT_WEB_WORKERS": "1",
        "PYTHONPATH": str(settings.BASE_DIR),
        **extra,  # PUTRIGHT_LOG_FORMAT left out: production's default, json
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn", "config.wsgi"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                ask = urllib.request.Request(
                    f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "lb-42"}
                )
                with urllib.request.urlopen(ask, timeout=5) as answer:
                    assert answer.status == 200
                break
            except OSError:
                assert server.poll() is None, server.communicate()[1][-3000:]
                assert time.monotonic() < deadline, "gunicorn did not answer within a minute"
                time.sleep(0.3)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/resident/follow/?reference=ABC&name=Pat", timeout=10
        ) as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    lines = [line for line in err.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"gunicorn wrote a line that is not JSON: {line!r}")
    return parsed, out.splitlines()


@pytest.mark.slow
def test_gunicorns_own_lines_and_access_lines_are_json_with_the_request_id(tmp_path):
    lines, stdout = serve(tmp_path, PUTRIGHT_ACCESS_LOG="1")

    said = [(line["logger"], line["message"]) for line in lines]
    assert ("gunicorn.error", f"Starting gunicorn {gunicorn.__version__}") in said
    assert any(m.startswith("Listening at: http://127.0.0.1:") for _, m in said)
    assert any(m.startswith("Booting worker with pid") for _, m in said)
    assert ("gunicorn.error", "Shutting down: Master") in said
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert access[0] == {
        "time": access[0]["time"],
        "level": "INFO",
        "logger": "gunicorn.access",
        "message": "GET /healthz 200",
        "request_id": "lb-42",  # the load balancer's, as PutRight answered with it
        "method": "GET",
        "path": "/healthz",
        "status": 200,
        "duration_ms": access[0]["duration_ms"],
    }
    assert isinstance(access[0]["duration_ms"], float)
    # The page's line by its path: on a busy machine /healthz may have been asked twice.
    page = next(line for line in access if line["path"] == "/resident/follow/")
    assert page["status"] == 200
    assert "Pat" not in json.dumps(page)  # never the query
    own = [line for line in lines if line["logger"] == "putright.request"]
    assert page["request_id"] == own[-1]["request_id"]
    assert stdout == []  # nothing on standard output


@pytest.mark.slow
def test_without_the_access_log_only_putrights_request_lines_remain(tmp_path):
    lines, _ = serve(tmp_path)

    loggers = {line["logger"] for line in lines}
    assert "gunicorn.access" not in loggers
    assert {"gunicorn.error", "putright.request"} <= loggers
