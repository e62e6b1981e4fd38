"""Documents: the Code self-assessment, the annual complaints performance and service
improvement report, and the quarterly board pack.

The self-assessment lists every provision of the Code (the ``[[provisions]]`` of the Code
pack, in its nine sections) with compliance, evidence and commentary, pre-filled from the
check of the organisation's policy pack against the Code and from the measured
performance of the period, and overridden field by field by what the landlord writes
(``SelfAssessmentEntry``). The annual report follows provision 8.1 of the Code; the board
pack compares a quarter with the one before. Both carry the landlord's own words
(``ReportText``) where only the landlord can say it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from putright.domain.calendar import describe
from putright.domain.compliance import VERDICT_LABELS, Finding, Verdict, check_against_code
from putright.organisations.models import Organisation
from putright.organisations.selectors import pack_for
from putright.policies.registry import code_pack, get_pack

from .charts import Chart, comparison_sources, performance_charts, period_sources
from .equality import EqualityReport, equality_report
from .measures import display_value
from .models import Compliance, ReportText, SelfAssessmentEntry
from .service import (
    Report,
    load,
    performance_report,
    policy_change_notes,
    timescales,
    tsm_report,
)

#: Which provision each topic of the policy check is evidence for (topics not listed
#: fall back to the provisions named in the finding's source).
TOPIC_PROVISIONS: dict[str, tuple[str, ...]] = {
    "Number of formal stages": ("5.3",),
    "Informal stage before stage 1": ("5.2",),
    "Stage 1": ("5.3",),
    "Stage 2": ("5.3",),
    "Stage 1 acknowledgement": ("6.2",),
    "Stage 1 response": ("6.3",),
    "Stage 1 extension": ("6.4",),
    "Stage 2 acknowledgement": ("6.11",),
    "Stage 2 response": ("6.14",),
    "Stage 2 extension": ("6.15",),
    "Escalation to stage 2": ("6.10",),
    "Reasons for escalation": ("6.12",),
    "A different person at stage 2": ("6.13",),
    "Time limit to escalate": ("5.11",),
    "Time limit for making a complaint": ("2.3",),
    "Designated persons": ("3.7",),
    "Eight-week wait": ("3.7",),
    "Signposting the Ombudsman": ("3.7", "6.5", "6.16", "6.19"),
    "Member responsible for complaints": ("9.5",),
    "Annual complaints performance and service improvement report": ("8.1", "8.2"),
    "Self-assessment against the Code": ("8.1", "8.3"),
    "Learning from complaints published": ("9.3",),
    "Reporting to the governing body": ("9.7",),
}
#: Provisions whose timescale the measured share on time is evidence for.
TIMESCALE_MEASURES = {
    "6.2": ("stage1.acknowledged_on_time_share", "stage 1 complaints acknowledged on time"),
    "6.3": ("stage1.responded_on_time_share", "stage 1 responses sent within the Code's timescale"),
    "6.11": ("stage2.acknowledged_on_time_share", "stage 2 complaints acknowledged on time"),
    "6.14": (
        "stage2.responded_on_time_share",
        "stage 2 responses sent within the Code's timescale",
    ),
}
ON_TIME_EXPECTED = 0.95
TEXT_SECTIONS = {
    "annual": (
        ("summary", "Summary"),
        ("learning", "Service improvements made from the learning of complaints"),
        ("ombudsman_findings", "Housing Ombudsman findings of non-compliance with the Code"),
        ("ombudsman_reports", "The Ombudsman's annual report and other reports about us"),
        ("governing_body_response", "The governing body's response to this report"),
    ),
    "board-pack": (
        ("summary", "Summary for the board"),
        ("risks", "Risks and issues to note"),
    ),
}
DOCUMENT_TITLES = {
    "self-assessment": "Complaint Handling Code self-assessment",
    "annual": "Annual complaints performance and service improvement report",
    "board-pack": "Complaints board pack",
}


def provisions_in(source: str) -> list[str]:
    """Provision ids named in a source such as ``Code 8.1-8.3, 9.5-9.7``."""
    out: list[str] = []
    for a_sec, a_num, b_sec, b_num in re.findall(
        r"(\d+)\.(\d+)(?:\s*-\s*(?:(\d+)\.)?(\d+))?", source
    ):
        if not b_num:
            out.append(f"{a_sec}.{a_num}")
            continue
        if b_sec and b_sec != a_sec:
            out.append(f"{a_sec}.{a_num}")
            continue
        out += [f"{a_sec}.{n}" for n in range(int(a_num), int(b_num) + 1)]
    return out


@dataclass
class ProvisionRow:
    id: str
    section: int
    text: str
    must: bool
    compliance: str
    evidence: str
    commentary: str
    suggested_compliance: str
    suggested_evidence: str
    suggested_commentary: str
    findings: list[Finding] = field(default_factory=list)
    edited: bool = False

    @property
    def compliance_label(self) -> str:
        if not self.must and not self.compliance:
            return "Not a requirement"
        return str(dict(Compliance.choices).get(self.compliance, self.compliance))


@dataclass
class Section:
    number: int
    title: str
    provisions: list[ProvisionRow]


@dataclass
class SelfAssessment:
    organisation: Organisation
    year: int
    start: datetime.date
    end: datetime.date
    pack_title: str
    sections: list[Section]
    # The changes of policy within the period, and which policy the check is of.
    notes: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        out = {"yes": 0, "partly": 0, "no": 0, "": 0}
        for section in self.sections:
            for p in section.provisions:
                if p.must:
                    out[p.compliance] = out.get(p.compliance, 0) + 1
        return out


def _verdict_compliance(findings: list[Finding]) -> str:
    if not findings:
        return ""
    verdicts = {f.verdict for f in findings}
    if Verdict.FALLS_SHORT in verdicts:
        return Compliance.NO
    if Verdict.NOT_STATED in verdicts:
        return Compliance.PARTLY
    return Compliance.YES


def self_assessment(
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    *,
    performance: Report | None = None,
    tsm: Report | None = None,
    today: datetime.date | None = None,
) -> SelfAssessment:
    """Every provision of the Code, pre-filled, with the landlord's own entries on top.

    The policy checked against the Code is the one in force on the period's last day;
    where the period spans a change of policy, the notes say so and name it.
    """
    code = code_pack()
    pack = get_pack(pack_for(organisation, end))
    findings = check_against_code(pack, code)
    by_provision: dict[str, list[Finding]] = {}
    for finding in findings:
        ids = TOPIC_PROVISIONS.get(finding.topic) or tuple(provisions_in(finding.code_source))
        for pid in ids:
            by_provision.setdefault(pid, []).append(finding)
    if performance is None or tsm is None:
        loaded = load(organisation, start, end, today=today)
        performance = performance or performance_report(organisation, start, end, loaded=loaded)
        tsm = tsm or tsm_report(organisation, start, end, loaded=loaded)
    measured = _measured(performance, tsm)
    notes = list(performance.policy_changes)
    if notes:
        notes.append(
            f"The policy checked against the Code here is {pack.title}, in force on "
            f"{describe(end)}, the last day of the period."
        )
    entries = {
        e.provision: e
        for e in SelfAssessmentEntry.objects.filter(organisation=organisation, year=end.year)
    }
    sections: dict[int, Section] = {}
    for provision in code.provisions:
        related = by_provision.get(provision.id, [])
        compliance = _verdict_compliance(related) if provision.must else ""
        evidence = [
            f"Policy ({f.pack_source or pack.title}): {f.promise}. Against the Code: "
            f"{VERDICT_LABELS[f.verdict]}."
            for f in related
        ]
        commentary = [
            f"The Code requires: {f.requirement}."
            for f in related
            if f.verdict is Verdict.FALLS_SHORT
        ]
        for text, shortfall in measured.get(provision.id, []):
            evidence.append(text)
            if shortfall:
                commentary.append(shortfall)
                if compliance == Compliance.YES:
                    compliance = Compliance.PARTLY
        entry = entries.get(provision.id)
        row = ProvisionRow(
            id=provision.id,
            section=provision.section,
            text=provision.text,
            must=provision.must,
            compliance=compliance,
            evidence=" ".join(evidence),
            commentary=" ".join(commentary),
            suggested_compliance=compliance,
            suggested_evidence=" ".join(evidence),
            suggested_commentary=" ".join(commentary),
            findings=related,
        )
        if entry is not None:
            row.edited = True
            if entry.compliance:
                row.compliance = entry.compliance
            if entry.evidence.strip():
                row.evidence = entry.evidence
            if entry.commentary.strip():
                row.commentary = entry.commentary
        section = sections.setdefault(
            provision.section, Section(provision.section, provision.section_title, [])
        )
        section.provisions.append(row)
    return SelfAssessment(
        organisation=organisation,
        year=end.year,
        start=start,
        end=end,
        pack_title=pack.title,
        sections=[sections[k] for k in sorted(sections)],
        notes=notes,
    )


def _measured(performance: Report, tsm: Report) -> dict[str, list[tuple[str, str]]]:
    """Evidence from the period's figures, by provision: (sentence, shortfall or '')."""
    f = performance.total.figures
    period = f"{performance.start:%d %b %Y} to {performance.end:%d %b %Y}"
    out: dict[str, list[tuple[str, str]]] = {}
    scales = timescales()

    def add(pid: str, text: str, shortfall: str = "") -> None:
        out.setdefault(pid, []).append((text, shortfall))

    for pid, (key, words) in TIMESCALE_MEASURES.items():
        figure = f[key]
        if figure.denominator:
            text = (
                f"Measured {period}: {figure.display()} of {words} "
                f"({figure.numerator:,} of {figure.denominator:,})."
            )
            shortfall = ""
            if figure.value is not None and figure.value < ON_TIME_EXPECTED:
                shortfall = (
                    f"Performance: {figure.denominator - (figure.numerator or 0):,} were late; "
                    "the Code's timescale is not always met."
                )
            add(pid, text, shortfall)
    for level, pid in ((1, "6.4"), (2, "6.15")):
        extended = f[f"stage{level}.extended"].value or 0
        beyond = f[f"stage{level}.extended_beyond_code"].value or 0
        if extended:
            add(
                pid,
                f"Measured {period}: {extended:,} stage {level} responses followed an extension; "
                f"{beyond:,} extended beyond the Code's {scales[level].extension_max_days} "
                "working days.",
                f"{beyond:,} extensions went beyond the Code's limit." if beyond else "",
            )
    refused = [b for b in performance.breakdowns if b.kind == "not_accepted"]
    if refused:
        add(
            "2.1",
            f"Complaints not accepted {period}: "
            + "; ".join(f"{b.label} ({b.count:,})" for b in refused)
            + ".",
        )
    escalations = [b for b in performance.breakdowns if b.kind == "escalation_refused"]
    if escalations:
        add(
            "5.11",
            f"Escalations refused {period}: "
            + "; ".join(f"{b.label} ({b.count:,})" for b in escalations)
            + ".",
        )
    rate = tsm.total.figures["ch01.stage1_per_1000"]
    if rate.value is not None:
        add(
            "3.3",
            f"Stage 1 complaints {period}: {rate.numerator:,}, {rate.display()} per 1,000 homes "
            "(TSM CH01).",
        )
    awards = f["compensation.awards"].value or 0
    if awards:
        add(
            "7.1",
            f"Compensation {period}: {awards:,} awards totalling "
            f"{f['compensation.awarded_pence'].display()}, of which "
            f"{f['compensation.paid_pence'].display()} paid.",
        )
    offered = f["compensation.offered"].value or 0
    if offered:
        add(
            "7.1",
            f"Compensation offers {period}: {offered:,} totalling "
            f"{f['compensation.offered_pence'].display()}; "
            f"{f['compensation.accepted'].value or 0:,} accepted "
            f"({f['compensation.accepted_pence'].display()}) and "
            f"{f['compensation.declined'].value or 0:,} refused by the customer; "
            f"{f['compensation.payments_pence'].display()} paid in the period.",
        )
    return out


