"""A response letter built from its parts: the complaint as understood, each point's finding,
decision, reasons and remedy, the action still to do with its date, the stage and how to
take it further, read back out of the PDF."""

import datetime
import io

import pytest
from pypdf import PdfReader

from putright.accounts.models import Membership, Role
from putright.cases.models import EventKind
from putright.cases.services import (
    ActionDue,
    Actor,
    IssueOutcome,
    PointIn,
    case_acknowledge,
)
from putright.letters.services import letter_send
from putright.quality.responses import response_send

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_text(letter):
    letter.pdf.open("rb")
    reader = PdfReader(io.BytesIO(letter.pdf.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_response_letter_answers_each_point_with_its_parts(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    Membership.objects.create(
        user=handler, organisation=case.organisation, role=Role.COMPLAINT_HANDLER
    )
    case = case_acknowledge(
        case=case,
        actor=Actor(handler),
        definition=[
            PointIn("The kitchen tap leaked for six weeks", "Compensation for the cupboard"),
            PointIn("Two repair appointments were missed", "An apology"),
            PointIn("The first report was not logged", "To know why"),
        ],
    )
    acknowledgement = letter_send(
        case=case,
        sequence=case.events.get(kind=EventKind.ACKNOWLEDGED).sequence,
        actor=Actor(handler),
    )
    clock(2026, 3, 10, 11)
    case = response_send(
        case=case,
        actor=Actor(handler),
        outcome="partly_upheld",
        text="We are sorry for the delay. We have changed how we log calls.",
        issues=[
            IssueOutcome(
                "",
                "upheld",
                "Our repairs policy gives 20 working days for a routine repair.",
                point=1,
                finding="The repair took 42 days.",
                remedy="We will pay £75 for the damaged cupboard.",
                actions=(ActionDue("Replace the cupboard base", None, datetime.date(2026, 4, 10)),),
            ),
            IssueOutcome(
                "",
                "upheld",
                "The contractor should have called.",
                point=2,
                finding="Both visits were missed.",
                remedy="The contractor apologises.",
            ),
            IssueOutcome(
                "",
                "not_upheld",
                "The call was logged, at the wrong address.",
                point=3,
                finding="The first call was logged at a neighbour's address.",
                remedy="No remedy is needed beyond correcting the record, which we have done.",
            ),
        ],
    )

    letter = letter_send(
        case=case,
        sequence=case.events.get(kind=EventKind.RESPONDED).sequence,
        actor=Actor(handler),
    )

    told = pdf_text(acknowledgement)
    assert "these points" in told
    assert "The outcome you want: Compensation for the cupboard." in told
    text = pdf_text(letter)
    assert "This letter is our Stage 1 response" in text
    assert "Your complaint as we understood it" in text
    assert "Point 1: The kitchen tap leaked for six weeks" in text
    assert "What we found. The repair took 42 days." in text
    assert "We have upheld this part of your complaint." in text
    assert "We have not upheld this part of your complaint." in text
    assert "Putting it right. We will pay £75 for the damaged cupboard." in text
    assert "Still to do. Replace the cupboard base, by Fri 10 Apr 2026." in text
    assert "We are sorry for the delay." in text
    assert "look at your complaint again at Stage 2" in text
    assert "Housing Ombudsman" in text
    assert "upheld" not in text.split("Our decision")[0]  # no code words before the decision
    assert "partly_upheld" not in text
