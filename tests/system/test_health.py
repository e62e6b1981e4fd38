import pytest
from django.db import DatabaseError

from putright.accounts.models import User


@pytest.mark.django_db
def test_healthz_tells_anonymous_callers_only_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "up"}


@pytest.mark.django_db
def test_healthz_tells_staff_users_the_version_database_workers_and_queue(client):
    client.force_login(User.objects.create_user("ops", password="x", is_staff=True))

    body = client.get("/healthz").json()

    assert body["status"] == "up"
    assert body["database"]["status"] == "ok"
    assert set(body) == {"status", "version", "database", "worker", "tasks"}
    assert set(body["tasks"]) == {"queued", "running", "failed"}


@pytest.mark.django_db
def test_healthz_tells_other_signed_in_users_only_up(client):
    client.force_login(User.objects.create_user("handler", password="x"))

    assert client.get("/healthz").json() == {"status": "up"}


@pytest.mark.django_db
def test_healthz_says_down_without_the_error_when_the_database_fails(client, monkeypatch):
    from django.db import connection

    def broken(*args, **kwargs):
        raise DatabaseError("connection refused to secret-host")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "down"}


@pytest.mark.django_db
def test_front_page_says_what_putright_is(client):
    response = client.get("/")

    assert response.status_code == 200
    assert b"Complaint Handling Code" in response.content


@pytest.mark.django_db
def test_healthz_refuses_a_post(client):
    assert client.post("/healthz").status_code == 405
