"""The reports at a glance: charts drawn on the server, each with a summary and its figures.

The performance report (and the board pack and annual report, on the page and as PDF) show
CH01 and CH02 by quarter against the Code and the landlord's own timescales, complaints by
month and by service area, time to respond, outcomes and compensation by stage. Each chart
is an SVG image (pygal) with a one-line summary and a table of the same figures; the pages
carry no inline style (the Content-Security-Policy is moving to refuse them).
"""

from __future__ import annotations

import base64
import datetime
import io
import re

import pytest
from django.test import Client

from putright.accounts.models import Membership, Role, User
from putright.people.models import ContactRestriction, Person, RestrictionLevel
from putright.reports.charts import time_keys, trend

from ..staff.html import parse

PARAMS = {"organisation": "code-homes", "start": "2025-04-01", "end": "2026-03-31"}
CHART_TITLES = [
    "CH01: complaints received per 1,000 homes, by quarter",
    "CH02: stage 1 responses on time, by quarter",
    "CH02: stage 2 responses on time, by quarter",
    "Complaints received by month",
    "Complaints received by service area",
    "Working days to respond, by quarter",
    "Outcomes of the responses sent, by stage",
    "Compensation offered and paid, by stage",
]
IMAGE = re.compile(r'<img class="app-chart__image" src="data:image/svg\+xml;base64,([^"]+)"')


def signed_in(organisation, role: str, name: str = "") -> Client:
    user = User.objects.create_user(name or f"charts-{role}")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(code_org):
    return signed_in(code_org, Role.COMPLAINTS_MANAGER)


@pytest.fixture
def board(code_org):
    return signed_in(code_org, Role.BOARD_MEMBER)


def charts_of(html: str) -> list[dict[str, str]]:
    """Each chart's title, summary, image (the SVG) and the text of its table."""
    page = parse(html)
    found = []
    for chart in page.find_all("div", cls="app-chart"):
        image = chart.find("img", cls="app-chart__image")
        uri = image.attrs["src"]
        cells = [c for c in chart.find("table").iter() if c.tag in ("th", "td")]
        found.append(
            {
                "title": chart.find(cls="app-chart__title").text.strip(),
                "summary": chart.find(cls="app-chart__summary").text.strip(),
                "svg": base64.b64decode(uri.split(",", 1)[1]).decode(),
                "alt": image.attrs.get("alt", ""),
                "table": " | ".join(cell.text.strip() for cell in cells),
            }
        )
    return found


def test_the_performance_report_shows_each_chart_with_its_summary_and_figures(manager, year):
    response = manager.get("/reports/performance/", PARAMS)
    assert response.status_code == 200
    html = response.content.decode()
    charts = charts_of(html)
    assert [c["title"] for c in charts] == CHART_TITLES
    for chart in charts:
        assert chart["summary"], chart["title"]
        assert chart["svg"].startswith("<svg"), chart["title"]
        assert "pygal.js" not in chart["svg"]  # no script to fetch: drawn without JavaScript
        assert chart["title"] in chart["alt"]
    by_title = {c["title"]: c for c in charts}
    ch02 = by_title["CH02: stage 1 responses on time, by quarter"]
    # The whole year: 10 of 13 within the Code, 11 of 13 within the landlord's own.
    assert "76.9% of stage 1 responses were sent within the Code's timescale" in ch02["summary"]
    assert "84.6% within the landlord's own" in ch02["summary"]
    # Its table: every quarter of the year, the Code beside the landlord's own timescale.
    for quarter in ("Apr-Jun 2025", "Jul-Sep 2025", "Oct-Dec 2025", "Jan-Mar 2026"):
        assert quarter in ch02["table"]
    assert "Within the Code's timescale | Within the landlord's own timescale" in ch02["table"]
    assert "Within the Code" in ch02["svg"]
    assert "Within the landlord" in ch02["svg"]
    months = by_title["Complaints received by month"]
    assert months["table"].count("2025") + months["table"].count("2026") == 12
    assert "17 stage 1 and 4 stage 2 complaints were received in the period" in months["summary"]
    ch01 = by_title["CH01: complaints received per 1,000 homes, by quarter"]
    assert ch01["summary"].startswith("CH01 stage 1 ")
    assert ch01["summary"].endswith("per 1,000 homes.")


def test_the_long_table_is_one_click_away(manager, year):
    html = manager.get("/reports/performance/", PARAMS).content.decode()
    page = parse(html)
    details = page.find("details", id="all-figures")
    assert "open" not in details.attrs
    assert "All the figures as tables" in details.find("summary").text
    assert details.find("caption").text.strip() == "Stage 1"
    assert page.has("a", href="#all-figures-tables")  # inside: the browser opens it
    # Grouped on purpose: the tables are what was asked for, open.
    grouped = parse(manager.get("/reports/performance/", {**PARAMS, "by": "quarter"}).content)
    assert "open" in grouped.find("details", id="all-figures").attrs


