"""The case list refuses input it cannot use with a 400 naming the field, never a 500."""

from __future__ import annotations

import base64
from typing import Any

import pytest


def error_of(response, field: str) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "invalid"
    assert body["error"]["message"]
    assert field in body["error"]["fields"], body
    return body["error"]


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "moment",
    [
        "9999-12-31T23:59:59-14:00",  # past the last day Python can hold, once in UTC
        "0001-01-01T00:00:00+14:00",  # before the first
    ],
)
def test_a_cursor_whose_time_has_no_utc_equivalent_is_400(handler_api, cases, moment):
    error = error_of(handler_api.get("/cases", {"cursor": cursor(f"{moment}|5")}), "cursor")
    assert error["message"] == "The cursor is not one this API gave out."


def test_a_cursor_at_the_ends_of_time_in_utc_still_pages(handler_api, cases):
    first_page = handler_api.get("/cases").json()["results"]
    latest = handler_api.get("/cases", {"cursor": cursor("9999-12-31T23:59:59+00:00|5")})
    assert latest.status_code == 200
    assert latest.json()["results"] == first_page
    earliest = handler_api.get("/cases", {"cursor": cursor("0001-01-01T00:00:00+00:00|5")})
    assert earliest.status_code == 200
    assert earliest.json()["results"] == []


def test_search_text_longer_than_200_characters_is_400(handler_api, cases):
    for length in (201, 60_000):
        error = error_of(handler_api.get("/cases", {"q": "a" * length}), "q")
        assert "200 characters" in error["fields"]["q"]


def test_search_text_of_200_characters_is_searched(handler_api, cases):
    response = handler_api.get("/cases", {"q": "b" * 200})
    assert response.status_code == 200
    assert response.json()["results"] == []
    found = handler_api.get("/cases", {"q": "boiler"})
    assert [c["reference"] for c in found.json()["results"]] == [cases["ordinary"].reference]
