"""The actions on a case's hazards (Awaab's Law), declared once.

``POST /api/v1/cases/{reference}/hazards`` raises one by hand; each step is
``POST /api/v1/cases/{reference}/hazards/{hazard_id}/{action}``, and the staff page is the
same path with a trailing slash. Each takes ``occurred_at`` (when it happened, never in the
future, never before the landlord became aware) and ``version`` (the hazard's, 409 if it
changed). They are ``NestedAction``s on a case with ``target = "hazard"``: ``perform_nested``
checks the permission (``ACTION_ROLES``), then the service in ``putright/hazards/services.py``
checks it again with the state of the hazard. ``summary-sent`` issues the written summary to
the tenant as a letter from the hazards pack.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field

from putright.hazards import services
from putright.hazards.models import Hazard
from putright.hazards.selectors import STEP_LABELS, steps_fitting

from .catalogue import NestedAction, aware
from .inputs import In


class HazardStepIn(In):
    occurred_at: datetime.datetime | None = Field(
        None,
        description="When it happened: never in the future, never before the landlord became "
        "aware of the hazard; now if not given.",
    )
    version: int | None = Field(
        None, ge=1, description="The hazard's version you are acting on; 409 if it changed."
    )


class HazardRaiseIn(In):
    kind: str = Field(
        ..., min_length=1, max_length=40, description="A kind of the hazards pack, e.g. damp_mould."
    )
    severity: Literal["emergency", "significant"]
    description: str = Field("", max_length=5000)
    aware_at: datetime.datetime | None = Field(
        None,
        description="When the landlord became aware (the clocks count from it); the case's "
        "receipt if not given.",
    )


class HazardConfirmIn(HazardStepIn):
    severity: Literal["emergency", "significant"] | None = Field(
        None, description="The severity staff judge; unchanged if not given."
    )
    owner: str = Field(
        "", max_length=150, description="username of who owes the clocks; you if blank."
    )


class HazardDismissIn(HazardStepIn):
    reason: str = Field(..., min_length=1, max_length=5000)


class HazardInvestigatedIn(HazardStepIn):
    findings: str = Field(..., min_length=1, max_length=5000)


class HazardSummaryIn(HazardStepIn):
    found: str = Field(..., min_length=1, max_length=5000, description="What was found.")
    will_do: str = Field(
        ..., min_length=1, max_length=5000, description="What will be done, and when."
    )


class HazardNoteIn(HazardStepIn):
    note: str = Field("", max_length=5000)


def _when(common: dict[str, Any]) -> dict[str, Any]:
    return {"occurred_at": common["occurred_at"], "expected_version": common["expected_version"]}


def _raise(case: Any, _: Any, actor: Any, p: HazardRaiseIn, c: dict[str, Any]) -> Hazard:
    return services.hazard_raise(
        case=case,
        kind=p.kind,
        severity=p.severity,
        description=p.description,
        aware_at=aware(p.aware_at, "aware_at"),
        actor=actor,
    )


def _status(hazard: Hazard) -> str:
    return str(hazard.get_status_display()).lower()


HAZARD_ACTIONS: tuple[NestedAction, ...] = (
    NestedAction(
        "hazard-raise",
        STEP_LABELS["hazard-raise"],
        "/cases/{reference}/hazards",
        HazardRaiseIn,
        _raise,
        lambda hazard: (
            f"Hazard recorded ({'with' if hazard.statutory else 'without'} Awaab's Law's clocks)."
        ),
        permission="hazard-raise",
    ),
    NestedAction(
        "hazard-confirm",
        STEP_LABELS["hazard-confirm"],
        "/cases/{reference}/hazards/{hazard_id}/confirm",
        HazardConfirmIn,
        lambda case, hazard, actor, p, c: services.hazard_confirm(
            hazard=hazard, severity=p.severity, owner=p.owner or None, actor=actor, **_when(c)
        ),
        lambda hazard: f"Hazard confirmed as {hazard.severity}; its clocks are {hazard.owner}'s.",
        permission="hazard-confirm",
        target="hazard",
    ),
    NestedAction(
        "hazard-dismiss",
        STEP_LABELS["hazard-dismiss"],
        "/cases/{reference}/hazards/{hazard_id}/dismiss",
        HazardDismissIn,
        lambda case, hazard, actor, p, c: services.hazard_dismiss(
            hazard=hazard, reason=p.reason, actor=actor, **_when(c)
        ),
        lambda hazard: "Hazard dismissed; its clocks are stopped.",
        permission="hazard-dismiss",
        target="hazard",
        warning=True,
    ),
    NestedAction(
        "hazard-investigated",
        STEP_LABELS["hazard-investigated"],
        "/cases/{reference}/hazards/{hazard_id}/investigated",
        HazardInvestigatedIn,
        lambda case, hazard, actor, p, c: services.hazard_investigated(
            hazard=hazard, findings=p.findings, actor=actor, **_when(c)
        ),
        lambda hazard: "Investigation recorded; the summary and safety work are now due.",
        permission="hazard-investigated",
        target="hazard",
    ),
    NestedAction(
        "hazard-summary-sent",
        STEP_LABELS["hazard-summary-sent"],
        "/cases/{reference}/hazards/{hazard_id}/summary-sent",
        HazardSummaryIn,
        lambda case, hazard, actor, p, c: services.hazard_summary_sent(
            hazard=hazard, found=p.found, will_do=p.will_do, actor=actor, **_when(c)
        ),
        lambda hazard: "Written summary issued to the tenant and kept on the hazard.",
        permission="hazard-summary-sent",
        target="hazard",
    ),
    NestedAction(
        "hazard-made-safe",
        STEP_LABELS["hazard-made-safe"],
        "/cases/{reference}/hazards/{hazard_id}/made-safe",
        HazardNoteIn,
        lambda case, hazard, actor, p, c: services.hazard_made_safe(
            hazard=hazard, note=p.note, actor=actor, **_when(c)
        ),
        lambda hazard: "Recorded: the home is safe.",
        permission="hazard-made-safe",
        target="hazard",
    ),
    NestedAction(
        "hazard-works-started",
        STEP_LABELS["hazard-works-started"],
        "/cases/{reference}/hazards/{hazard_id}/works-started",
        HazardNoteIn,
        lambda case, hazard, actor, p, c: services.hazard_works_started(
            hazard=hazard, note=p.note, actor=actor, **_when(c)
        ),
        lambda hazard: "Recorded: the further work has started.",
        permission="hazard-works-started",
        target="hazard",
    ),
    NestedAction(
        "hazard-resolved",
        STEP_LABELS["hazard-resolved"],
        "/cases/{reference}/hazards/{hazard_id}/resolved",
        HazardNoteIn,
        lambda case, hazard, actor, p, c: services.hazard_resolved(
            hazard=hazard, note=p.note, actor=actor, **_when(c)
        ),
        lambda hazard: f"Hazard {_status(hazard)}.",
        permission="hazard-resolved",
        target="hazard",
    ),
)

HAZARD_BY_NAME: dict[str, NestedAction] = {a.name: a for a in HAZARD_ACTIONS}
#: The steps on one hazard, by the last part of their path (``confirm``, ``made-safe`` ...).
HAZARD_STEPS: dict[str, NestedAction] = {
    a.path.rsplit("/", 1)[1]: a for a in HAZARD_ACTIONS if a.target == "hazard"
}


def steps_offered(hazard: Hazard) -> list[NestedAction]:
    """The steps that fit the hazard as it stands (the services refuse the rest anyway)."""
    return [HAZARD_BY_NAME[name] for name in steps_fitting(hazard)]
