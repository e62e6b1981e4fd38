"""Compare a policy pack with the statutory Code pack, promise by promise.

Each finding names the Code's provision (the ``source`` of the Code pack's own
rule), what the pack promises, what the Code requires, and whether the pack
falls short, does not say, meets or goes beyond it. The Code's numbers come from
the Code pack, not from this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .policy import (
    Anchor,
    Counting,
    ExclusionCategory,
    KindRule,
    Pack,
    Stage,
    Step,
)

#: Roughly how many calendar days a working day spans, to compare calendar promises.
CALENDAR_DAYS_PER_WORKING_DAY = 7 / 5


class Verdict(StrEnum):
    FALLS_SHORT = "falls_short"
    NOT_STATED = "not_stated"
    MEETS = "meets"
    GOES_BEYOND = "goes_beyond"


VERDICT_LABELS = {
    Verdict.FALLS_SHORT: "falls short",
    Verdict.NOT_STATED: "not stated",
    Verdict.MEETS: "meets",
    Verdict.GOES_BEYOND: "goes beyond",
}


@dataclass(frozen=True)
class Finding:
    topic: str
    verdict: Verdict
    code_source: str
    pack_source: str
    promise: str
    requirement: str

    def as_dict(self) -> dict[str, str]:
        return {
            "topic": self.topic,
            "verdict": self.verdict.value,
            "code_source": self.code_source,
            "pack_source": self.pack_source,
            "promise": self.promise,
            "requirement": self.requirement,
        }


def _working_equivalent(step: Step) -> float:
    if step.counts is Counting.WORKING:
        return float(step.days)
    return step.days / CALENDAR_DAYS_PER_WORKING_DAY


def _days(step: Step) -> str:
    unit = "working day" if step.counts is Counting.WORKING else "calendar day"
    return f"{step.days} {unit}{'' if step.days == 1 else 's'}"


def _anchor_words(anchor: Anchor, level: int = 1) -> str:
    if anchor is Anchor.STAGE_STARTED:
        return "receipt" if level <= 1 else "the escalation request"
    return {
        Anchor.RECEIVED: "receipt",
        Anchor.ACKNOWLEDGED: "acknowledgement",
        Anchor.INVESTIGATION_REQUESTED: "the investigation request",
        Anchor.INVESTIGATOR_REPLIED: "the investigator's reply",
        Anchor.RESPONDED: "the response",
        Anchor.INFORMATION_REQUESTED: "the information request",
    }[anchor]


def _step(stage: Stage | None, step_id: str) -> Step | None:
    if stage is None:
        return None
    return next((s for s in stage.steps if s.id == step_id), None)


def _stage_at(pack: Pack, level: int) -> Stage | None:
    return next((s for s in pack.stages if s.formal and s.level == level), None)


def _latest_response(stage: Stage) -> tuple[float, str, str]:
    """The longest time to a response across a stage's routes, in working days from the start."""
    options: list[tuple[float, str, str]] = []
    route_ids: list[str | None] = [None, *(r.id for r in stage.routes)]
    for route in route_ids:
        steps = {s.id: s for s in stage.steps_for(route)}
        respond = steps.get("respond")
        if respond is None:
            continue
        total = _working_equivalent(respond)
        wording = f"respond within {_days(respond)} of {_anchor_words(respond.start, stage.level)}"
        if respond.start is Anchor.ACKNOWLEDGED and "acknowledge" in steps:
            total += _working_equivalent(steps["acknowledge"])
        chosen = stage.route(route) if route else None
        label = chosen.label if chosen else stage.label
        options.append((total, f"{label}: {wording}", respond.source))
    if not options:
        return (float("inf"), f"{stage.label}: no response timescale", stage.source)
    return max(options, key=lambda o: o[0])


def _compare(value: float, limit: float) -> Verdict:
    if value > limit:
        return Verdict.FALLS_SHORT
    if value < limit:
        return Verdict.GOES_BEYOND
    return Verdict.MEETS


