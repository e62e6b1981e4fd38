"""The Ombudsman section the annual report and the board pack show, and the report command."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template import Context, Template

from putright.accounts.models import Role
from putright.cases.services import Actor
from putright.ombudsman import services
from putright.ombudsman.services import FindingIn, OrderIn

from .test_import import FILE

pytestmark = pytest.mark.django_db

SECTION = Template(
    "{% load ombudsman_report %}{% ombudsman_report_section organisation start end %}"
)


def _determine(case, users):
    return services.determination_record(
        case=case,
        actor=Actor(users[Role.COMPLAINTS_MANAGER]),
        determined_on=datetime.date(2026, 3, 12),
        findings=[
            FindingIn("Damp", "Damp and mould", "severe_maladministration"),
            FindingIn("Repairs", "Repairs", "maladministration"),
            FindingIn("Handling", "Complaint handling", "service_failure"),
        ],
        orders=[
            OrderIn(
                kind="order", text="Pay £750", amount_pence=75000, due_on=datetime.date(2026, 4, 10)
            ),
            OrderIn(
                kind="recommendation",
                text="Review the damp policy",
                due_on=datetime.date(2026, 3, 20),
            ),
        ],
    )


def test_the_section_is_filled_from_the_log_and_the_import(org, case, users, clock):
    call_command("ombudsman", "import", str(FILE), stdout=StringIO())
    _determine(case, users)
    clock(2026, 3, 25, 10)
    html = SECTION.render(
        Context(
            {
                "organisation": org,
                "start": datetime.date(2023, 1, 1),
                "end": datetime.date(2026, 3, 31),
            }
        )
    )
    assert "The Ombudsman's findings and our compliance with its orders" in html
    assert "Maladministration: 1; Service failure: 1; Severe maladministration: 1" in html
    assert "1 orders, 1 recommendations; £750.00 ordered" in html
    # The recommendation was due on 20 March and is not done: overdue; none due was done.
    assert "0 of 1 (0%)" in html
    assert "The policy reports this every six months to the Housing Ombudsman Service" in html
    assert "North Homes beside 2 other landlords of its type (Housing association)" in html
    assert "Damp in the bedroom" not in html  # no case is named
    assert case.reference not in html


def test_the_report_command_prints_the_headline_and_json(org, case, users, clock):
    _determine(case, users)
    out = StringIO()
    call_command(
        "ombudsman",
        "report",
        "--organisation",
        org.slug,
        "--start",
        "2026-01-01",
        "--end",
        "2026-06-30",
        "--today",
        "2026-04-20",
        stdout=out,
    )
    text = out.getvalue()
    assert "Determinations received: 1; appealed: 0" in text
    assert "Due in the period and done on time: 0 of 2 (0%)" in text
    assert f"OVERDUE {case.reference} order 1, due 10 Apr 2026" in text
    out = StringIO()
    call_command(
        "ombudsman",
        "report",
        "--organisation",
        org.slug,
        "--start",
        "2026-01-01",
        "--end",
        "2026-06-30",
        "--format",
        "json",
        stdout=out,
    )
    assert '"determinations": 1' in out.getvalue()
    with pytest.raises(CommandError, match="no organisation"):
        call_command(
            "ombudsman",
            "report",
            "--organisation",
            "nope",
            "--start",
            "2026-01-01",
            "--end",
            "2026-02-01",
        )
    with pytest.raises(CommandError, match="is not a date"):
        call_command(
            "ombudsman",
            "report",
            "--organisation",
            org.slug,
            "--start",
            "soon",
            "--end",
            "2026-02-01",
        )
    with pytest.raises(CommandError, match="before --start"):
        call_command(
            "ombudsman",
            "report",
            "--organisation",
            org.slug,
            "--start",
            "2026-03-01",
            "--end",
            "2026-02-01",
        )


def test_cases_with_the_ombudsman_now_are_counted_until_determined(org, case, users, clock):
    from putright.ombudsman.models import ContactKind
    from putright.ombudsman.reports import ombudsman_report

    services.contact_record(
        case=case,
        actor=Actor(users[Role.COMPLAINT_HANDLER]),
        kind=ContactKind.EVIDENCE_REQUEST,
        asked="Send the file",
    )

    def now() -> int:
        return ombudsman_report(
            organisation=org,
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 12, 31),
            today=datetime.date(2026, 3, 16),
        ).with_ombudsman

    assert now() == 1
    clock(2026, 3, 16, 11)
    _determine(case, users)
    assert now() == 0


def test_putright_report_ombudsman_is_the_same_report(org, case, users, clock):
    _determine(case, users)
    out = StringIO()
    call_command(
        "report",
        "ombudsman",
        "--organisation",
        org.slug,
        "--start",
        "2026-01-01",
        "--end",
        "2026-06-30",
        "--today",
        "2026-04-20",
        stdout=out,
    )
    assert "Determinations received: 1; appealed: 0" in out.getvalue()
    with pytest.raises(CommandError, match="no organisation"):
        call_command(
            "report",
            "ombudsman",
            "--organisation",
            "nope",
            "--start",
            "2026-01-01",
            "--end",
            "2026-02-01",
        )
