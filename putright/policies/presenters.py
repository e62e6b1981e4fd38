"""Plain-text and JSON views of packs, deadlines and findings, for the console and the API."""

from __future__ import annotations

import textwrap
from typing import Any

from putright.domain.calendar import describe
from putright.domain.compensation import pounds
from putright.domain.compliance import GAPS, VERDICT_LABELS, Finding, Verdict
from putright.domain.deadlines import Deadline
from putright.domain.policy import (
    Anchor,
    Counting,
    Extension,
    OmbudsmanRoute,
    Pack,
    Stage,
    Step,
)

ANCHOR_WORDS = {
    Anchor.RECEIVED: "receipt",
    Anchor.STAGE_STARTED: "the start of the stage",
    Anchor.ACKNOWLEDGED: "the acknowledgement",
    Anchor.INVESTIGATION_REQUESTED: "the request to the investigating team",
    Anchor.INVESTIGATOR_REPLIED: "the investigating team's reply",
    Anchor.RESPONDED: "the response",
    Anchor.INFORMATION_REQUESTED: "the request for information",
}


def step_timescale(step: Step, *, stage_level: int = 1) -> str:
    """``10 working days from the acknowledgement``."""
    unit = "working day" if step.counts is Counting.WORKING else "calendar day"
    unit += "" if step.days == 1 else "s"
    anchor = ANCHOR_WORDS[step.start]
    if step.start is Anchor.STAGE_STARTED:
        anchor = "receipt" if stage_level <= 1 else "the escalation request"
    return f"{step.days} {unit} from {anchor}"


def pack_summary(pack: Pack) -> dict[str, Any]:
    """The short description used by ``policy list`` and the API."""
    return {
        "id": pack.id,
        "version": pack.version,
        "title": pack.title,
        "landlord": pack.landlord,
        "stages": [s.id for s in pack.stages],
        "kinds": [k.kind.value for k in pack.kinds],
    }


def pack_outline(pack: Pack) -> list[str]:
    """A readable outline of a pack: kinds, stages, routes, timescales, exclusions."""
    lines = [f"{pack.title} ({pack.id}, version {pack.version})"]
    if pack.landlord:
        lines.append(f"Landlord: {pack.landlord}")
    lines.append(f"Source: {pack.source}")
    if pack.summary:
        lines.append(pack.summary)
    lines.append("")
    lines.append("Case kinds:")
    for kind in pack.kinds:
        where = f"starts at {pack.stage(kind.starts_at).label}" if kind.starts_at else "no stages"
        extra = f"; redirected to {kind.redirect_to}" if kind.redirect_to else ""
        no_response = "" if kind.respond else "; no response sent"
        lines.append(
            f"  - {kind.label} ({kind.kind.value}): {where}{no_response}{extra}  [{kind.source}]"
        )
    for stage in pack.stages:
        lines.append("")
        formal = "formal" if stage.formal else "informal"
        final = ", final response" if stage.final else ""
        lines.append(f"{stage.label} ({stage.id}, {formal}{final})  [{stage.source}]")
        if stage.handled_by:
            lines.append(f"  Handled by: {pack.role_title(stage.handled_by)}")
        for step in stage.steps:
            lines.extend(_step_lines(pack, step, stage.level, indent="  "))
        if stage.extension:
            lines.append(f"  {_extension_line(pack, stage, stage.extension)}")
        for route in stage.routes:
            lines.append(f"  Route: {route.label} ({route.id})  [{route.source}]")
            conditions = []
            if route.when.previous_outcomes:
                conditions.append(
                    "previous outcome "
                    + " or ".join(o.value.replace("_", " ") for o in route.when.previous_outcomes)
                )
            if route.when.about:
                conditions.append("about " + " or ".join(route.when.about))
            if conditions:
                lines.append("    Only when: " + "; ".join(conditions))
            if route.decided_by:
                lines.append(f"    Decided by: {pack.role_title(route.decided_by)}")
            for step in route.steps:
                lines.extend(_step_lines(pack, step, stage.level, indent="    "))
            if route.extension:
                lines.append(f"    {_extension_line(pack, stage, route.extension)}")
        if stage.escalation:
            esc = stage.escalation
            target = pack.stage(esc.to).label
            window = "no time limit stated"
            if esc.window_days is not None:
                unit = "working" if esc.window_counts is Counting.WORKING else "calendar"
                window = f"within {esc.window_days} {unit} days of {ANCHOR_WORDS[esc.window_start]}"
            lapse = "; the case closes when the window lapses" if esc.on_lapse == "close" else ""
            reasons = "; reasons required" if esc.reasons_required else ""
            lines.append(f"  Escalation to {target}: {window}{lapse}{reasons}  [{esc.source}]")
    if pack.exclusions:
        lines.append("")
        lines.append("Exclusions:")
        for exclusion in pack.exclusions:
            unless = ", ".join(e.label for e in exclusion.exceptions)
            lines.append(
                f"  - {exclusion.label}"
                + (f" (unless: {unless})" if unless else "")
                + f"  [{exclusion.source}]"
            )
    if pack.closure:
        lines.append("")
        lines.append("Closure:")
        for rule in pack.closure:
            unit = "working" if rule.counts is Counting.WORKING else "calendar"
            lines.append(
                f"  - {rule.reason.value.replace('_', ' ')} after {rule.days} {unit} days "
                f"from {ANCHOR_WORDS[rule.start]}  [{rule.source}]"
            )
    if pack.compensation:
        comp = pack.compensation
        lines.append("")
        lines.append("Compensation:")
        for auth in comp.authority:
            limit = "no limit" if auth.up_to_pence is None else f"up to {pounds(auth.up_to_pence)}"
            approval = (
                f", approved by {pack.role_title(auth.approval_by)}" if auth.approval_by else ""
            )
            lines.append(
                f"  - {pack.role_title(auth.role)} at {auth.stage.replace('_', ' ')}: {limit}{approval}"
            )
        for band in comp.bands:
            top = pounds(band.max_pence) if band.max_pence is not None else "and over"
            lines.append(f"  - {band.label}: {pounds(band.min_pence)} to {top}")
    if pack.anonymous:
        anonymous = pack.anonymous
        treated = "not accepted"
        if anonymous.accepted:
            treated = (
                "accepted and answered"
                if anonymous.respond
                else "accepted, investigated without a formal response"
            )
        lines.append("")
        lines.append(f"Anonymous complaints: {treated}  [{anonymous.source}]")
    lines.append("")
    lines.append(f"Ombudsman: {_route_words(pack.ombudsman.route)}")
    for routed in pack.ombudsman.rules:
        conditions = []
        if routed.tenures:
            conditions.append(
                "the customer is a " + " or ".join(t.replace("_", " ") for t in routed.tenures)
            )
        if routed.service_areas:
            conditions.append("the service area is " + " or ".join(routed.service_areas))
        if routed.categories:
            conditions.append("the category is " + " or ".join(routed.categories))
        lines.append(
            f"  - {_route_words(routed.route)} when {' and '.join(conditions)}  [{routed.source}]"
        )
    if pack.not_expressible:
        lines.append("")
        lines.append("Not expressible in the pack (kept by hand):")
        for item in pack.not_expressible:
            lines.append(f"  - {item.clause}: {item.text}")
    return lines


