"""Repeat and similar complaints, found from realistic complaint texts: the earlier case is
found, each suggestion says why, the policy's rule is cited, and unrelated complaints are not
suggested."""

from __future__ import annotations

import pytest

from putright.cases.services import Actor, case_close
from putright.learning.repeats import repeat_suggestions, themes
from putright.people.models import Person

from .conftest import answered, at, complaint

pytestmark = pytest.mark.django_db

BOILER_FIRST = (
    "Boiler broken again, no heating or hot water",
    "Our boiler has broken down again and we have had no heating or hot water since Friday. "
    "The engineer came on 3 March but did not have the part and said someone would ring to "
    "book a second visit. Nobody rang. I have two small children and we are boiling kettles "
    "to wash.",
)
BOILER_AGAIN = (
    "Still no heating - boiler has broken down again",
    "I am complaining again about the boiler. We still have no heating or hot water. The "
    "engineer came in March without the part and said someone would ring to book another "
    "visit but nobody rang. The children are cold and we are boiling kettles to wash.",
)
OTHERS = [
    (
        "Neighbour's dog barking all night",
        "The dog at number 12 barks from 11pm until 3am most nights. I have kept a diary for "
        "six weeks and reported it to the housing officer twice.",
    ),
    (
        "Rent statement shows arrears I do not owe",
        "My rent statement says I am £240 in arrears but I pay by direct debit every month and "
        "my bank statements show every payment. Please correct my account.",
    ),
    (
        "Rude call handler",
        "When I rang about my repair the person on the phone was rude, talked over me and put "
        "the phone down on me.",
    ),
]


def _customer(organisation, name: str, address: str, postcode: str) -> Person:
    return Person.objects.create(
        organisation=organisation, name=name, address=address, postcode=postcode
    )


def test_a_complaint_raised_again_finds_the_earlier_case_with_its_reason(now, landlord, people):
    hpg = landlord("housing-plus-group-2021")
    staff = people(hpg)
    handler = staff["handler"]
    sam = _customer(hpg, "Sam Okoro", "22 Beech Road, Stafford", "ST16 2AB")
    first = complaint(
        hpg,
        handler,
        received_at=at(2025, 11, 3),
        summary=BOILER_FIRST[0],
        details=BOILER_FIRST[1],
        customer=sam,
        service_area="Repairs",
    )
    case_close(case=answered(first, handler, "upheld"), actor=Actor(handler), reason="resolved")
    for n, (summary, details) in enumerate(OTHERS):
        complaint(
            hpg,
            handler,
            received_at=at(2026, 1, 5 + n),
            summary=summary,
            details=details,
            customer=_customer(hpg, f"Other {n}", f"{n} Elm Street", f"ST1{n} 1AA"),
        )
    again = complaint(
        hpg,
        handler,
        received_at=at(2026, 3, 9),
        summary=BOILER_AGAIN[0],
        details=BOILER_AGAIN[1],
        customer=sam,
        service_area="Repairs",
    )

    [found] = repeat_suggestions(again)

    assert found.case == first
    assert found.same_customer
    assert found.score >= 78  # only minor differences
    assert {"boiler", "heating", "engineer", "kettles"} <= set(found.words)
    assert found.reason.startswith(f"{found.score}% of the wording matches (")
    assert "the same customer" in found.reasons
    assert "both about Repairs" in found.reasons
    assert f"{first.reference} was received on Mon 3 Nov 2025" in found.reasons
    # HPG 3.1.d: only minor differences to one that exhausted the process: at discretion.
    [rule] = found.rules
    assert rule.startswith("A complaint with only minor differences to one that has already")
    assert "(3.1.d, 11.2): the policy's exclusion, at discretion" in rule


def test_the_same_home_counts_as_much_as_the_same_customer(now, landlord, people):
    hpg = landlord("housing-plus-group-2021")
    handler = people(hpg)["handler"]
    first = complaint(
        hpg,
        handler,
        received_at=at(2026, 1, 12),
        summary=BOILER_FIRST[0],
        details=BOILER_FIRST[1],
        customer=_customer(hpg, "Sam Okoro", "22 Beech Road, Stafford", "ST16 2AB"),
    )
    partner = complaint(
        hpg,
        handler,
        received_at=at(2026, 3, 9),
        summary=BOILER_AGAIN[0],
        details=BOILER_AGAIN[1],
        customer=_customer(hpg, "Jo Okoro", "22 Beech Road, Stafford", "ST16 2AB"),
    )
    [found] = repeat_suggestions(partner)
    assert found.case == first
    assert found.same_home
    assert "the same home" in found.reasons


