import json
import logging

import pytest
from django.test import override_settings
from django.utils import timezone

from putright.system.logs import JsonFormatter, RequestIdFilter, request_id
from putright.system.models import WorkerProcess


@pytest.mark.django_db
def test_every_line_of_one_request_carries_its_id(client, caplog, monkeypatch):
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(RequestIdFilter())
    from django.db import DatabaseError, connection

    def broken(*args, **kwargs):
        raise DatabaseError("no database")

    monkeypatch.setattr(connection, "cursor", broken)  # the view logs an error line
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234")

    assert response["X-Request-ID"] == "lb-1234"
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    request_line = next(line for line in lines if line["logger"] == "putright.request")
    assert request_line["request_id"] == "lb-1234"
    assert request_line["status"] == 503
    assert request_line["path"] == "/healthz"
    assert request_line["route"] == "healthz"
    assert "duration_ms" in request_line
    assert any(line["logger"] == "putright.system.views" for line in lines)
    assert all(line.get("request_id") == "lb-1234" for line in lines), lines


@pytest.mark.django_db
def test_a_request_id_that_is_not_a_plain_token_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")

    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32
    assert request_id.get() == ""  # nothing left behind for the next request


def test_a_json_line_carries_the_exception_and_extra_fields():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("here",), None)
    record.case = "MBH-1"
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "failed here"
    assert line["level"] == "ERROR"
    assert line["case"] == "MBH-1"
    assert "ValueError: boom" in line["exception"]
    assert line["time"].endswith("+00:00")


def test_a_wrong_log_format_is_refused_by_name(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.settings.base import logging_config

    monkeypatch.setenv("PUTRIGHT_LOG_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match="PUTRIGHT_LOG_FORMAT must be json or plain"):
        logging_config()


@pytest.mark.django_db
def test_metrics_are_not_served_unless_turned_on(client):
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
@override_settings(PUTRIGHT_METRICS=True, PUTRIGHT_METRICS_TOKEN="")
def test_metrics_count_requests_tasks_workers_and_overdue_cases(client):
    WorkerProcess.objects.create(
        worker_id="w", host="h", pid=1, started_at=timezone.now(), seen_at=timezone.now()
    )
    client.get("/healthz")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'putright_http_requests_total{method="GET",route="healthz",status="200"}' in text
    assert "putright_http_request_duration_seconds_bucket" in text
    assert 'putright_tasks{status="ready"} 0.0' in text
    assert "putright_workers_alive 1.0" in text
    assert "# TYPE putright_cases_overdue gauge" in text


@pytest.mark.django_db
@override_settings(PUTRIGHT_METRICS=True, PUTRIGHT_METRICS_TOKEN="s3cret")
def test_metrics_with_a_token_need_it(client):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200
