"""My work shows a report reader how the last quarter's responses did against the landlord's
own timescale beside the Code's, the figures of the performance report (#19 point 5).

South Liverpool Homes answers stage 1 within 10 working days of the stage starting (4.1.5);
the Code within 10 of the acknowledgement (6.3). Counted by hand on the England calendar
from Mon 2 Nov 2026: day 10 is Mon 16 Nov; from the acknowledgement on Wed 4 Nov, day 10 is
Wed 18 Nov. So a response on Wed 18 Nov is late by the policy and on time by the Code.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from putright.accounts.models import Role
from putright.cases.services import Actor, case_acknowledge, case_receive, case_respond
from putright.people.models import Person
from tests.api.conftest import make_user
from tests.conftest import at

pytestmark = pytest.mark.django_db


def answered(org, actor, acknowledged, responded):
    person = Person.objects.create(organisation=org, name="Pat", tenure="tenant")
    case = case_receive(
        organisation=org,
        kind="complaint",
        channel="email",
        received_at=at(2026, 11, 2, 10),
        summary="The leak is still not fixed",
        actor=actor,
        customer=person,
    )
    case = case_acknowledge(case=case, actor=actor, occurred_at=acknowledged)
    return case_respond(
        case=case, actor=actor, outcome="upheld", text="Our answer", occurred_at=responded
    )


def test_my_work_shows_the_policy_and_the_code_side_by_side(client, clock, organisation_on):
    slh = organisation_on("south-liverpool-homes-2021")
    manager = make_user("mo", slh, Role.MANAGER, Role.COMPLAINT_HANDLER)
    handler = make_user("hana", slh, Role.COMPLAINT_HANDLER)
    clock(2026, 11, 20, 10)
    answered(slh, Actor(manager), at(2026, 11, 4, 10), at(2026, 11, 13, 10))  # both on time
    answered(slh, Actor(manager), at(2026, 11, 4, 10), at(2026, 11, 18, 10))  # late by policy
    clock(2026, 12, 7, 9)
    cache.clear()  # My work keeps the figures for an hour

    client.force_login(manager)
    page = client.get(reverse("staff:work")).content.decode()
    table = page[page.index(f'id="timescales-{slh.slug}"') :]
    table = table[: table.index("</table>")]
    cells = [c.split(">")[-1] for c in table.split("</td>")][:4]
    assert cells == ["Stage 1", "2", "50.0%", "100.0%"]
    assert "Within our policy's timescale" in table

    # A handler, who may not read the reports, is not shown the organisation's figures.
    client.force_login(handler)
    assert 'id="timescales-' not in client.get(reverse("staff:work")).content.decode()
