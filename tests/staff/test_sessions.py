"""On a shared computer, a signed-in session ends with the browser or the working day, and
no page comes back from the browser's history after signing out."""

from __future__ import annotations

from config.settings import base

from .conftest import PASSWORD


def test_a_session_ends_with_the_browser_and_within_a_working_day(
    client, caseworker, settings, clock
):
    settings.SESSION_COOKIE_AGE = base.SESSION_COOKIE_AGE
    clock(2026, 3, 2, 8)
    signed_in = client.post("/sign-in/", {"username": "handler", "password": PASSWORD})
    assert signed_in.status_code == 302
    cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"]  # gone when the browser closes
    assert not cookie["max-age"]
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 10 * 60 * 60  # PUTRIGHT_SESSION_HOURS
    assert client.get("/cases/").status_code == 200
    clock(2026, 3, 2, 18, 1)  # ten hours on
    assert client.get("/cases/")["Location"].startswith("/sign-in/")


def test_pages_are_never_stored(staff_client):
    page = staff_client.get("/cases/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "private" in page["Cache-Control"]
    sign_in = staff_client.get("/sign-in/")
    assert "no-store" in sign_in["Cache-Control"]