def _route_words(route: OmbudsmanRoute) -> str:
    return {
        OmbudsmanRoute.HOUSING_OMBUDSMAN: "Housing Ombudsman",
        OmbudsmanRoute.LGSCO: "Local Government and Social Care Ombudsman",
        OmbudsmanRoute.TRIBUNAL: "First-tier Tribunal (Property Chamber)",
    }[route]


def _extension_line(pack: Pack, stage: Stage, ext: Extension) -> str:
    """``Extension: at most 10 working days (Panel member availability, or any other reason)``."""
    cap = f"at most {ext.max_days} working days" if ext.max_days is not None else "no limit stated"
    labels = {r.id: r.label for r in ext.reasons}
    reasons = ", ".join(labels.values())
    if not reasons:
        reasons = "any reason"
    elif ext.other_reasons:
        reasons += ", or any other reason"
    extra = ""
    if ext.customer_agreement:
        needed = " or ".join(labels.get(r, r) for r in ext.agreement_for)
        extra += "; the customer's agreement is needed" + (f" when: {needed}" if needed else "")
    if ext.on_refusal_offer_route:
        offered = stage.route(ext.on_refusal_offer_route)
        extra += (
            f"; if they refuse, offer {offered.label if offered else ext.on_refusal_offer_route}"
        )
    if ext.ombudsman_details:
        extra += "; with the Ombudsman's details"
    return f"Extension: {cap} ({reasons}){extra}  [{ext.source}]"


def _step_lines(pack: Pack, step: Step, level: int, *, indent: str) -> list[str]:
    who = f" ({pack.role_title(step.owner)})" if step.owner else ""
    internal = " internal;" if step.audience.value == "internal" else ""
    lines = [
        f"{indent}- {step.label}:{internal} {step_timescale(step, stage_level=level)}{who}  [{step.source}]"
    ]
    for rung in step.ladder:
        roles = ", ".join(pack.role_title(r) for r in rung.roles)
        lines.append(
            f"{indent}    day {rung.day}: {rung.action.value.replace('_', ' ')}"
            + (f" ({roles})" if roles else "")
            + (f": {rung.note}" if rung.note else "")
        )
    if step.breach_alert:
        lines.append(
            f"{indent}    if missed, alert: {', '.join(pack.role_title(r) for r in step.breach_alert)}"
        )
    return lines


