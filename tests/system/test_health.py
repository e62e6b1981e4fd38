import pytest


@pytest.mark.django_db
def test_healthz_reports_the_database_as_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"


@pytest.mark.django_db
def test_front_page_says_what_putright_is(client):
    response = client.get("/")

    assert response.status_code == 200
    assert b"Complaint Handling Code" in response.content


@pytest.mark.django_db
def test_healthz_refuses_a_post(client):
    assert client.post("/healthz").status_code == 405