def check_against_code(pack: Pack, code: Pack) -> list[Finding]:
    """Every promise of ``pack`` set against the Code, with a verdict for each."""
    findings: list[Finding] = []
    findings += _stages(pack, code)
    for level in (1, 2):
        findings += _timescales(pack, code, level)
    findings += _escalation(pack, code)
    findings += _exclusions(pack, code)
    findings += _signposting(pack, code)
    findings += _governance(pack, code)
    return findings


def _stages(pack: Pack, code: Pack) -> list[Finding]:
    out = []
    code_formal = code.formal_stages()
    source = code.process_source
    formal = [s for s in pack.formal_stages() if s.level >= 1]
    levels = sorted({s.level for s in formal})
    verdict = (
        Verdict.FALLS_SHORT if len(levels) > len({s.level for s in code_formal}) else Verdict.MEETS
    )
    out.append(
        Finding(
            topic="Number of formal stages",
            verdict=verdict,
            code_source=source,
            pack_source=pack.process_source or ", ".join(s.source for s in formal if s.source),
            promise=f"{len(levels)} formal stage(s): " + ", ".join(s.label for s in formal),
            requirement="two stages: stage 1 and stage 2 (the final response)",
        )
    )
    # An informal stage falls short only where complaints or dissatisfactions begin there.
    for kind in ("complaint", "dissatisfaction"):
        rule: KindRule | None = pack.kind(kind)
        if rule is None or rule.starts_at is None:
            continue
        start = pack.stage(rule.starts_at)
        if start.formal and start.level >= 1:
            continue
        out.append(
            Finding(
                topic="Informal stage before stage 1",
                verdict=Verdict.FALLS_SHORT,
                code_source=source,
                pack_source=start.source,
                promise=f"'{rule.label}' cases start at '{start.label}', before stage 1",
                requirement="no extra stage before stage 1: a resident who expresses "
                "dissatisfaction and wants it looked into is taken to stage 1",
            )
        )
    return out


def _timescales(pack: Pack, code: Pack, level: int) -> list[Finding]:
    out: list[Finding] = []
    code_stage = _stage_at(code, level)
    stage = _stage_at(pack, level)
    if code_stage is None:
        return out
    name = f"Stage {level}"
    if stage is None:
        out.append(
            Finding(
                topic=f"{name}",
                verdict=Verdict.FALLS_SHORT,
                code_source=code_stage.source,
                pack_source="",
                promise="no such stage",
                requirement=f"a {name.lower()} of the complaints process",
            )
        )
        return out
    code_ack = _step(code_stage, "acknowledge")
    ack = _step(stage, "acknowledge")
    if code_ack is not None:
        if ack is None:
            out.append(
                Finding(
                    topic=f"{name} acknowledgement",
                    verdict=Verdict.NOT_STATED,
                    code_source=code_ack.source,
                    pack_source=stage.source,
                    promise="no acknowledgement timescale",
                    requirement=f"acknowledge within {_days(code_ack)}",
                )
            )
        else:
            out.append(
                Finding(
                    topic=f"{name} acknowledgement",
                    verdict=_compare(_working_equivalent(ack), _working_equivalent(code_ack)),
                    code_source=code_ack.source,
                    pack_source=ack.source,
                    promise=f"acknowledge within {_days(ack)} of {_anchor_words(ack.start, level)}",
                    requirement=f"acknowledge within {_days(code_ack)} of "
                    f"{_anchor_words(code_ack.start, level)}",
                )
            )
    code_total, code_words, code_source = _latest_response(code_stage)
    total, words, source = _latest_response(stage)
    out.append(
        Finding(
            topic=f"{name} response",
            verdict=_compare(total, code_total),
            code_source=code_source,
            pack_source=source,
            promise=f"{words} (at most about {total:g} working days from the start)",
            requirement=f"{code_words} (at most {code_total:g} working days from the start)",
        )
    )
    code_ext = code_stage.extension
    if code_ext is not None:
        caps = [(stage.extension, stage.label)] + [
            (r.extension, f"{stage.label}, {r.label}") for r in stage.routes if r.extension
        ]
        stated = [(ext, label) for ext, label in caps if ext is not None]
        if not stated:
            out.append(
                Finding(
                    topic=f"{name} extension",
                    verdict=Verdict.NOT_STATED,
                    code_source=code_ext.source,
                    pack_source=stage.source,
                    promise="no limit on extensions stated",
                    requirement=f"an extension of at most {code_ext.max_days} working days, "
                    "explained to the resident",
                )
            )
        for ext, label in stated:
            out.append(
                Finding(
                    topic=f"{name} extension",
                    verdict=Verdict.FALLS_SHORT
                    if ext.max_days > code_ext.max_days
                    else Verdict.MEETS,
                    code_source=code_ext.source,
                    pack_source=ext.source,
                    promise=f"{label}: extension of at most {ext.max_days} working days",
                    requirement=f"at most {code_ext.max_days} working days without good reason",
                )
            )
    return out


