"""`putright report tsm|performance`, `putright seed`, and the benchmark's bare SQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from putright.cases.models import Case, Event
from putright.organisations.models import HomesCount, Organisation
from putright.reports.service import performance_report, tsm_report

from .conftest import d

ARGS = ["--organisation", "code-homes", "--start", "2025-04-01", "--end", "2026-03-31"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_tsm_as_a_table(year):
    text = run("tsm", *ARGS)
    assert "CH01 stage 1 complaints per 1,000 homes" in text
    assert "8.5 (17/2,000)" in text
    assert "76.9% (10/13)" in text


def test_tsm_as_json_with_the_cases(year):
    body = json.loads(run("tsm", *ARGS, "--format", "json", "--cases"))
    assert body["measures"]["CH01"]["stage2"]["received"] == 4
    assert year["stage2_day_25"].reference in body["figures"]["ch02.stage2"]["cases"]


def test_performance_as_csv_by_quarter(year):
    rows = list(
        csv.reader(io.StringIO(run("performance", *ARGS, "--by", "quarter", "--format", "csv")))
    )
    assert rows[0][0] == "Quarter"
    assert [r[0] for r in rows[1:]] == ["Apr-Jun 2025", "Jul-Sep 2025", "Jan-Mar 2026", "All"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["tsm", "--organisation", "nope", "--start", "2025-04-01", "--end", "2026-03-31"],
            "no organisation",
        ),
        (
            ["tsm", "--organisation", "code-homes", "--start", "1 April", "--end", "2026-03-31"],
            "not a date",
        ),
        (
            ["tsm", "--organisation", "code-homes", "--start", "2026-04-01", "--end", "2025-03-31"],
            "before it starts",
        ),
        (["performance", *ARGS, "--by", "colour"], "Cannot group by"),
    ],
)
def test_bad_input_exits_2_with_a_reason(code_org, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert error.value.returncode == 2
    assert message in str(error.value)


def test_seed_is_deterministic_and_realistic(db, now):
    out = io.StringIO()
    call_command(
        "seed",
        "--organisations",
        "2",
        "--homes",
        "3000",
        "--years",
        "2",
        "--seed",
        "7",
        "--end",
        "2026-03-31",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["homes"] == 3000
    # About 417 cases per 1,000 homes a year.
    assert 2200 < result["cases"] < 2800
    assert Case.objects.count() == result["cases"]
    assert Event.objects.count() == result["events"]
    first = Organisation.objects.get(slug="seed-001")
    assert HomesCount.objects.filter(organisation=first).count() == 3
    fields = ("kind", "channel", "received_at", "deemed_received_on", "status", "stage")
    signature = list(
        Case.objects.filter(organisation=first).order_by("received_at", "pk").values_list(*fields)
    )
    report = tsm_report(first, d(2025, 4, 1), d(2026, 3, 31))
    per_1000 = report.figure("ch01.stage1_per_1000").value
    assert 20 < per_1000 < 60
    assert 0.5 < report.figure("ch02.stage1").value < 1
    perf = performance_report(first, d(2025, 4, 1), d(2026, 3, 31)).total.figures
    assert perf["stage1.extended"].value > 0
    assert perf["stage1.responded_on_time"].value < perf["stage1.responded"].value
    # Every event sequence starts at 1 and has no gaps.
    for case in Case.objects.all()[:200]:
        assert list(case.events.values_list("sequence", flat=True)) == list(
            range(1, case.events.count() + 1)
        )
    # The same seed again gives the same cases.
    out = io.StringIO()
    call_command(
        "seed",
        "--organisations",
        "2",
        "--homes",
        "3000",
        "--years",
        "2",
        "--seed",
        "7",
        "--end",
        "2026-03-31",
        "--prefix",
        "again",
        "--json",
        stdout=out,
    )
    again = list(
        Case.objects.filter(organisation__slug="again-001")
        .order_by("received_at", "pk")
        .values_list(*fields)
    )
    assert json.loads(out.getvalue())["cases"] == result["cases"]
    assert again == signature


def test_seed_refuses_bad_input(db):
    with pytest.raises(CommandError) as error:
        call_command("seed", "--organisations", "0")
    assert error.value.returncode == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bare SQL is PostgreSQL's")
def test_the_benchmarks_bare_sql_agrees_with_the_reports(code_org, year):
    from putright.benchmarks.reports import (
        _PERFORMANCE_SQL,
        _TSM_SQL,
        PERFORMANCE_COLUMNS,
        _fetch,
        _parameters,
    )

    today = d(2026, 6, 1)
    params = _parameters(code_org, d(2025, 4, 1), d(2026, 3, 31), today)
    rows = {r["level"]: r for r in _fetch(_TSM_SQL, params)}
    assert (rows[1]["received"], rows[1]["responded"], rows[1]["on_time"]) == (17, 13, 10)
    assert (rows[2]["received"], rows[2]["responded"], rows[2]["on_time"]) == (4, 5, 3)
    total = next(r for r in _fetch(_PERFORMANCE_SQL, params) if r["is_total"])
    figures = performance_report(code_org, d(2025, 4, 1), d(2026, 3, 31), today=today).total.figures
    for column, key in PERFORMANCE_COLUMNS.items():
        ours = figures[key].value
        assert (ours is None and total[column] is None) or float(ours) == pytest.approx(
            float(total[column])
        ), key
