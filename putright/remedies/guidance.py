"""The ombudsman's remedies guidance for a case: which pack applies, and its figure.

The packs are loaded once per process (``remedies_registry``); an invalid one stops
PutRight from starting (``checks.py``). The guidance that applies to a case is the one of
the case's ombudsman in force on the day the figure is worked out.
"""

from __future__ import annotations

import datetime
from functools import lru_cache
from typing import Any

from putright.cases.models import Case
from putright.cases.ombudsman import case_ombudsman_route
from putright.domain.guidance import Figure, Loss, RemediesPack, RemediesRegistry, ombudsman_figure

from .models import Loss as LossRecord


@lru_cache(maxsize=1)
def remedies_registry() -> RemediesRegistry:
    return RemediesRegistry()


def is_guidance_rule(rule: str) -> bool:
    """Whether an error's rule is a remedies pack's ("hos-remedies-2026: fixed_sums")."""
    pack_id, _, _ = rule.partition(": ")
    return pack_id in {p.id for p in remedies_registry().all()}


def loss_kinds() -> list[tuple[str, str]]:
    """Every kind of loss a remedies pack sets a sum for: (id, label), newest pack first."""
    seen: dict[str, str] = {}
    for pack in sorted(remedies_registry().all(), key=lambda p: p.effective_from, reverse=True):
        for item in pack.fixed_sums:
            seen.setdefault(item.id, item.label)
    return list(seen.items())


def loss_per(kind: str) -> str:
    """ "day", "week" or "occasion" for a kind of loss (from the newest pack that names it)."""
    for pack in sorted(remedies_registry().all(), key=lambda p: p.effective_from, reverse=True):
        for item in pack.fixed_sums:
            if item.id == kind:
                return item.per.value
    return ""


def case_guidance(case: Case, on: datetime.date) -> RemediesPack | None:
    """The remedies guidance of the case's ombudsman in force on the day (None: none is)."""
    return remedies_registry().in_force(case_ombudsman_route(case), on)


def case_losses(case: Case) -> list[LossRecord]:
    """The losses recorded on the case and not withdrawn, earliest first."""
    return list(
        case.losses.filter(withdrawn_at__isnull=True)
        .select_related("recorded_by")
        .order_by("started_on", "pk")
    )


def case_figure(
    case: Case, on: datetime.date, losses: list[LossRecord] | None = None
) -> Figure | None:
    """The guidance's figure for the losses recorded on the case, worked out on ``on``."""
    pack = case_guidance(case, on)
    if pack is None:
        return None
    found = case_losses(case) if losses is None else losses
    return ombudsman_figure(
        pack,
        [Loss(kind=x.kind, started_on=x.started_on, ended_on=x.ended_on) for x in found],
        today=on,
    )


def figure_record(figure: Figure | None) -> dict[str, Any]:
    """The figure as kept on an award and given by the API ({} where no guidance applies)."""
    if figure is None:
        return {}
    return {
        "pack": figure.pack_id,
        "title": figure.title,
        "source": figure.source,
        "rule": figure.rule,
        "total_pence": figure.total_pence,
        "total": figure.total,
        "lines": [
            {
                "rule": line.rule,
                "label": line.label,
                "per": line.per,
                "count": line.count,
                "rate_pence": line.rate_pence,
                "amount_pence": line.amount_pence,
                "detail": line.detail,
                "source": line.source,
                "text": line.text,
            }
            for line in figure.lines
        ],
        "notes": list(figure.notes),
    }