def deadline_dict(deadline: Deadline) -> dict[str, Any]:
    """A deadline as JSON: stage, step, due, state and the explanation (text and parts)."""
    exp = deadline.explanation
    return {
        "stage": deadline.stage,
        "stage_label": deadline.stage_label,
        "route": deadline.route,
        "step": deadline.step,
        "label": deadline.label,
        "due": deadline.due.isoformat(),
        "state": deadline.state.value,
        "audience": deadline.audience.value,
        "owner": deadline.owner,
        "completed_on": deadline.completed_on.isoformat() if deadline.completed_on else None,
        "explanation": exp.text(),
        "rule": exp.rule,
        "source": exp.source,
        "start": exp.start.isoformat(),
        "start_reason": exp.start_reason,
        "projected": exp.projected,
        "skipped": [{"date": d.isoformat(), "reason": why} for d, why in exp.skipped],
    }


def deadline_line(deadline: Deadline) -> str:
    route = f" / {deadline.route}" if deadline.route else ""
    return f"{deadline.stage_label}{route}: {deadline.label}: {describe(deadline.due)} [{deadline.state.value}]"


#: The groups of a board report, in the order a reader needs them.
REPORT_GROUPS: tuple[tuple[Verdict, str], ...] = (
    (Verdict.FALLS_SHORT, "Falls below the Code (a gap to address)"),
    (Verdict.NOT_STATED, "Not stated in the policy (a gap to address)"),
    (Verdict.GOES_BEYOND, "Goes beyond the Code"),
    (Verdict.MEETS, "Meets the Code"),
)


def _wrapped(text: str, indent: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent) or [
        indent
    ]


def _numbered(number: int, text: str, width: int) -> list[str]:
    return textwrap.wrap(
        text, width=width, initial_indent=f"  {number}. ", subsequent_indent="     "
    )


def check_summary(findings: list[Finding], pack: Pack) -> dict[str, int]:
    """How many findings of each verdict, the gaps among them, and what the pack cannot hold."""
    counts = {verdict.value: 0 for verdict in Verdict}
    for finding in findings:
        counts[finding.verdict.value] += 1
    counts["gaps"] = sum(f.verdict in GAPS for f in findings)
    counts["not_expressible"] = len(pack.not_expressible)
    return counts


def check_report(pack: Pack, code: Pack, findings: list[Finding], *, width: int = 100) -> list[str]:
    """The comparison with the Code as a complaints manager would put it to their board:
    grouped by verdict, each line citing the Code's provision and the policy's clause."""
    counts = check_summary(findings, pack)
    lines = [pack.title]
    if pack.landlord:
        lines.append(pack.landlord)
    lines.append(f"Checked against the {code.title}")
    lines.append("")
    summary = (
        f"In short: {counts['gaps']} gap(s) to address ({counts['falls_short']} below the Code, "
        f"{counts['not_stated']} not stated in the policy), {counts['goes_beyond']} promise(s) "
        f"beyond the Code, {counts['meets']} that meet it"
    )
    if pack.not_expressible:
        summary += (
            f", and {len(pack.not_expressible)} rule(s) of the policy PutRight cannot hold, "
            "listed at the end"
        )
    lines += _wrapped(summary + ".", "", width)
    for verdict, heading in REPORT_GROUPS:
        group = [f for f in findings if f.verdict is verdict]
        if not group:
            continue
        lines += ["", f"{heading}: {len(group)}"]
        for number, finding in enumerate(group, start=1):
            cited = finding.code_source or "the Code"
            clause = (
                f"policy {finding.pack_source}" if finding.pack_source else "policy: not stated"
            )
            lines += _numbered(number, f"{finding.topic} ({cited}; {clause})", width)
            lines += _wrapped(f"The policy: {_sentence(finding.promise)}", "     ", width)
            lines += _wrapped(f"The Code: {_sentence(finding.requirement)}", "     ", width)
    if pack.not_expressible:
        lines += [
            "",
            f"Not expressible in the pack (kept by hand, outside PutRight's rules): "
            f"{len(pack.not_expressible)}",
        ]
        for number, item in enumerate(pack.not_expressible, start=1):
            lines += _numbered(number, f"Policy {item.clause}: {_sentence(item.text)}", width)
            lines += _wrapped(f"Why: {_sentence(item.reason)}", "     ", width)
    lines += [
        "",
        f"{counts['gaps']} gap(s) to address, {counts['goes_beyond']} promise(s) beyond the Code.",
    ]
    return lines


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def finding_row(finding: Finding) -> list[str]:
    return [
        finding.topic,
        VERDICT_LABELS[finding.verdict],
        finding.promise,
        finding.requirement,
        finding.code_source,
        finding.pack_source,
    ]
