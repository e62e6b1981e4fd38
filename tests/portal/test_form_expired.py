"""A form refused by the CSRF check gets a page that says what to do, never Django's default."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def strict():
    return Client(enforce_csrf_checks=True)


def test_a_resident_whose_page_expired_is_told_what_to_do_and_where_else_to_go(strict, slh):
    page = strict.post(f"/resident/{slh.slug}/make/what/", {"kind": "complaint"})
    assert page.status_code == 403
    html = page.content.decode()
    assert "Sorry, we could not send that page" in html
    assert "Go back, reload the page" in html
    assert 'id="ombudsman-heading"' in html  # independent help is always in sight
    assert f"/resident/{slh.slug}/" in html
    assert "CSRF" not in html


def test_staff_whose_form_expired_are_told_nothing_was_saved(strict, handler):
    strict.force_login(handler)
    page = strict.post("/record/", {"summary": "anything"})
    assert page.status_code == 403
    html = page.content.decode()
    assert "The form could not be sent" in html
    assert "nothing was saved" in html
    assert "CSRF" not in html
