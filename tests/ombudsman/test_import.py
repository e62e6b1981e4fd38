"""Importing the Ombudsman's published findings, and the sector figures, checked against a
count by hand of the synthetic file ``findings.csv``.

By hand, over the file's 16 good rows (three rows do not parse; the last repeats the first):

- damp and mould: 6 findings on their merits, 4 maladministration (1 severe): 67%;
  complaint handling: 5, 1: 20%; repairs: 4, 4: 100%; anti-social behaviour: its one finding
  is outside jurisdiction, so none on their merits.
- North Homes, a housing association: 5 findings on their merits (one is outside
  jurisdiction), 3 maladministration: 60%; the two other housing associations: 7, 4: 57%.
"""

from __future__ import annotations

import csv
import datetime
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from putright.ombudsman import figures
from putright.ombudsman.models import SectorFinding
from putright.ombudsman.reports import ombudsman_report, sector_points

pytestmark = pytest.mark.django_db

HERE = Path(__file__).parent
FILE = HERE / "findings.csv"
EXTRACT = HERE / "published_extract.csv"


def run(*args: str) -> str:
    out = StringIO()
    call_command("ombudsman", *args, stdout=out)
    return out.getvalue()


def test_the_file_is_read_with_bad_lines_reported_and_kept_once(org):
    out = run("import", str(FILE))
    assert "line 18: skipped: decision date '31 Feb 2024' is not a date" in out
    assert "line 19: skipped: finding 'guilty' is not one of the Ombudsman's findings" in out
    assert "line 20: skipped: no case id" in out
    assert "'North Homes' is the organisation north-homes" in out
    assert (
        "Read 20 rows: 16 new findings kept, 0 already imported, 1 repeated in the file, "
        "3 skipped." in out
    )
    assert SectorFinding.objects.count() == 16
    assert SectorFinding.objects.filter(organisation=org).count() == 6
    assert SectorFinding.objects.get(
        case_id="202405011", category="Complaint handling"
    ).finding == ("service_failure")
    again = run("import", str(FILE))
    assert "Read 20 rows: 0 new findings kept, 16 already imported" in again
    assert SectorFinding.objects.count() == 16


def test_a_dry_run_keeps_nothing(org):
    out = run("import", str(FILE), "--dry-run")
    assert "16 new findings would be kept (dry run: nothing kept)" in out
    assert SectorFinding.objects.count() == 0


def test_the_published_extracts_headings_and_a_byte_order_mark_are_read(org):
    out = run("import", str(EXTRACT))
    assert "Read 2 rows: 2 new findings kept" in out
    found = SectorFinding.objects.get(case_id="202601100")
    assert (found.landlord, found.decision_date, found.finding) == (
        "North Homes",
        datetime.date(2026, 1, 12),
        "maladministration",
    )
    assert found.organisation == org


def test_other_headings_are_mapped_with_columns(tmp_path, db):
    odd = tmp_path / "odd.csv"
    odd.write_text(
        "Ref,Provider,Sector,Date,Area,What,Outcome\n"
        "1,Ash Homes,Housing association,2024-02-02,Repairs,A door,maladministration\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="no column for case_id, landlord"):
        run("import", str(odd))
    out = run(
        "import",
        str(odd),
        "--columns",
        "Ref=case_id,Provider=landlord,Sector=landlord_type,Date=decision_date,Area=category,"
        "What=point,Outcome=finding",
    )
    assert "1 new findings kept" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\xff\xfecase_id\n", "is not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_clear_failure(tmp_path, db, content, message):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=message) as raised:
        run("import", str(bad))
    assert raised.value.returncode == 2


def test_a_missing_file_and_a_bad_columns_option_are_clear_failures(db, tmp_path):
    with pytest.raises(CommandError, match="there is no file"):
        run("import", str(tmp_path / "nope.csv"))
    with pytest.raises(CommandError, match="is not HEADING=FIELD"):
        run("import", str(FILE), "--columns", "Ref=nothing")


def test_the_sector_figures_match_the_hand_count(org):
    run("import", str(FILE))
    points = sector_points(SectorFinding.objects.all())
    by_category = {
        c: (r.findings, r.maladministration) for c, r in figures.rate_by_category(points).items()
    }
    assert by_category == {
        "Anti-social behaviour": (0, 0),
        "Complaint handling": (5, 1),
        "Damp and mould": (6, 4),
        "Repairs": (4, 4),
    }
    beside = figures.beside_peers(points, names={"North Homes"})
    assert beside is not None
    assert beside.landlord_type == "Housing association"
    assert (beside.landlord.findings, beside.landlord.maladministration) == (5, 3)
    assert (beside.peers.findings, beside.peers.maladministration) == (7, 4)
    assert beside.peer_landlords == 2
    assert beside.landlord.percent == "60%"
    assert beside.peers.percent == "57%"
    mine, theirs = beside.by_category["Damp and mould"]
    assert (mine.maladministration, mine.findings, theirs.maladministration, theirs.findings) == (
        2,
        2,
        1,
        3,
    )
    years = figures.over_time([p for p in points if p.landlord == "North Homes"])
    assert {y: dict(c) for y, c in years.items()} == {
        2023: {"severe_maladministration": 1, "service_failure": 1},
        2024: {"maladministration": 1, "no_maladministration": 1},
        2025: {"maladministration": 1, "outside_jurisdiction": 1},
    }


def test_the_report_shows_the_landlord_beside_its_peers(org):
    run("import", str(FILE))
    report = ombudsman_report(
        organisation=org,
        start=datetime.date(2023, 1, 1),
        end=datetime.date(2025, 12, 31),
        today=datetime.date(2026, 3, 16),
    )
    text = "\n".join(report.lines())
    assert (
        "North Homes beside 2 other landlords of its type (Housing association): 60% against 57%"
        in text
    )
    assert "Repairs: 100% maladministration (4 of 4 on their merits)" in text


def test_a_few_thousand_findings_import_in_seconds(tmp_path, db):
    big = tmp_path / "big.csv"
    with big.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "case_id",
                "landlord",
                "landlord_type",
                "decision_date",
                "category",
                "point",
                "finding",
            ]
        )
        outcomes = [
            "maladministration",
            "no_maladministration",
            "service_failure",
            "severe_maladministration",
        ]
        for n in range(4000):
            writer.writerow(
                [
                    f"2025{n:05d}",
                    f"Landlord {n % 40}",
                    "Housing association",
                    "2025-06-01",
                    ["Repairs", "Damp and mould", "Complaint handling"][n % 3],
                    f"Point {n}",
                    outcomes[n % 4],
                ]
            )
    began = time.perf_counter()
    out = run("import", str(big))
    took = time.perf_counter() - began
    assert "Read 4,000 rows: 4,000 new findings kept" in out
    assert took < 15, took
    assert "0 new findings kept" in run("import", str(big))