def test_unrelated_complaints_are_not_suggested(now, landlord, people):
    hpg = landlord("housing-plus-group-2021")
    handler = people(hpg)["handler"]
    for n, (summary, details) in enumerate(OTHERS[:2]):
        complaint(
            hpg,
            handler,
            received_at=at(2026, 1, 5 + n),
            summary=summary,
            details=details,
            customer=_customer(hpg, "Sam Okoro", "22 Beech Road, Stafford", "ST16 2AB"),
        )
    rude = complaint(
        hpg,
        handler,
        received_at=at(2026, 3, 9),
        summary=OTHERS[2][0],
        details=OTHERS[2][1],
        customer=_customer(hpg, "Sam Okoro", "22 Beech Road, Stafford", "ST16 2AB"),
    )
    assert repeat_suggestions(rude) == []


def test_a_dissatisfaction_raised_again_cites_rooftops_rule(now, landlord, people):
    roof = landlord("rooftop-2023")
    handler = people(roof)["handler"]
    sam = _customer(roof, "Sam Okoro", "22 Beech Road", "TF1 2AB")
    complaint(
        roof,
        handler,
        kind="dissatisfaction",
        received_at=at(2026, 2, 2),
        summary="Kitchen tap repair did not happen",
        details="The plumber was booked for Tuesday to fix the dripping kitchen tap but never came.",
        customer=sam,
    )
    again = complaint(
        roof,
        handler,
        kind="dissatisfaction",
        received_at=at(2026, 3, 2),
        summary="Kitchen tap still not repaired",
        details="The plumber never came to fix the dripping kitchen tap and nobody rebooked.",
        customer=sam,
    )
    [found] = repeat_suggestions(again)
    assert any(
        rule.startswith("A dissatisfaction about a matter raised before must be dealt with")
        and "4.2" in rule
        for rule in found.rules
    )


def test_the_case_page_offers_the_earlier_case_with_its_reason(now, landlord, people, client):
    hpg = landlord("housing-plus-group-2021")
    staff = people(hpg)
    sam = _customer(hpg, "Sam Okoro", "22 Beech Road, Stafford", "ST16 2AB")
    first = complaint(
        hpg,
        staff["handler"],
        received_at=at(2026, 1, 12),
        summary=BOILER_FIRST[0],
        details=BOILER_FIRST[1],
        customer=sam,
    )
    again = complaint(
        hpg,
        staff["handler"],
        received_at=at(2026, 3, 9),
        summary=BOILER_AGAIN[0],
        details=BOILER_AGAIN[1],
        customer=sam,
    )
    client.force_login(staff["handler"])
    page = client.get(f"/cases/{again.reference}/").content.decode()
    assert "This may repeat an earlier case" in page
    assert f'href="/cases/{first.reference}/"' in page
    assert "of the wording matches" in page
    assert "the same customer" in page


def test_themes_group_alike_complaints_of_a_period(now, landlord, people):
    hpg = landlord("housing-plus-group-2021")
    handler = people(hpg)["handler"]
    made = []
    for n, estate in enumerate(["Oak Court", "Ash Court", "Elm Court"]):
        made.append(
            complaint(
                hpg,
                handler,
                received_at=at(2026, 1, 5 + n),
                summary="Communal stairwell lights out",
                details=f"The lights on the stairwell at {estate} have been out for weeks.",
                customer=_customer(hpg, f"R {n}", f"{n} {estate}", f"ST{n} 1AB"),
            )
        )
    complaint(
        hpg,
        handler,
        received_at=at(2026, 1, 20),
        summary=OTHERS[1][0],
        details=OTHERS[1][1],
    )
    [theme] = themes(hpg, at(2026, 1, 1).date(), at(2026, 3, 31).date())
    assert set(theme.cases) == set(made)
    assert {"lights", "stairwell"} <= set(theme.words)
