"""Who may open each quality review page, role by role: reviewers (managers) draw and review;
report readers (a board member too) read the summary; everyone else is refused; another
organisation's samples are not found."""

from __future__ import annotations

import pytest
from django.test import Client

from putright.accounts.access import QUALITY_REVIEWERS, REPORT_READERS
from putright.accounts.models import Role
from putright.quality.models import ReviewSample

ROLES = [role.value for role in Role]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_the_summary(users, role):
    answer = _client(users[role]).get("/quality/summary/")
    assert answer.status_code == (200 if role in REPORT_READERS else 403)


@pytest.mark.parametrize("role", ROLES)
def test_the_samples_page(users, role):
    answer = _client(users[role]).get("/quality/")
    if role in QUALITY_REVIEWERS:
        assert answer.status_code == 200
    elif role in REPORT_READERS:
        assert answer.status_code == 302  # to the summary
    else:
        assert answer.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_drawing_a_sample(users, role):
    answer = _client(users[role]).post(
        "/quality/draw/", {"organisation": "north-homes", "quarter": "2026-01-01"}
    )
    if role in QUALITY_REVIEWERS:
        assert answer.status_code == 302
        assert ReviewSample.objects.filter(organisation__slug="north-homes").exists()
    else:
        assert answer.status_code == 403
        assert not ReviewSample.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_a_sample_of_another_organisation(users, role):
    manager = _client(users[Role.MANAGER])
    manager.post("/quality/draw/", {"organisation": "north-homes", "quarter": "2026-01-01"})
    sample = ReviewSample.objects.get()
    outsider_role = users["outsider"]
    assert _client(outsider_role).get(f"/quality/samples/{sample.pk}/").status_code == 404
    answer = _client(users[role]).get(f"/quality/samples/{sample.pk}/")
    assert answer.status_code == (200 if role in QUALITY_REVIEWERS else 404)
