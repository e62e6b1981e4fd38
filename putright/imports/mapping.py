"""The mapping file: which column of a housing or CRM system's export holds what, and what
its values mean in PutRight's words. Validated on load; every error names the file and the
field (``mapping.toml: columns.received: required``).

```toml
name = "Housing system complaints export"
date_formats = ["%d/%m/%Y %H:%M", "%d/%m/%Y"]

[columns]
reference = "Complaint Ref"
received = "Date Received"
...
[columns.first_stage]       # the stage the case starts at under the pack
acknowledged = "Stage 1 Acknowledged"
[columns.escalation]        # the stage an escalation leads to
requested = "Stage 2 Requested"
[columns.customer]
id = "Tenant ID"
[values.kind]
"Formal Complaint" = "complaint"
```
"""

from __future__ import annotations

import datetime
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from putright.cases.models import Channel, ClosureReason, Kind, Outcome
from putright.people.models import Tenure

#: The values a mapping may translate to, by table of ``[values]``.
CHOICES: dict[str, tuple[str, ...]] = {
    "kind": tuple(Kind.values),
    "channel": tuple(Channel.values),
    "outcome": tuple(Outcome.values),
    "tenure": tuple(Tenure.values),
    "closure_reason": tuple(ClosureReason.values),
}


class MappingError(Exception):
    """A mapping file that cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Column = str


class CustomerColumns(_Strict):
    id: Column = ""
    name: Column = ""
    email: Column = ""
    phone: Column = ""
    address: Column = ""
    postcode: Column = ""
    tenure: Column = ""


class FirstStageColumns(_Strict):
    acknowledged: Column = ""
    responded: Column = ""
    outcome: Column = ""


class EscalationColumns(_Strict):
    requested: Column = ""
    acknowledged: Column = ""
    responded: Column = ""
    outcome: Column = ""


class Columns(_Strict):
    reference: Column
    received: Column
    summary: Column
    kind: Column = ""
    channel: Column = ""
    details: Column = ""
    desired_outcome: Column = ""
    service_area: Column = ""
    category: Column = ""
    handler: Column = ""
    closed: Column = ""
    closure_reason: Column = ""
    first_stage: FirstStageColumns = FirstStageColumns()
    escalation: EscalationColumns = EscalationColumns()
    customer: CustomerColumns = CustomerColumns()

    @field_validator("reference", "received", "summary")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name the column (it cannot be blank)")
        return value

    def used(self) -> dict[str, str]:
        """Every field given a column: ``{"first_stage.acknowledged": "Stage 1 Ack"}``."""
        out: dict[str, str] = {}
        for name, value in self:
            if isinstance(value, BaseModel):
                out.update({f"{name}.{k}": v for k, v in value if v})
            elif value:
                out[name] = value
        return out


class Defaults(_Strict):
    """Used where a row has no column or an empty cell for the field."""

    kind: str = "complaint"
    channel: str = "phone"
    tenure: str = "unknown"
    closure_reason: str = "resolved"

    @model_validator(mode="after")
    def _known(self) -> Defaults:
        for name in ("kind", "channel", "tenure", "closure_reason"):
            value = getattr(self, name)
            if value not in CHOICES[name]:
                raise ValueError(f"{name}: {value!r} is not one of {', '.join(CHOICES[name])}")
        return self


class Mapping(_Strict):
    """A validated mapping file."""

    name: str
    organisation: str = ""  # the organisation's slug, when --organisation is not given
    date_formats: tuple[str, ...] = ("%Y-%m-%d %H:%M", "%Y-%m-%d")
    #: The time given to a date with no time (a date alone is taken as at this time, local).
    time_of_day: datetime.time = datetime.time(12, 0)
    #: XLSX: the sheet to read (the first when blank). CSV: its delimiter and encoding.
    sheet: str = ""
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    columns: Columns
    defaults: Defaults = Defaults()
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    source: str = ""  # the file it was read from

    @field_validator("date_formats")
    @classmethod
    def _formats(cls, formats: tuple[str, ...]) -> tuple[str, ...]:
        if not formats:
            raise ValueError('give at least one date format, e.g. "%d/%m/%Y"')
        sample = datetime.datetime(2025, 12, 19, 10, 30, tzinfo=datetime.UTC)
        for f in formats:
            if "%" not in f:
                raise ValueError(f"{f!r} is not a date format (use %d, %m, %Y, %H, %M)")
            try:
                text = sample.strftime(f)
                datetime.datetime.strptime(text, f)  # noqa: DTZ007  a format check, no zone
            except ValueError as error:
                raise ValueError(f"{f!r} is not a date format: {error}") from None
        return formats

    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, value: str) -> str:
        if len(value) != 1:
            raise ValueError('one character, e.g. "," or ";"')
        return value

    @field_validator("values")
    @classmethod
    def _values(cls, tables: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for table, pairs in tables.items():
            if table not in CHOICES:
                raise ValueError(
                    f"[values.{table}] is not a table this file may have "
                    f"(it may have: {', '.join(CHOICES)})"
                )
            for source, target in pairs.items():
                if target not in CHOICES[table]:
                    raise ValueError(
                        f"[values.{table}] {source!r} = {target!r}: {target!r} is not one of "
                        f"{', '.join(CHOICES[table])}"
                    )
            out[table] = {_key(k): v for k, v in pairs.items()}
        return out

    def translate(self, table: str, text: str) -> str | None:
        """The PutRight value of a cell: from ``[values.table]`` (case and spaces ignored),
        else the cell itself if it is already one; None when it means nothing here."""
        key = _key(text)
        found = self.values.get(table, {}).get(key)
        if found is not None:
            return found
        plain = key.replace(" ", "_")
        return plain if plain in CHOICES[table] else None


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def parse_mapping(data: dict[str, Any], *, source: str) -> Mapping:
    """A mapping from parsed TOML; ``MappingError`` naming ``source`` and the field if wrong."""
    try:
        return Mapping.model_validate({**data, "source": source})
    except ValidationError as error:
        problems = []
        for e in error.errors():
            message = e["msg"].removeprefix("Value error, ")
            if e["type"] == "missing":
                message = "required"
            elif e["type"] == "extra_forbidden":
                message = "not a field this file may have"
            problems.append(f"{source}: {_where(e['loc'])}: {message}")
        raise MappingError("\n".join(problems)) from None


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MappingError(f"{path}: no such mapping file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(f"{path}: cannot be read ({error})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"{path}: not valid TOML: {error}") from None
    return parse_mapping(data, source=path.name)
