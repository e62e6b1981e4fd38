"""The WSGI entry point gunicorn and ``putright serve`` load."""

import gc
import importlib
import io

import pytest


@pytest.mark.django_db
def test_the_application_is_ready_before_its_first_request():
    try:
        wsgi = importlib.import_module("config.wsgi")
        assert gc.get_freeze_count() > 0  # start-up objects kept out of the collector's scans
    finally:
        gc.unfreeze()
    answers: list[str] = []
    body = b"".join(
        wsgi.application(
            {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": "/healthz",
                "SERVER_NAME": "testserver",
                "SERVER_PORT": "80",
                "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(),
            },
            lambda status, headers, exc_info=None: answers.append(status),
        )
    )
    assert answers == ["200 OK"], body[:300]