def save_entry(
    organisation: Organisation,
    year: int,
    provision: str,
    *,
    compliance: str,
    evidence: str,
    commentary: str,
    user: Any,
) -> SelfAssessmentEntry:
    known = {p.id for p in code_pack().provisions}
    if provision not in known:
        raise ValueError(f"The Code has no provision {provision}.")
    if compliance not in Compliance.values:
        raise ValueError("Choose yes, partly, no or not yet assessed.")
    entry, _ = SelfAssessmentEntry.objects.update_or_create(
        organisation=organisation,
        year=year,
        provision=provision,
        defaults={
            "compliance": compliance,
            "evidence": evidence.strip(),
            "commentary": commentary.strip(),
            "updated_by": user,
        },
    )
    return entry


def texts(organisation: Organisation, year: int, document: str) -> list[dict[str, str]]:
    saved = dict(
        ReportText.objects.filter(organisation=organisation, year=year).values_list(
            "section", "text"
        )
    )
    return [
        {"section": section, "label": label, "text": saved.get(f"{document}:{section}", "")}
        for section, label in TEXT_SECTIONS.get(document, ())
    ]


def save_text(
    organisation: Organisation, year: int, document: str, section: str, text: str, user: Any
) -> None:
    if section not in dict(TEXT_SECTIONS.get(document, ())):
        raise ValueError(f"There is no section {section!r} in this document.")
    ReportText.objects.update_or_create(
        organisation=organisation,
        year=year,
        section=f"{document}:{section}",
        defaults={"text": text.strip(), "updated_by": user},
    )


