"""The annual report and the board pack say what was learnt and changed, from the lessons and
the action plan, instead of "Not yet written"."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader

from putright.cases.services import Actor
from putright.learning import services
from putright.learning.services import ActionToRaise

from .conftest import answered, at, complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def learnt(now, landlord, people):
    organisation = landlord("rooftop-2023")
    staff = people(organisation)
    case = answered(
        complaint(
            organisation, staff["handler"], received_at=at(2026, 1, 12), service_area="Repairs"
        ),
        staff["handler"],
        "upheld",
    )
    lesson = services.lesson_record(
        case=case,
        actor=Actor(staff["handler"]),
        issue=1,
        cause="missed_appointment",
        scope="systemic",
        text="Visits booked without checking the diary.",
        actions=[
            ActionToRaise("Check the diary first.", "manager", datetime.date(2026, 4, 30)),
            ActionToRaise("Text the slot the day before.", "manager", datetime.date(2026, 5, 29)),
        ],
    )
    first, second = lesson.actions.order_by("pk")
    services.improvement_complete(action=first, actor=Actor(staff["manager"]), note="Done.")
    services.improvement_complete(action=second, actor=Actor(staff["manager"]), note="Done.")
    services.improvement_write_public(
        action=first,
        actor=Actor(staff["handler"]),
        text="We now check an operative is free before we book your repair.",
    )
    services.improvement_approve_public(action=first, actor=Actor(staff["manager"]), approve=True)
    return organisation, staff, case


@pytest.mark.parametrize("document", ["annual", "board-pack"])
def test_the_documents_say_what_was_learnt_and_changed(client, learnt, document):
    organisation, staff, case = learnt
    client.force_login(staff["manager"])
    params = {"organisation": organisation.slug, "start": "2026-01-01", "end": "2026-03-31"}
    page = client.get(f"/reports/documents/{document}/", params)
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 lesson learnt from complaints, 1 about how we work" in text
    assert "2 improvement actions raised and 2 completed" in text
    assert "Missed appointment" in text
    assert "We now check an operative is free before we book your repair." in text
    # Only what was approved for residents is quoted; the rest is counted.
    assert "Text the slot the day before." not in text
    assert "1 completed change not yet written for residents" in text
    assert case.reference not in text
    pdf = client.get(f"/reports/documents/{document}.pdf", params)
    words = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "We now check an operative is free before we book your repair." in words


def test_the_annual_reports_learning_section_is_no_longer_unwritten(client, learnt):
    organisation, staff, _case = learnt
    client.force_login(staff["manager"])
    params = {"organisation": organisation.slug, "start": "2026-01-01", "end": "2026-03-31"}
    text = client.get("/reports/documents/annual/", params).content.decode()
    start = text.index("Service improvements made from the learning of complaints")
    section = text[start : start + 3000]
    assert "Not yet written." not in section[:400]
    assert "lesson learnt from complaints" in section
