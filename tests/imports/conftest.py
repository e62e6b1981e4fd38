"""Fixtures for importing cases: an organisation on the Code, the sample mapping, and
exports written row by row in the sample's shape."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from putright.imports.mapping import load_mapping
from putright.imports.sample import HEADINGS
from putright.organisations.services import organisation_create

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_MAPPING = ROOT / "docs" / "import" / "sample-mapping.toml"
SAMPLE_EXPORT = ROOT / "docs" / "import" / "sample-export.csv"


@pytest.fixture
def today(clock):
    """A fixed 'now' after the sample export's last day (27 November 2026)."""
    return clock(2026, 12, 7, 10)


@pytest.fixture
def org(db):
    return organisation_create(slug="meadowbank", name="Meadowbank Homes", reference_prefix="MB")


@pytest.fixture
def mapping():
    return load_mapping(SAMPLE_MAPPING)


def row(ref: str, **values: str) -> dict[str, str]:
    """A row of the sample's shape: a closed complaint unless told otherwise."""
    out = dict.fromkeys(HEADINGS, "")
    out.update(
        {
            "Complaint Ref": ref,
            "Date Logged": "02/06/2025 10:00",
            "Complaint Type": "Formal Complaint",
            "Contact Method": "Telephone",
            "Service Area": "Repairs",
            "Tenant ID": f"T-{ref}",
            "Tenant Name": "Pat Resident",
            "Email": f"{ref.lower()}@example.org",
            "Postcode": "MB1 1AA",
            "Tenure": "General Needs",
            "Summary": "Nobody came to fix the leak",
        }
    )
    out.update({k.replace("_", " "): v for k, v in values.items()})
    return out


@pytest.fixture
def export(tmp_path):
    """Write rows to a CSV file: ``export([row("A1"), ...])``."""
    count = [0]

    def write(rows: list[dict[str, str]], name: str = "") -> Path:
        count[0] += 1
        path = tmp_path / (name or f"export{count[0]}.csv")
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=HEADINGS)
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write