@dataclass
class AnnualReport:
    organisation: Organisation
    start: datetime.date
    end: datetime.date
    tsm: Report
    performance: Report
    by_quarter: Report
    by_service_area: Report
    equality: EqualityReport
    assessment: SelfAssessment
    texts: list[dict[str, str]]
    # The report at a glance: charts with their figures beneath.
    charts: list[Chart] = field(default_factory=list)


def annual_report(
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    *,
    today: datetime.date | None = None,
) -> AnnualReport:
    loaded = load(organisation, start, end, today=today)
    tsm = tsm_report(organisation, start, end, loaded=loaded)
    performance = performance_report(organisation, start, end, loaded=loaded)
    charts = performance_charts(period_sources(loaded))
    return AnnualReport(
        organisation=organisation,
        start=start,
        end=end,
        tsm=tsm,
        performance=performance,
        by_quarter=performance_report(organisation, start, end, by=["quarter"], loaded=loaded),
        by_service_area=performance_report(
            organisation, start, end, by=["service_area"], loaded=loaded
        ),
        equality=equality_report(organisation, start, end, loaded=loaded),
        assessment=self_assessment(organisation, start, end, performance=performance, tsm=tsm),
        texts=texts(organisation, end.year, "annual"),
        charts=charts,
    )


@dataclass
class BoardPack:
    organisation: Organisation
    start: datetime.date
    end: datetime.date
    previous_start: datetime.date
    previous_end: datetime.date
    tsm: Report
    previous_tsm: Report
    performance: Report
    previous: Report
    by_service_area: Report
    texts: list[dict[str, str]]
    headline: list[dict[str, str]]
    # The changes of policy from the previous period's start to this one's end.
    policy_changes: list[str] = field(default_factory=list)
    by_month: Report | None = None
    # The pack at a glance: charts with their figures beneath.
    charts: list[Chart] = field(default_factory=list)


