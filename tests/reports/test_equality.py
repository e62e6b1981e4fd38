"""Equality and reach: complaints by group against the tenant population, and by district."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from putright.reports.equality import district, equality_report, import_population, proportion_test
from putright.reports.models import PopulationCount

from .conftest import Builder, d

START = d(2025, 4, 1)
END = d(2026, 3, 31)


def test_outward_codes():
    assert district("L24 1AA") == "L24"
    assert district("sw1a1aa") == "SW1A"
    assert district("") == ""


def test_the_proportion_test():
    z, p = proportion_test(30, 100, 0.1)  # expected 10: far more
    assert z == pytest.approx(6.5)
    assert p < 0.001
    assert proportion_test(10, 100, 0.1) == (0.0, 1.0)
    assert proportion_test(2, 20, 0.1) == (None, None)  # expected 2: too few to test


@pytest.fixture
def population(code_org):
    import_population(
        code_org,
        2025,
        [
            {"dimension": "age_band", "group": "16-24", "count": "100"},
            {"dimension": "age_band", "group": "25-64", "count": "800"},
            {"dimension": "age_band", "group": "65+", "count": "100"},
            {"dimension": "postcode_district", "group": "L24", "count": "500"},
            {"dimension": "postcode_district", "group": "L25", "count": "250"},
        ],
    )


def test_over_and_under_representation(code_org, population, build: Builder):
    ages = {"16-24": 30, "25-64": 60, "65+": 10}
    for age, n in ages.items():
        for i in range(n):
            build.case(
                d(2025, 6, 2),
                equality={"age_band": age},
                postcode="L24 1AA" if i % 2 else "L25 2BB",
            )
    for _ in range(3):
        build.case(d(2025, 6, 2), postcode="")  # no consent, no postcode: not known
    report = equality_report(code_org, START, END)
    assert report.complaints == 103
    age = report.dimensions[0]
    assert age.label == "Age"
    assert age.not_known == 3
    rows = {r.group: r for r in age.rows}
    assert rows["16-24"].complaint_share == pytest.approx(0.3)
    assert rows["16-24"].representation == pytest.approx(3.0)
    assert rows["16-24"].finding == "Over-represented"
    assert rows["25-64"].finding == "Under-represented"
    assert rows["65+"].finding == "In line with the population"
    districts = {r.district: r for r in report.districts}
    assert districts["L24"].complaints == 50
    assert districts["L24"].per_1000 == pytest.approx(100.0)
    assert districts["L25"].homes == 250
    assert districts["Not known"].complaints == 3


def test_no_population_says_so(code_org, build: Builder):
    build.case(d(2025, 6, 2))
    report = equality_report(code_org, START, END)
    assert report.dimensions == []
    assert "No tenant population" in report.notes[0]


def test_population_import_command(code_org, tmp_path):
    path = tmp_path / "population.csv"
    path.write_text('dimension,group,count\nethnicity,White,900\nethnicity,Mixed,"1,100"\n')
    out = io.StringIO()
    call_command(
        "report",
        "population",
        "--organisation",
        "code-homes",
        "--year",
        "2025",
        str(path),
        stdout=out,
    )
    assert PopulationCount.objects.get(group="Mixed").count == 1100
    path.write_text("dimension,group,count\nethnicity,White,many\n")
    with pytest.raises(CommandError) as error:
        call_command(
            "report", "population", "--organisation", "code-homes", "--year", "2025", str(path)
        )
    assert error.value.returncode == 2
    assert "line 2" in str(error.value)
