"""A petition of 30 signatories counts once in CH01, and the reports say how many people it
represents."""

from __future__ import annotations

import pytest

from putright.cases.services import Actor
from putright.petitions import services

from .conftest import signatories

pytestmark = pytest.mark.django_db


def test_a_petition_counts_once_in_ch01_and_the_reports_say_how_many_signed(
    petition_case, users, existing_customer, api
):
    services.petition_record(
        case=petition_case,
        actor=Actor(users["complaint_handler"]),
        signatories=[services.SignatoryIn(**line) for line in signatories(existing_customer)],
    )
    query = "organisation=north-homes&start=2026-03-01&end=2026-03-31"
    tsm = api["complaints_manager"].get(f"/reports/tsm?{query}").json()
    assert tsm["figures"]["ch01.stage1"]["value"] == 1
    said = "Petitions received: 1, signed by 30 people in all; each petition counts once in CH01."
    assert said in tsm["notes"]
    performance = api["complaints_manager"].get(f"/reports/performance?{query}").json()
    assert said in performance["notes"]
