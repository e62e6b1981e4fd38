"""The hazards pack: which clocks Awaab's Law starts on a hazard, from when, and which step
stops each; read and validated like a policy pack (``packs/*.toml``). Pure Python.

A clock counts from the moment the landlord became aware (the time the report was
received: no deemed receipt, no cut-off) or from the end of the investigation, in clock
hours, statutory working days (weekends and bank holidays skipped, the landlord's closure
days counted) or calendar days. The duties come into force in phases, each with its date:
a hazard is under the statutory clocks only if the duty for its severity and kind was in
force on the day the landlord became aware of it, and only for the tenures the pack names.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from putright.domain.calendar import describe
from putright.domain.errors import PackError
from putright.domain.policy import Strict, validate_toml

BUILTIN_DIR = Path(__file__).parent / "packs"
DEFAULT_HAZARD_PACK = "awaabs-law-2025"

Severity = Literal["emergency", "significant"]
#: The steps staff record on a hazard, each an entry in its history.
STEPS = ("investigated", "summary_sent", "made_safe", "works_started", "resolved")
Step = Literal["investigated", "summary_sent", "made_safe", "works_started", "resolved"]


class ClockRule(Strict):
    """One statutory clock: what is due, how long, from when, and which step stops it."""

    step: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    unit: Literal["hours", "statutory_days", "calendar_days"]
    amount: int = Field(ge=1, le=400)
    counts_from: Literal["awareness", "investigated"]
    stopped_by: Step
    source: str = Field(min_length=1)


class Duty(Strict):
    """What a hazard of one severity must have done, clock by clock."""

    label: str = Field(min_length=1)
    clocks: list[ClockRule] = Field(min_length=1)
    alternative_accommodation: str = ""
    source: str = Field(min_length=1)


class Phase(Strict):
    """A phase of the duties: from its date, the kinds whose significant hazards it covers
    and whether the emergency duty applies to every hazard."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    label: str = Field(min_length=1)
    starts_on: datetime.date
    kinds: list[str] = Field(default_factory=list)
    emergency: bool = False
    note: str = ""
    source: str = Field(min_length=1)


class HazardKind(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    hhsrs: str = ""


class Letter(Strict):
    template: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    subject: str = Field(min_length=1)
    source: str = Field(min_length=1)


class HazardPack(Strict):
    """Awaab's Law as data: phases, kinds, the duties of each severity and who is told."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    regulations: str = Field(min_length=1)
    guidance: str = Field(min_length=1)
    extends: str = ""
    tenures: list[str] = Field(min_length=1, description="Tenures the statutory clocks apply to.")
    unknown_tenure_applies: bool = True
    not_applicable: str = Field(min_length=1, description="Said when the clocks do not apply.")
    owner_team: str = Field(min_length=1)
    owner_role: str = ""
    alert_roles: list[str] = Field(min_length=1)
    kinds: list[HazardKind] = Field(min_length=1)
    phases: list[Phase] = Field(min_length=1)
    emergency: Duty
    significant: Duty
    summary_letter: Letter
    dismiss_reasons: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> HazardPack:
        known = {k.id for k in self.kinds}
        for index, phase in enumerate(self.phases):
            for kind in phase.kinds:
                if kind not in known:
                    raise ValueError(
                        f"phases[{index}].kinds: {kind!r} is not one of the pack's kinds "
                        f"({', '.join(sorted(known))})"
                    )
        for name, duty in (("emergency", self.emergency), ("significant", self.significant)):
            steps = [c.step for c in duty.clocks]
            if len(set(steps)) != len(steps):
                raise ValueError(f"{name}.clocks: a step is listed twice")
        return self

    def kind(self, kind_id: str) -> HazardKind | None:
        return next((k for k in self.kinds if k.id == kind_id), None)

    def kind_label(self, kind_id: str) -> str:
        found = self.kind(kind_id)
        return found.label if found else kind_id.replace("_", " ").capitalize()

    def duty(self, severity: str) -> Duty:
        return self.emergency if severity == "emergency" else self.significant


def parse_hazard_pack(text: str, *, source: str) -> HazardPack:
    """Validate a hazards pack's TOML; errors name ``source``, the path inside and the problem."""
    return validate_toml(HazardPack, text, source=source, kind="hazards pack")


def load_hazard_pack_file(path: Path) -> HazardPack:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PackError(str(path), [("", f"cannot read the file: {error.strerror}")]) from None
    return parse_hazard_pack(text, source=str(path))


@dataclass(frozen=True)
class Coverage:
    """Whether the statutory clocks apply to a hazard, and why, in words."""

    statutory: bool
    phase: str  # the phase id whose duty applies ('' if none)
    reason: str


def coverage(
    pack: HazardPack, *, kind: str, severity: str, aware_on: datetime.date, tenure: str | None
) -> Coverage:
    """Whether Awaab's Law's clocks run on a hazard of this kind and severity, reported on
    ``aware_on`` by someone of this tenure (None: no customer recorded)."""
    label = pack.kind_label(kind).lower()
    unknown = tenure == "unknown" and pack.unknown_tenure_applies
    if tenure is not None and tenure not in pack.tenures and not unknown:
        return Coverage(False, "", pack.not_applicable)
    in_force = [p for p in pack.phases if p.starts_on <= aware_on]
    if severity == "emergency":
        phase = next((p for p in in_force if p.emergency), None)
        if phase is not None:
            return Coverage(True, phase.id, f"Emergency hazard: {phase.label} ({phase.source}).")
    else:
        phase = next((p for p in in_force if kind in p.kinds), None)
        if phase is not None:
            return Coverage(
                True, phase.id, f"Significant hazard ({label}): {phase.label} ({phase.source})."
            )
    later = next(
        (
            p
            for p in sorted(pack.phases, key=lambda p: p.starts_on)
            if p.starts_on > aware_on
            and (kind in p.kinds or (severity == "emergency" and p.emergency))
        ),
        None,
    )
    when = (
        f" They apply to {label} from {describe(later.starts_on)} ({later.label})." if later else ""
    )
    return Coverage(
        False,
        "",
        f"The statutory clocks for a {severity} hazard of this kind ({label}) were not in force "
        f"on {describe(aware_on)}.{when} Handled without them, under the repairs policy.",
    )


def unknown_tenure_note(pack: HazardPack, tenure: str | None) -> str:
    """Said when the clocks run although the tenure is not known."""
    if tenure in (None, "unknown") and pack.unknown_tenure_applies:
        return "The tenure is not recorded: the statutory clocks run until it is known."
    return ""
