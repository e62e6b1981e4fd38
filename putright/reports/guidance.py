"""Compensation against the ombudsman's remedies guidance: offers beside its figure, and
how often stage 2 raised an award made at stage 1.

The figures are pure functions of plain rows (``offers_against_guidance``,
``stage2_raises``); ``remedies_report`` loads the rows for organisations and a period.
An offer is an award offered to the customer in the period; its figure is the ombudsman's,
for the losses recorded on the case, kept with the award when it was proposed, and it is
below the figure when the awards standing on the case then came to less (the proposer then
gave a reason, which the award keeps).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from putright.cases.models import Event, EventKind
from putright.organisations.models import Organisation
from putright.remedies.models import Award, AwardStatus

from .runs import local_bounds
from .service import _compensation_stage, levels

STAGE_NAMES = {"stage1": "Stage 1", "stage2": "Stage 2", "other": "Other stages"}


@dataclass(frozen=True)
class Offer:
    """One award offered in the period, as the report needs it."""

    case_id: int
    stage: str  # "stage1", "stage2" or "other"
    service_area: str
    total_pence: int
    figure_pence: int | None  # None: no guidance applied when it was proposed
    case_total_pence: int  # the awards standing on the case, this one included, at proposal
    reason: str  # why it was below the figure ("" when it was not)


@dataclass
class OfferRow:
    """Offers of one stage and service area beside the ombudsman's figure."""

    stage: str
    service_area: str
    offers: int = 0
    offered_pence: int = 0
    with_figure: int = 0
    below: int = 0
    shortfall_pence: int = 0
    case_ids: list[int] = field(default_factory=list)
    below_case_ids: list[int] = field(default_factory=list)

    @property
    def stage_label(self) -> str:
        return STAGE_NAMES.get(self.stage, self.stage)

    @property
    def service_area_label(self) -> str:
        return (
            self.service_area.replace("_", " ").capitalize() if self.service_area else "Not given"
        )

    @property
    def below_percent(self) -> float | None:
        return round(100 * self.below / self.with_figure, 1) if self.with_figure else None


def offers_against_guidance(offers: Iterable[Offer]) -> list[OfferRow]:
    """Offers by stage and service area: how many, how much, how many had a figure, how many
    fell below it and by how much in all. The last row (stage "all") totals them."""
    rows: dict[tuple[str, str], OfferRow] = {}
    total = OfferRow(stage="all", service_area="")
    for offer in offers:
        key = (offer.stage, offer.service_area)
        row = rows.setdefault(key, OfferRow(stage=offer.stage, service_area=offer.service_area))
        for target in (row, total):
            target.offers += 1
            target.offered_pence += offer.total_pence
            target.case_ids.append(offer.case_id)
            if offer.figure_pence is not None:
                target.with_figure += 1
                if offer.case_total_pence < offer.figure_pence:
                    target.below += 1
                    target.shortfall_pence += offer.figure_pence - offer.case_total_pence
                    target.below_case_ids.append(offer.case_id)
    order = list(STAGE_NAMES)
    ordered = sorted(
        rows.values(),
        key=lambda r: (order.index(r.stage) if r.stage in order else 99, r.service_area),
    )
    return [*ordered, total]


@dataclass(frozen=True)
class AwardAt:
    """An award offered on a case (by the end of the period): at which stage, how much."""

    case_id: int
    stage: str  # "stage1", "stage2" or "other"
    total_pence: int


@dataclass
class Raises:
    """Of the cases answered at stage 2 in the period that had been offered compensation at
    stage 1, how many stage 2 raised (a further award offered at stage 2), and by how much."""

    answered: int = 0
    raised: int = 0
    added_pence: int = 0
    raised_case_ids: list[int] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return round(100 * self.raised / self.answered, 1) if self.answered else None


