"""Reading remedies and awards: the calculator's facts, and an award as its approver sees it.

An approver who may not see the case (the board member) sees an award through
``AwaitingAward``: the case's reference, organisation, stage and service area, the award,
the proposer's reasoning, the calculator's range and the rule that needs the approval, and
nothing about the customer or what the complaint says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from putright.cases.models import Case
from putright.cases.selectors import case_deadlines
from putright.domain.compensation import (
    Suggestion,
    approval_rule,
    describe_authority,
    suggest_band,
)
from putright.domain.deadlines import State
from putright.domain.policy import Pack
from putright.policies.registry import get_pack

from .models import Award

FIRST_CONTACT = "first_contact"


def missed_deadlines(case: Case) -> int:
    """Complaint-handling deadlines missed so far: a fact the calculator weighs."""
    today = timezone.localdate()
    return sum(1 for d in case_deadlines(case, today=today) if d.state is State.MISSED)


def suggestion_record(
    pack: Pack, case: Case, *, occasions: int = 1, months_affected: int = 0
) -> dict[str, Any]:
    """The calculator's range for this case and these facts, as kept on the award ({} without bands)."""
    missed = missed_deadlines(case)
    found: Suggestion | None = suggest_band(
        pack,
        occasions=occasions,
        months_affected=months_affected,
        vulnerable=case.vulnerability,
        missed_deadlines=missed,
    )
    if found is None:
        return {}
    return {
        "band": found.band.id,
        "label": found.band.label,
        "low_pence": found.low_pence,
        "high_pence": found.high_pence,
        "range": found.range,
        "reasons": list(found.reasons),
        "facts": {
            "occasions": occasions,
            "months_affected": months_affected,
            "missed_deadlines": missed,
        },
    }


def stage_label(pack: Pack, stage: str) -> str:
    if not stage or stage == FIRST_CONTACT:
        return "the first point of contact"
    try:
        return pack.stage(stage).label
    except KeyError:
        return stage.replace("_", " ")


@dataclass(frozen=True)
class AwaitingAward:
    """An award waiting for approval, as its approver sees it: no customer, no case text."""

    award: Award
    reference: str
    organisation: str
    organisation_name: str
    stage: str
    stage_label: str
    service_area: str
    approval_title: str
    rule: str
    case_version: int

    @property
    def suggestion(self) -> dict[str, Any]:
        return self.award.suggestion or {}


def awaiting_award(award: Award) -> AwaitingAward:
    """What the approver of ``award`` sees (its case and organisation loaded with it)."""
    case = award.case
    pack = get_pack(case.policy_pack)
    label = stage_label(pack, award.stage)
    rule = approval_rule(
        pack, stage=award.stage, amount_pence=award.total_pence, approval_by=award.approval_by
    )
    approver = pack.role_title(award.approval_by)
    return AwaitingAward(
        award=award,
        reference=case.reference,
        organisation=case.organisation.slug,
        organisation_name=case.organisation.name,
        stage=award.stage,
        stage_label=label,
        service_area=case.service_area.replace("_", " "),
        approval_title=approver,
        rule=describe_authority(pack, rule, stage_label=label)
        if rule is not None
        else f"The policy asks the {approver} to approve this award.",
        case_version=case.version,
    )
