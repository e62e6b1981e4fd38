"""``putright import cases``: clear errors with a non-zero exit, and XLSX as well as CSV."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from putright.cases.models import Case
from putright.imports.mapping import MappingError, load_mapping
from putright.imports.models import ImportedCase
from putright.imports.sample import HEADINGS

from .conftest import SAMPLE_EXPORT, SAMPLE_MAPPING, row


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def failure(*args: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        command(*args)
    assert caught.value.returncode == 2
    return caught.value


def test_dry_run_then_real_then_again_from_the_command(today, org):
    args = ("cases", str(SAMPLE_EXPORT), "--mapping", str(SAMPLE_MAPPING))
    dry = command(*args, "--dry-run")
    assert "(dry run: nothing written): 300 rows." in dry
    assert "289 cases would be created" in dry
    assert "line 23, column 'Email': 'not-an-address' is not an e-mail address." in dry
    assert Case.objects.count() == 0
    real = command(*args)
    assert "289 cases were created" in real
    again = json.loads(command(*args, "--json"))
    assert (again["created"], again["unchanged"], again["refused"]) == (0, 289, 11)


def test_a_mapping_with_errors_names_the_file_and_each_field(tmp_path, org):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "x"\ndate_formats = ["day/month"]\n[columns]\nreference = "Ref"\n'
        'summary = ""\nwhen = "Date"\n[values.kind]\n"Formal" = "grievance"\n'
    )
    error = failure("cases", str(SAMPLE_EXPORT), "--mapping", str(bad))
    message = str(error)
    assert "bad.toml: columns.received: required" in message
    assert "bad.toml: columns.summary: name the column (it cannot be blank)" in message
    assert "bad.toml: columns.when: not a field this file may have" in message
    assert "bad.toml: date_formats: 'day/month' is not a date format" in message
    assert (
        "bad.toml: values: [values.kind] 'Formal' = 'grievance': 'grievance' is not one of"
        in message
    )


def test_a_mapping_that_is_not_toml_or_not_there(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("name = \n")
    with pytest.raises(MappingError, match=r"broken.toml: not valid TOML"):
        load_mapping(broken)
    with pytest.raises(MappingError, match=r"nowhere.toml: no such mapping file"):
        load_mapping(tmp_path / "nowhere.toml")


def test_a_file_that_cannot_be_read_exits_with_a_message(tmp_path, org):
    mapping = str(SAMPLE_MAPPING)
    error = failure("cases", str(tmp_path / "missing.csv"), "--mapping", mapping)
    assert "missing.csv: no such file" in str(error)
    pdf = tmp_path / "export.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    assert "not a CSV or XLSX file" in str(failure("cases", str(pdf), "--mapping", mapping))
    fake = tmp_path / "export.xlsx"
    fake.write_text("not a workbook")
    assert "not a readable XLSX workbook" in str(failure("cases", str(fake), "--mapping", mapping))
    other = tmp_path / "other.csv"
    other.write_text("Ref,When\nA,01/01/2025\n")
    message = str(failure("cases", str(other), "--mapping", mapping))
    assert "the mapping sample-mapping.toml names columns the file does not have" in message
    assert "reference ('Complaint Ref')" in message


def test_the_organisation_must_exist(org):
    error = failure(
        "cases", str(SAMPLE_EXPORT), "--mapping", str(SAMPLE_MAPPING), "--organisation", "nope"
    )
    assert str(error) == "No organisation 'nope' (there are: meadowbank)."


def test_an_xlsx_export_reads_as_its_csv_would(today, org, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADINGS))
    closed = row("X1", Stage_1_Acknowledged="04/06/2025", Stage_1_Response_Sent="", Date_Closed="")
    values = [closed[h] for h in HEADINGS]
    # Spreadsheets hold dates as dates, not text.
    values[HEADINGS.index("Date Logged")] = datetime.datetime(2025, 6, 2, 10, 0)
    values[HEADINGS.index("Stage 1 Acknowledged")] = datetime.date(2025, 6, 4)
    sheet.append(values)
    path = tmp_path / "export.xlsx"
    book.save(path)
    out = command("cases", str(path), "--mapping", str(SAMPLE_MAPPING))
    assert "1 case was created (1 open, 0 closed)" in out
    case = ImportedCase.objects.get(source_reference="X1").case
    assert case.events.count() == 2
    assert case.received_at.isoformat() == "2025-06-02T09:00:00+00:00"


def test_the_sample_command_writes_the_export_the_benchmark_reads(tmp_path, org, today):
    path = tmp_path / "big.csv"
    out = command("sample", str(path), "--rows", "500", "--end", "2026-11-27")
    assert out.strip() == f"Wrote 500 rows to {path}."
    assert len(path.read_text().splitlines()) == 501
    assert "--end cannot be in the future" in str(
        failure("sample", str(path), "--end", "2099-01-01")
    )
