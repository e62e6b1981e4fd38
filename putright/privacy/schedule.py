"""The retention schedule: how long each record type is kept, as data.

PutRight's default schedule (``retention/default.toml``) is validated on load like a policy
pack, its errors naming the file, the path inside it and the problem; an organisation's own
periods (``RetentionPeriod`` rows, set in the admin) replace the default record type by type.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import Field, model_validator

from putright.domain.clocks import add_months
from putright.domain.errors import PackError
from putright.domain.policy import Strict, validate_toml

SCHEDULE_FILE = Path(__file__).parent / "retention" / "default.toml"

#: The record types PutRight knows how to let go of; a schedule names each once.
RECORD_TYPES = (
    "closed_cases",
    "letters",
    "files",
    "restrictions",
    "hazards",
    "access_logs",
    "survey_answers",
    "incoming_mail",
)


class RecordTypeRule(Strict):
    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    label: str = Field(min_length=1)
    months: int = Field(ge=1, le=1200)
    counted_from: str = Field(min_length=1)
    basis: str = Field(min_length=1)


class Schedule(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    record_types: list[RecordTypeRule]

    @model_validator(mode="after")
    def _every_type_once(self) -> Schedule:
        seen = [rule.id for rule in self.record_types]
        for name in seen:
            if name not in RECORD_TYPES:
                raise ValueError(
                    f"record_types: unknown record type {name!r}; "
                    f"record types are {', '.join(RECORD_TYPES)}"
                )
            if seen.count(name) > 1:
                raise ValueError(f"record_types: {name!r} is listed twice")
        missing = [name for name in RECORD_TYPES if name not in seen]
        if missing:
            raise ValueError(f"record_types: no period for {', '.join(missing)}")
        return self


def parse_schedule(text: str, *, source: str) -> Schedule:
    return validate_toml(Schedule, text, source=source, kind="retention schedule")


@cache
def default_schedule() -> Schedule:
    try:
        text = SCHEDULE_FILE.read_text(encoding="utf-8")
    except OSError as error:  # pragma: no cover - shipped with the package
        raise PackError(str(SCHEDULE_FILE), [("", f"cannot read: {error.strerror}")]) from None
    return parse_schedule(text, source=str(SCHEDULE_FILE))


@dataclass(frozen=True)
class Period:
    record_type: str
    label: str
    months: int
    counted_from: str
    basis: str
    own: bool  # the organisation's own period, not the default

    def cutoff(self, today: datetime.date) -> datetime.date:
        """Records whose period started before this day are past retention today."""
        return add_months(today, -self.months)


def periods_for(organisation_id: int) -> dict[str, Period]:
    """Each record type's period for an organisation: its own where set, else the default."""
    from .models import RetentionPeriod

    own = {
        p.record_type: p for p in RetentionPeriod.objects.filter(organisation_id=organisation_id)
    }
    found: dict[str, Period] = {}
    for rule in default_schedule().record_types:
        mine = own.get(rule.id)
        found[rule.id] = Period(
            record_type=rule.id,
            label=rule.label,
            months=mine.months if mine else rule.months,
            counted_from=rule.counted_from,
            basis=mine.reason if mine else rule.basis,
            own=mine is not None,
        )
    return found