def _escalation(pack: Pack, code: Pack) -> list[Finding]:
    out: list[Finding] = []
    code_stage = _stage_at(code, 1)
    stage = _stage_at(pack, 1)
    code_rule = code_stage.escalation if code_stage else None
    rule = stage.escalation if stage else None
    if code_rule is None or stage is None:
        return out
    if rule is None:
        out.append(
            Finding(
                topic="Escalation to stage 2",
                verdict=Verdict.NOT_STATED,
                code_source=code_rule.source,
                pack_source=stage.source,
                promise="the policy does not say how to escalate",
                requirement="a resident not satisfied at stage 1 can ask for stage 2",
            )
        )
        return out
    if rule.reasons_required and not code_rule.reasons_required:
        out.append(
            Finding(
                topic="Reasons for escalation",
                verdict=Verdict.FALLS_SHORT,
                code_source=code_rule.source,
                pack_source=rule.source,
                promise="the resident must give reasons to escalate",
                requirement="residents must not be required to explain why they want stage 2",
            )
        )
    if code_rule.different_handler:
        stage2 = _stage_at(pack, 2)
        different = rule.different_handler or _someone_else_at_stage2(stage, stage2)
        out.append(
            Finding(
                topic="A different person at stage 2",
                verdict=Verdict.MEETS if different else Verdict.NOT_STATED,
                code_source=code_rule.source,
                pack_source=rule.source,
                promise="stage 2 is considered by someone else"
                if different
                else "the policy does not say that someone else considers stage 2",
                requirement="the person considering stage 2 is not the one who considered stage 1",
            )
        )
    if rule.window_days is not None and rule.on_lapse == "close":
        unit = "working" if rule.window_counts is Counting.WORKING else "calendar"
        out.append(
            Finding(
                topic="Time limit to escalate",
                verdict=Verdict.FALLS_SHORT if rule.late_requests == "refuse" else Verdict.MEETS,
                code_source=code_rule.source,
                pack_source=rule.source,
                promise=f"escalate within {rule.window_days} {unit} days, then the case closes"
                + (" and late requests are refused" if rule.late_requests == "refuse" else ""),
                requirement="a late request is considered on its merits, not refused outright",
            )
        )
    return out


def _someone_else_at_stage2(stage1: Stage, stage2: Stage | None) -> bool:
    """Whether the pack names a different decision-maker for stage 2 than for stage 1."""
    if stage2 is None:
        return False
    first = stage1.handled_by
    if stage2.routes:
        deciders = [r.decided_by for r in stage2.routes]
        return all(d is not None and d != first for d in deciders)
    return stage2.handled_by is not None and first is not None and stage2.handled_by != first


