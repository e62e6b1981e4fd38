"""The Ombudsman report for an organisation and a period (``putright report ombudsman``), the
headline discussed with the Ombudsman (Southern 4.10.9), the compliance report of Rooftop 12.4,
and the Ombudsman section of the annual report and the board pack.

From the determinations log: contacts received, determinations and their findings point by
point, orders and recommendations made, done on time, done late, overdue and still open, and
whether the Ombudsman was told; from the imported findings (kept apart from the landlord's
cases): the landlord's published findings over time, and the landlord beside the landlords of
its type, with the sector's maladministration rate by category.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.timezone import localdate

from putright.organisations.models import Organisation
from putright.policies.registry import get_pack

from . import figures
from .models import (
    Contact,
    ContactKind,
    Determination,
    Finding,
    Order,
    OrderKind,
    SectorFinding,
)

FINDING_WORDS = dict(Finding.choices)
REPORTING_WORDS = {
    "quarterly": "every quarter",
    "six_monthly": "every six months",
    "annual": "every year",
    "frequency_not_stated": "(the policy does not say how often)",
}


def sector_points(findings: Any) -> list[figures.Point]:
    """Imported findings as the figures take them."""
    return [
        figures.Point(
            landlord=landlord,
            landlord_type=landlord_type,
            decision_date=decided,
            category=category,
            finding=finding,
        )
        for landlord, landlord_type, decided, category, finding in findings.values_list(
            "landlord", "landlord_type", "decision_date", "category", "finding"
        )
    ]


@dataclass
class OmbudsmanReport:
    """The Ombudsman's work with one organisation over a period."""

    organisation: Organisation
    start: datetime.date
    end: datetime.date
    today: datetime.date
    contacts: Counter[str] = field(default_factory=Counter)
    with_ombudsman: int = 0  # cases under notification to or review by it now
    evidence_on_time: int = 0
    evidence_late: int = 0
    evidence_waiting: int = 0
    determinations: int = 0
    findings: Counter[str] = field(default_factory=Counter)
    own_by_category: dict[str, figures.Rate] = field(default_factory=dict)
    appeals: int = 0
    orders: int = 0
    recommendations: int = 0
    due_in_period: int = 0
    done_on_time: int = 0
    done_late: int = 0
    overdue: list[Order] = field(default_factory=list)
    open: int = 0
    told: int = 0
    money_ordered_pence: int = 0
    reporting: str = ""
    reported_to: str = ""
    source: str = ""
    sector_by_category: dict[str, figures.Rate] = field(default_factory=dict)
    sector_findings: int = 0
    beside: figures.Beside | None = None
    over_time: dict[int, Counter[str]] = field(default_factory=dict)

    @property
    def reporting_sentence(self) -> str:
        """How the policy says compliance is reported, in a sentence ('' if it does not)."""
        if not self.reporting:
            return ""
        to = self.reported_to or "the governing body"
        if self.reporting == "frequency_not_stated":
            return f"The policy reports this to {to}, without saying how often ({self.source})."
        return f"The policy reports this {REPORTING_WORDS[self.reporting]} to {to} ({self.source})."

    @property
    def compliance(self) -> str:
        """Orders and recommendations due in the period that were done by their due date."""
        if not self.due_in_period:
            return "none due"
        return f"{self.done_on_time} of {self.due_in_period} ({self.done_on_time / self.due_in_period * 100:.0f}%)"

    def lines(self) -> list[str]:
        """The report as plain lines of text (the command's table output)."""
        name = self.organisation.name
        out = [
            f"Housing Ombudsman casework: {name}, {self.start:%-d %B %Y} to {self.end:%-d %B %Y}",
            "",
            f"Contacts received: {sum(self.contacts.values())} "
            f"({self.contacts[ContactKind.ENQUIRY]} enquiries, "
            f"{self.contacts[ContactKind.EVIDENCE_REQUEST]} requests for evidence, "
            f"{self.contacts[ContactKind.DETERMINATION]} determinations)",
            f"Cases with the Ombudsman now (an enquiry or a request not yet determined): "
            f"{self.with_ombudsman}",
            f"Evidence sent on time: {self.evidence_on_time}; late: {self.evidence_late}; "
            f"still to send: {self.evidence_waiting}",
            f"Determinations received: {self.determinations}; appealed: {self.appeals}",
        ]
        if self.findings:
            out.append(
                "Findings: "
                + "; ".join(f"{FINDING_WORDS[f]} {n}" for f, n in sorted(self.findings.items()))
            )
        for category, rate in self.own_by_category.items():
            out.append(
                f"  {category}: {rate.maladministration} of {rate.findings} maladministration"
            )
        out += [
            f"Orders made: {self.orders}; recommendations: {self.recommendations}; "
            f"money ordered: £{self.money_ordered_pence / 100:,.2f}",
            f"Due in the period and done on time: {self.compliance}; done late: {self.done_late}",
            f"Overdue now: {len(self.overdue)}; still open: {self.open}; the Ombudsman told of "
            f"{self.told}",
        ]
        for order in self.overdue:
            out.append(
                f"  OVERDUE {order.determination.case.reference} {order.get_kind_display().lower()} "
                f"{order.number}, due {order.due_on:%-d %b %Y}: {order.text[:80]}"
            )
        if self.reporting:
            out.append(self.reporting_sentence)
        out += ["", f"The sector's published findings in the period: {self.sector_findings}"]
        for category, rate in self.sector_by_category.items():
            out.append(
                f"  {category}: {rate.percent} maladministration "
                f"({rate.maladministration} of {rate.findings} on their merits)"
            )
        if self.beside is not None:
            b = self.beside
            out.append(
                f"{name} beside {b.peer_landlords} other landlords of its type ({b.landlord_type}): "
                f"{b.landlord.percent} against {b.peers.percent}"
            )
            for category, (mine, theirs) in b.by_category.items():
                out.append(f"  {category}: {mine.percent} against {theirs.percent}")
        else:
            out.append(f"No published findings are linked to {name}.")
        if self.over_time:
            out.append(f"{name}'s published findings by year of decision:")
        for year, counts in self.over_time.items():
            out.append(
                f"  {year}: "
                + "; ".join(f"{FINDING_WORDS[f]} {n}" for f, n in sorted(counts.items()))
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        def rate(r: figures.Rate) -> dict[str, Any]:
            return {
                "findings": r.findings,
                "maladministration": r.maladministration,
                "rate": r.rate,
            }

        return {
            "organisation": self.organisation.slug,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "contacts": dict(self.contacts),
            "with_ombudsman": self.with_ombudsman,
            "evidence": {
                "on_time": self.evidence_on_time,
                "late": self.evidence_late,
                "waiting": self.evidence_waiting,
            },
            "determinations": self.determinations,
            "appeals": self.appeals,
            "findings": dict(self.findings),
            "findings_by_category": {c: rate(r) for c, r in self.own_by_category.items()},
            "orders": self.orders,
            "recommendations": self.recommendations,
            "money_ordered_pence": self.money_ordered_pence,
            "due_in_period": self.due_in_period,
            "done_on_time": self.done_on_time,
            "done_late": self.done_late,
            "overdue": [
                {
                    "case": o.determination.case.reference,
                    "number": o.number,
                    "due_on": o.due_on.isoformat(),
                }
                for o in self.overdue
            ],
            "open": self.open,
            "told": self.told,
            "sector": {
                "findings": self.sector_findings,
                "by_category": {c: rate(r) for c, r in self.sector_by_category.items()},
                "beside": None
                if self.beside is None
                else {
                    "landlord_type": self.beside.landlord_type,
                    "landlord": rate(self.beside.landlord),
                    "peers": rate(self.beside.peers),
                    "peer_landlords": self.beside.peer_landlords,
                },
                "over_time": {str(y): dict(c) for y, c in self.over_time.items()},
            },
        }


def ombudsman_report(
    *,
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
) -> OmbudsmanReport:
    """The organisation's Ombudsman casework in the period, and what the sector's findings say."""
    report = OmbudsmanReport(organisation=organisation, start=start, end=end, today=today)
    contacts = Contact.objects.filter(
        organisation=organisation,
        received_at__date__gte=start,
        received_at__date__lte=end,
    )
    report.contacts = Counter(contacts.values_list("kind", flat=True))
    latest: dict[int, str] = {}
    for case_id, kind in (
        Contact.objects.filter(organisation=organisation, received_at__date__lte=today)
        .order_by("received_at", "pk")
        .values_list("case_id", "kind")
    ):
        latest[case_id] = kind
    report.with_ombudsman = sum(1 for kind in latest.values() if kind != ContactKind.DETERMINATION)
    for contact in contacts.filter(kind=ContactKind.EVIDENCE_REQUEST):
        if contact.evidence_sent_at is None:
            report.evidence_waiting += 1
        elif contact.due_on is not None and localdate(contact.evidence_sent_at) > contact.due_on:
            report.evidence_late += 1
        else:
            report.evidence_on_time += 1
    determinations = Determination.objects.filter(
        organisation=organisation, received_on__gte=start, received_on__lte=end
    ).prefetch_related("findings", "orders")
    own_points: list[figures.Point] = []
    for determination in determinations:
        report.determinations += 1
        report.appeals += determination.appeal_decision == "appeal"
        for finding in determination.findings.all():
            report.findings[finding.finding] += 1
            own_points.append(
                figures.Point(
                    landlord=organisation.name,
                    landlord_type="",
                    decision_date=determination.determined_on,
                    category=finding.category,
                    finding=finding.finding,
                )
            )
        for order in determination.orders.all():
            if order.kind == OrderKind.ORDER:
                report.orders += 1
            else:
                report.recommendations += 1
            report.money_ordered_pence += order.amount_pence or 0
    report.own_by_category = figures.rate_by_category(own_points)
    orders = Order.objects.filter(organisation=organisation).select_related("determination__case")
    for order in orders.filter(due_on__gte=start, due_on__lte=end):
        report.due_in_period += 1
        if order.completed_on is not None and order.completed_on <= order.due_on:
            report.done_on_time += 1
        elif order.completed_on is not None:
            report.done_late += 1
    report.overdue = list(
        orders.filter(completed_on__isnull=True, due_on__lt=today).order_by("due_on")
    )
    report.open = orders.filter(completed_on__isnull=True).count()
    report.told = orders.filter(ombudsman_told_on__gte=start, ombudsman_told_on__lte=end).count()
    rules = get_pack(organisation.policy_pack).ombudsman_casework
    if rules is not None and rules.reporting:
        report.reporting, report.reported_to, report.source = (
            rules.reporting,
            rules.reported_to,
            rules.source,
        )
    in_period = SectorFinding.objects.filter(decision_date__gte=start, decision_date__lte=end)
    sector = sector_points(in_period)
    report.sector_findings = len(sector)
    report.sector_by_category = figures.rate_by_category(sector)
    names = set(
        SectorFinding.objects.filter(organisation=organisation)
        .values_list("landlord", flat=True)
        .distinct()
    ) or {organisation.name}
    report.beside = figures.beside_peers(sector, names=names)
    report.over_time = figures.over_time(
        sector_points(
            SectorFinding.objects.filter(
                Q(organisation=organisation) | Q(landlord__iexact=organisation.name)
            )
        )
    )
    return report