HEADLINE = (
    ("stage1.received", "performance"),
    ("ch01.stage1_per_1000", "tsm"),
    ("ch02.stage1", "tsm"),
    ("ch02.stage2", "tsm"),
    ("stage1.acknowledged_on_time_share", "performance"),
    ("stage1.median_working_days", "performance"),
    ("stage1.escalation_rate", "performance"),
    ("stage2.received", "performance"),
    ("stage1.open_now", "performance"),
    ("stage1.overdue_now", "performance"),
    ("stage2.overdue_now", "performance"),
    ("compensation.awarded_pence", "performance"),
    ("tp09.share", "performance"),
)


def previous_period(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The period of the same length just before: the previous quarter for a quarter."""
    if start.day == 1 and (end + datetime.timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        month = start.month - months
        year = start.year
        while month < 1:
            month += 12
            year -= 1
        return datetime.date(year, month, 1), start - datetime.timedelta(days=1)
    length = end - start
    return start - length - datetime.timedelta(days=1), start - datetime.timedelta(days=1)


def board_pack(
    organisation: Organisation,
    start: datetime.date,
    end: datetime.date,
    *,
    today: datetime.date | None = None,
) -> BoardPack:
    before_start, before_end = previous_period(start, end)
    loaded = load(organisation, start, end, today=today)
    earlier = load(organisation, before_start, before_end, today=today)
    tsm = tsm_report(organisation, start, end, loaded=loaded)
    previous_tsm = tsm_report(organisation, before_start, before_end, loaded=earlier)
    performance = performance_report(organisation, start, end, loaded=loaded)
    previous = performance_report(organisation, before_start, before_end, loaded=earlier)
    headline = []
    for key, source in HEADLINE:
        now_report, then_report = (
            (tsm, previous_tsm) if source == "tsm" else (performance, previous)
        )
        now = now_report.total.figures[key]
        then = then_report.total.figures[key]
        headline.append(
            {
                "label": now.label,
                "now": now.display(),
                "then": "" if key.endswith(("open_now", "overdue_now")) else then.display(),
                "change": _change(now.value, then.value, now.unit)
                if not key.endswith(("open_now", "overdue_now"))
                else "",
            }
        )
    pack = BoardPack(
        organisation=organisation,
        start=start,
        end=end,
        previous_start=before_start,
        previous_end=before_end,
        tsm=tsm,
        previous_tsm=previous_tsm,
        performance=performance,
        previous=previous,
        by_service_area=performance_report(
            organisation, start, end, by=["service_area"], loaded=loaded
        ),
        texts=texts(organisation, end.year, "board-pack"),
        headline=headline,
        policy_changes=policy_change_notes(
            organisation, loaded.organisations, before_start, end, spans="The two periods span"
        ),
        by_month=performance_report(organisation, start, end, by=["month"], loaded=loaded),
    )
    pack.charts = performance_charts(comparison_sources(pack))
    return pack


def _change(now: Any, then: Any, unit: str) -> str:
    if now is None or then is None:
        return ""
    delta = float(now) - float(then)
    if unit == "share":
        return f"{delta * 100:+.1f} points"
    if unit == "pence":
        return ("+" if delta >= 0 else "-") + display_value(abs(delta), "pence")
    if delta == int(delta):
        return f"{int(delta):+,}"
    return f"{delta:+,.1f}"