def _exclusions(pack: Pack, code: Pack) -> list[Finding]:
    out: list[Finding] = []
    code_limit = next(
        (e for e in code.exclusions if e.category is ExclusionCategory.TIME_LIMIT), None
    )
    if code_limit is None or code_limit.months is None:
        return out
    limits = [e for e in pack.exclusions if e.category is ExclusionCategory.TIME_LIMIT]
    if not limits:
        out.append(
            Finding(
                topic="Time limit for making a complaint",
                verdict=Verdict.NOT_STATED,
                code_source=code_limit.source,
                pack_source="",
                promise="no time limit stated",
                requirement=f"complaints accepted up to {code_limit.months} months after the issue",
            )
        )
    for limit in limits:
        months = limit.months or code_limit.months
        verdict = _compare(-months, -code_limit.months)
        exceptions = ", ".join(e.label.lower() for e in limit.exceptions)
        out.append(
            Finding(
                topic="Time limit for making a complaint",
                verdict=verdict,
                code_source=code_limit.source,
                pack_source=limit.source,
                promise=f"complaints older than {months} months are excluded"
                + (f" unless {exceptions}" if exceptions else ""),
                requirement=f"complaints accepted up to {code_limit.months} months after the issue "
                "or the resident becoming aware of it",
            )
        )
    return out


def _signposting(pack: Pack, code: Pack) -> list[Finding]:
    out: list[Finding] = []
    source = code.ombudsman.source
    if pack.ombudsman.designated_person:
        out.append(
            Finding(
                topic="Designated persons",
                verdict=Verdict.FALLS_SHORT,
                code_source=source,
                pack_source=pack.ombudsman.source,
                promise="the policy refers residents to a designated person before the Ombudsman",
                requirement="residents may go to the Ombudsman directly once the process ends; "
                "designated persons are no longer a step",
            )
        )
    if pack.ombudsman.eight_week_wait:
        out.append(
            Finding(
                topic="Eight-week wait",
                verdict=Verdict.FALLS_SHORT,
                code_source=source,
                pack_source=pack.ombudsman.source,
                promise="residents are told to wait eight weeks before going to the Ombudsman",
                requirement="no waiting period after the final response",
            )
        )
    out.append(
        Finding(
            topic="Signposting the Ombudsman",
            verdict=Verdict.MEETS if pack.ombudsman.signpost_every_stage else Verdict.NOT_STATED,
            code_source=source,
            pack_source=pack.ombudsman.source,
            promise="the Ombudsman is signposted at every stage"
            if pack.ombudsman.signpost_every_stage
            else "the policy does not signpost the Ombudsman at every stage",
            requirement="residents are told about the Ombudsman throughout the process",
        )
    )
    return out


def _governance(pack: Pack, code: Pack) -> list[Finding]:
    out: list[Finding] = []
    required = code.governance
    have = pack.governance
    topics = [
        ("member_responsible_for_complaints", "Member responsible for complaints"),
        ("annual_report", "Annual complaints performance and service improvement report"),
        ("self_assessment", "Self-assessment against the Code"),
        ("learning_published", "Learning from complaints published"),
    ]
    for attribute, topic in topics:
        if not getattr(required, attribute):
            continue
        stated = bool(getattr(have, attribute))
        out.append(
            Finding(
                topic=topic,
                verdict=Verdict.MEETS if stated else Verdict.NOT_STATED,
                code_source=required.source,
                pack_source=have.source,
                promise="stated in the policy" if stated else "not stated in the policy",
                requirement=topic.lower(),
            )
        )
    if have.board_reporting == "quarterly":
        out.append(
            Finding(
                topic="Reporting to the governing body",
                verdict=Verdict.GOES_BEYOND,
                code_source=required.source,
                pack_source=have.source,
                promise="complaints performance reported to the board quarterly",
                requirement="at least an annual report to the governing body",
            )
        )
    return out