@pytest.mark.parametrize("kind", ["performance", "tsm"])
def test_report_pages_carry_no_inline_style(manager, year, kind):
    html = manager.get(f"/reports/{kind}/", PARAMS).content.decode()
    assert " style=" not in html
    assert "<style" not in html
    assert "app-chart__bar" not in html


def test_the_tsm_page_charts_ch01_and_ch02(board, year):
    charts = charts_of(board.get("/reports/tsm/", PARAMS).content.decode())
    assert [c["title"] for c in charts] == CHART_TITLES[:3]


def test_board_pack_and_annual_report_pages_have_the_charts(manager, year):
    pack = charts_of(
        manager.get(
            "/reports/documents/board-pack/",
            {**PARAMS, "start": "2025-04-01", "end": "2025-06-30"},
        ).content.decode()
    )
    titles = [c["title"] for c in pack]
    assert "CH02: stage 1 responses on time, by period" in titles
    ch02 = next(c for c in pack if c["title"] == "CH02: stage 1 responses on time, by period")
    # The quarter beside the one before it.
    assert "1 Jan 2025 to 31 Mar 2025" in ch02["table"]
    assert "1 Apr 2025 to 30 Jun 2025" in ch02["table"]
    annual = charts_of(manager.get("/reports/documents/annual/", PARAMS).content.decode())
    assert [c["title"] for c in annual] == CHART_TITLES


def test_the_printable_page_links_its_stylesheet_rather_than_a_style_element(manager, year):
    html = manager.get("/reports/documents/board-pack/", {**PARAMS, "print": "1"}).content.decode()
    assert "<style" not in html
    assert " style=" not in html
    assert "/static/reports/print.css" in html
    assert "app-chart__image" in html


def test_the_board_pack_pdf_draws_the_charts(manager, year):
    pypdf = pytest.importorskip("pypdf")
    response = manager.get(
        "/reports/documents/board-pack.pdf", {**PARAMS, "start": "2025-04-01", "end": "2025-06-30"}
    )
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    assert "CH02: stage 1 responses on time, by period" in text
    assert "Compensation offered and paid, by stage" in text
    # The chart itself is drawn: its legend is text of the SVG, not only of the table.
    assert text.count("Within the Code's timescale") >= 4  # legend and table, two stages
    # The stylesheet applied: A4 pages with their numbers.
    assert "Page 1 of" in text


# -- the sentences and the columns ---------------------------------------------------------


def test_a_trend_in_words():
    columns = [("Apr-Jun 2025", {}), ("Jul-Sep 2025", {}), ("Jan-Mar 2026", {})]
    assert (
        trend("CH01 stage 1", columns, [3.1, None, 4.2], "rate", "per 1,000 homes")
        == "CH01 stage 1 rose from 3.1 in Apr-Jun 2025 to 4.2 in Jan-Mar 2026 per 1,000 homes."
    )
    assert trend("CH02", columns, [0.9, 0.8, 0.5], "share") == (
        "CH02 fell from 90.0% in Apr-Jun 2025 to 50.0% in Jan-Mar 2026."
    )
    assert trend("CH02", columns, [None, None, None], "share") == (
        "CH02: no figures in this period."
    )


def test_every_quarter_and_month_of_the_period_is_a_column_even_when_empty():
    start, end = datetime.date(2025, 4, 1), datetime.date(2026, 3, 31)
    assert time_keys("quarter", start, end) == ["2025-04", "2025-07", "2025-10", "2026-01"]
    assert len(time_keys("month", start, end)) == 12
    assert time_keys("quarter", datetime.date(2026, 5, 10), datetime.date(2026, 6, 1)) == [
        "2026-04"
    ]


# -- unacceptable behaviour, in counts -------------------------------------------------------


@pytest.fixture
def restricted(code_org):
    person = Person.objects.create(organisation=code_org, name="Robin Restricted")
    ContactRestriction.objects.create(
        person=person,
        level=RestrictionLevel.RESTRICTION,
        behaviour="Daily calls.",
        starts_on=datetime.date(2025, 9, 1),
        review_on=datetime.date(2025, 12, 1),
        categories=["unreasonable_demands"],
        measures=["writing_only"],
    )
    ContactRestriction.objects.create(
        person=person,
        level=RestrictionLevel.WARNING,
        behaviour="Shouting.",
        starts_on=datetime.date(2025, 7, 1),
        review_on=datetime.date(2025, 8, 1),
    )
    return person


def test_the_performance_report_counts_restrictions_without_naming_anyone(board, year, restricted):
    html = board.get("/reports/performance/", PARAMS).content.decode()
    assert parse(html).has(id="restrictions")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Warnings given 1" in text
    assert "Restrictions imposed 1" in text
    assert "Unreasonable demands 1" in text
    assert "Writing only 1" in text
    assert "Robin Restricted" not in html