def stage2_raises(awards: Iterable[AwardAt], answered_at_stage2: Iterable[int]) -> Raises:
    """How often stage 2 raised an award made at stage 1, among the cases answered at stage 2."""
    by_case: dict[int, list[AwardAt]] = {}
    for award in awards:
        by_case.setdefault(award.case_id, []).append(award)
    found = Raises()
    for case_id in sorted(set(answered_at_stage2)):
        offered = by_case.get(case_id, [])
        if not any(a.stage == "stage1" for a in offered):
            continue
        found.answered += 1
        added = sum(a.total_pence for a in offered if a.stage == "stage2")
        if added:
            found.raised += 1
            found.added_pence += added
            found.raised_case_ids.append(case_id)
    return found


@dataclass(frozen=True)
class RemediesReport:
    organisations: Sequence[Organisation]
    start: datetime.date
    end: datetime.date
    rows: list[OfferRow]
    raises: Raises


def _stage(pack_id: str, stage_id: str) -> str:
    return _compensation_stage(levels().level_of(pack_id, stage_id))


def remedies_report(
    organisations: Sequence[Organisation], start: datetime.date, end: datetime.date
) -> RemediesReport:
    """Offers in the period against the ombudsman's figure, and stage 2's raises."""
    begin, after = local_bounds(start, end)
    ids = [o.pk for o in organisations]
    offered = (
        Award.objects.filter(case__organisation_id__in=ids, offered_at__isnull=False)
        .exclude(status=AwardStatus.REJECTED)
        .order_by()
    )
    offers = []
    for award in offered.filter(offered_at__gte=begin, offered_at__lt=after).values(
        "case_id",
        "stage",
        "case__policy_pack",
        "case__service_area",
        "total_pence",
        "guidance",
        "below_guidance_reason",
    ):
        guidance = award["guidance"] or {}
        figure = guidance.get("total_pence")
        offers.append(
            Offer(
                case_id=award["case_id"],
                stage=_stage(award["case__policy_pack"], award["stage"]),
                service_area=award["case__service_area"] or "",
                total_pence=award["total_pence"],
                figure_pence=figure if isinstance(figure, int) else None,
                case_total_pence=int(guidance.get("standing_pence", 0)) + award["total_pence"],
                reason=award["below_guidance_reason"],
            )
        )
    known = levels()
    answered = {
        case_id
        for case_id, pack_id, stage in Event.objects.filter(
            Q(case__organisation_id__in=ids),
            kind=EventKind.RESPONDED,
            occurred_at__gte=begin,
            occurred_at__lt=after,
        )
        .order_by()
        .values_list("case_id", "case__policy_pack", "stage")
        if known.level_of(pack_id, stage) == 2
    }
    awards = [
        AwardAt(
            case_id=a["case_id"],
            stage=_stage(a["case__policy_pack"], a["stage"]),
            total_pence=a["total_pence"],
        )
        for a in offered.filter(case_id__in=answered, offered_at__lt=after).values(
            "case_id", "stage", "case__policy_pack", "total_pence"
        )
    ]
    return RemediesReport(
        organisations=organisations,
        start=start,
        end=end,
        rows=offers_against_guidance(offers),
        raises=stage2_raises(awards, answered),
    )


def as_csv(report: RemediesReport) -> str:
    """The report as CSV: a row per stage and service area (and the total), then stage 2's raises."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "stage",
            "service_area",
            "offers",
            "offered_pence",
            "offers_with_ombudsman_figure",
            "below_ombudsman_figure",
            "shortfall_pence",
        ]
    )
    for row in report.rows:
        writer.writerow(
            [
                row.stage,
                row.service_area,
                row.offers,
                row.offered_pence,
                row.with_figure,
                row.below,
                row.shortfall_pence,
            ]
        )
    raises = report.raises
    writer.writerow([])
    writer.writerow(["stage1_award_cases_answered_at_stage2", "raised_at_stage2", "added_pence"])
    writer.writerow([raises.answered, raises.raised, raises.added_pence])
    return out.getvalue()
