"""The WSGI entry point gunicorn and ``putright serve`` load."""

import gc
import importlib
import io
import json

from django.core.signals import request_finished, request_started
from django.db import close_old_connections


def test_the_application_is_ready_before_its_first_request():
    try:
        wsgi = importlib.import_module("config.wsgi")
        assert gc.get_freeze_count() > 0  # start-up objects kept out of the collector's scans
    finally:
        gc.unfreeze()
    answers: list[str] = []
    # As Django's test client does: the test's database connection stays open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(
            wsgi.application(
                {
                    "REQUEST_METHOD": "GET",
                    "PATH_INFO": "/api/v1/openapi.json",
                    "SERVER_NAME": "testserver",
                    "SERVER_PORT": "80",
                    "wsgi.url_scheme": "http",
                    "wsgi.input": io.BytesIO(),
                },
                lambda status, headers, exc_info=None: answers.append(status),
            )
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert answers == ["200 OK"], body[:300]
    assert json.loads(body)["info"]["title"] == "PutRight API"
