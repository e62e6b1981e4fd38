"""Compare a policy pack with the statutory Code pack, promise by promise.

Each finding names the Code's provision (the ``source`` of the Code pack's own rule, or
one of its ``[[provisions]]``), what the pack promises, what the Code requires, and
whether the pack falls short, does not say, meets or goes beyond it. The Code's rules come from
the Code pack, not from this module; where a finding is about one provision of the Code, it
cites that provision only if the Code pack lists it, and otherwise the Code rule's source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .policy import (
    Anchor,
    Counting,
    ExclusionCategory,
    Extension,
    Pack,
    RefusalGround,
    Stage,
    Step,
)

#: Roughly how many calendar days a working day spans, to compare calendar promises.
CALENDAR_DAYS_PER_WORKING_DAY = 7 / 5

#: Anchors whose date a handler controls and the Code's timescale does not wait for: a
#: period counted from one of them has no fixed end measured from the stage's start.
_OPEN_ANCHORS = frozenset(
    {
        Anchor.INVESTIGATION_REQUESTED,
        Anchor.INVESTIGATOR_REPLIED,
        Anchor.RESPONDED,
        Anchor.INFORMATION_REQUESTED,
    }
)


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

#: The verdicts that are gaps to address.
GAPS = frozenset({Verdict.FALLS_SHORT, Verdict.NOT_STATED})


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


def _cite(code: Pack, provision: str, fallback: str) -> str:
    """``Code N.N`` where the Code pack lists the provision(s) (``"8.1, 8.2"``), else the Code
    rule's own source."""
    wanted = [p.strip() for p in provision.split(",") if p.strip()]
    listed = {p.id for p in code.provisions}
    if wanted and all(p in listed for p in wanted):
        return "Code " + ", ".join(wanted)
    return fallback


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
        Anchor.INVESTIGATION_REQUESTED: "the request to the investigating team",
        Anchor.INVESTIGATOR_REPLIED: "the investigating team's reply",
        Anchor.RESPONDED: "the response",
        Anchor.INFORMATION_REQUESTED: "the request for information",
    }[anchor]


def _step(stage: Stage | None, step_id: str) -> Step | None:
    if stage is None:
        return None
    return next((s for s in stage.steps if s.id == step_id), None)


def _stage_at(pack: Pack, level: int) -> Stage | None:
    return next((s for s in pack.stages if s.formal and s.level == level), None)


def _is_formal(stage: Stage) -> bool:
    return stage.formal and stage.level >= 1


@dataclass(frozen=True)
class _Response:
    """The latest a stage's response can come, in working days from the start of the stage."""

    days: float  # inf when it has no fixed end
    words: str
    source: str
    open_anchor: bool = False
    counted_from_start: bool = False  # the promise itself counts from the stage's start
    approximate: bool = False  # calendar days converted to working days


def _latest_response(stage: Stage) -> _Response:
    """The slowest response across a stage's routes, in working days from the stage's start."""
    options: list[_Response] = []
    route_ids: list[str | None] = [None, *(r.id for r in stage.routes)]
    for route in route_ids:
        steps = {s.id: s for s in stage.steps_for(route)}
        respond = steps.get("respond")
        if respond is None:
            continue
        chosen = stage.route(route) if route else None
        label = chosen.label if chosen else stage.label
        wording = f"respond within {_days(respond)} of {_anchor_words(respond.start, stage.level)}"
        if respond.start in _OPEN_ANCHORS:
            options.append(
                _Response(
                    float("inf"),
                    f"{label}: {wording}, which has no fixed date, so the response has no "
                    "latest date counted from the start of the stage",
                    respond.source,
                    open_anchor=True,
                )
            )
            continue
        total = _working_equivalent(respond)
        approximate = respond.counts is Counting.CALENDAR
        if respond.start is Anchor.ACKNOWLEDGED:
            acknowledge = steps.get("acknowledge")
            if acknowledge is None:
                options.append(
                    _Response(
                        float("inf"),
                        f"{label}: {wording}, with no timescale for the acknowledgement",
                        respond.source,
                        open_anchor=True,
                    )
                )
                continue
            total += _working_equivalent(acknowledge)
            approximate = approximate or acknowledge.counts is Counting.CALENDAR
        options.append(
            _Response(
                total,
                f"{label}: {wording}",
                respond.source,
                counted_from_start=respond.start in (Anchor.STAGE_STARTED, Anchor.RECEIVED)
                and not approximate,
                approximate=approximate,
            )
        )
    if not options:
        return _Response(float("inf"), f"{stage.label}: no response timescale", stage.source)
    return max(options, key=lambda o: o.days)


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
    findings += _final_stage(pack, code)
    findings += _exclusions(pack, code)
    findings += _signposting(pack, code)
    findings += _governance(pack, code)
    return findings


# --- stages -------------------------------------------------------------------------------


def _chains(pack: Pack) -> list[list[Stage]]:
    """The formal stages a case passes through, from each stage a kind starts at, following
    each escalation until it ends or comes back to a stage already passed."""
    chains: list[list[Stage]] = []
    starts = []
    for kind in pack.kinds:
        if kind.starts_at and kind.starts_at not in starts:
            starts.append(kind.starts_at)
    for start in starts:
        seen: list[str] = []
        stage_id: str | None = start
        while stage_id is not None and stage_id not in seen:
            seen.append(stage_id)
            stage = pack.stage(stage_id)
            stage_id = stage.escalation.to if stage.escalation else None
        formal = [pack.stage(s) for s in seen if _is_formal(pack.stage(s))]
        if formal and formal not in chains:
            chains.append(formal)
    return chains


def _stages(pack: Pack, code: Pack) -> list[Finding]:
    out = []
    source = _cite(code, "5.3", code.process_source)
    code_depth = max((len(c) for c in _chains(code)), default=0)
    chains = _chains(pack)
    depth = max((len(c) for c in chains), default=0)
    paths = "; ".join(" → ".join(s.label for s in chain) for chain in chains)
    out.append(
        Finding(
            topic="Number of formal stages",
            verdict=Verdict.FALLS_SHORT if depth > code_depth else Verdict.MEETS,
            code_source=source,
            pack_source=pack.process_source
            or ", ".join(
                dict.fromkeys(
                    part.strip()
                    for s in pack.formal_stages()
                    for part in s.source.split(",")
                    if part.strip()
                )
            ),
            promise=f"a complaint passes through at most {depth} formal stage(s): {paths}"
            if chains
            else "no formal stage",
            requirement=f"never more than {code_depth} stages: stage 1 and stage 2 (the final "
            "response)",
        )
    )
    # A complaint or dissatisfaction that starts at an informal stage, or any case that starts
    # at an informal stage from which it can be escalated into the complaints process, is at
    # an informal complaint stage, whatever the policy calls it.
    informal_source = _cite(code, "5.2", code.process_source)
    for rule in pack.kinds:
        if rule.starts_at is None:
            continue
        start = pack.stage(rule.starts_at)
        if _is_formal(start):
            continue
        complaint_like = rule.kind.value in ("complaint", "dissatisfaction")
        if not complaint_like and start.escalation is None:
            continue
        out.append(
            Finding(
                topic="Informal stage before stage 1",
                verdict=Verdict.FALLS_SHORT,
                code_source=informal_source,
                pack_source=start.source,
                promise=f"'{rule.label}' cases start at '{start.label}', a stage before "
                "stage 1 with its own timescales" + (" and escalation" if start.escalation else ""),
                requirement="no extra named stage before stage 1 (no 'stage 0' or informal "
                "complaint stage): a resident who expresses dissatisfaction and wants it "
                "looked into is taken to stage 1",
            )
        )
    return out


# --- timescales ---------------------------------------------------------------------------


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
    out += _acknowledgement(stage, code_stage, name, level)
    out += _response(stage, code_stage, name)
    out += _extension(stage, code_stage, name, code)
    return out


def _acknowledgement(stage: Stage, code_stage: Stage, name: str, level: int) -> list[Finding]:
    code_ack = _step(code_stage, "acknowledge")
    ack = _step(stage, "acknowledge")
    if code_ack is None:
        return []
    requirement = f"acknowledge within {_days(code_ack)} of {_anchor_words(code_ack.start, level)}"
    if ack is None:
        return [
            Finding(
                topic=f"{name} acknowledgement",
                verdict=Verdict.NOT_STATED,
                code_source=code_ack.source,
                pack_source=stage.source,
                promise="no acknowledgement timescale",
                requirement=requirement,
            )
        ]
    promise = f"acknowledge within {_days(ack)} of {_anchor_words(ack.start, level)}"
    verdict = _compare(_working_equivalent(ack), _working_equivalent(code_ack))
    if ack.start in _OPEN_ANCHORS:
        verdict = Verdict.FALLS_SHORT
        promise += ", which has no fixed date"
    return [
        Finding(
            topic=f"{name} acknowledgement",
            verdict=verdict,
            code_source=code_ack.source,
            pack_source=ack.source,
            promise=promise,
            requirement=requirement,
        )
    ]


def _response(stage: Stage, code_stage: Stage, name: str) -> list[Finding]:
    code_latest = _latest_response(code_stage)
    latest = _latest_response(stage)
    if latest.open_anchor or latest.counted_from_start:
        promise = latest.words
    else:
        about = "about " if latest.approximate else ""
        promise = f"{latest.words} (at most {about}{latest.days:g} working days from the start)"
    return [
        Finding(
            topic=f"{name} response",
            verdict=_compare(latest.days, code_latest.days),
            code_source=code_latest.source,
            pack_source=latest.source,
            promise=promise,
            requirement=f"{code_latest.words} (at most {code_latest.days:g} working days from "
            "the start)",
        )
    ]


def _stage_extensions(stage: Stage) -> list[tuple[Extension, str]]:
    """Each extension a case at this stage may get, with where it applies."""
    out: list[tuple[Extension, str]] = []
    if stage.extension is not None:
        out.append((stage.extension, stage.label))
    for route in stage.routes:
        extension = route.extension or stage.extension
        if route.extension is not None and extension is not None:
            out.append((extension, f"{stage.label}, {route.label}"))
    return out


def _extendable(stage: Stage) -> bool:
    steps = list(stage.steps) + [s for r in stage.routes for s in r.steps]
    return any(s.extendable for s in steps)


#: The provisions that cap an extension, and that put the Ombudsman's details with one, at
#: each stage.
_EXTENSION_CAP = {1: "6.4", 2: "6.15"}
_OMBUDSMAN_WITH_EXTENSION = {1: "6.5", 2: "6.16"}


def _extension(stage: Stage, code_stage: Stage, name: str, code: Pack) -> list[Finding]:
    out: list[Finding] = []
    code_ext = code_stage.extension
    if code_ext is None or code_ext.max_days is None:
        return out
    requirement = (
        f"an extension of at most {code_ext.max_days} working days without good reason, "
        "the reasons clearly explained to the resident"
    )
    cap_source = _cite(code, _EXTENSION_CAP.get(stage.level, ""), code_ext.source)
    stated = _stage_extensions(stage)
    if not stated or not _extendable(stage):
        out.append(
            Finding(
                topic=f"{name} extension",
                verdict=Verdict.GOES_BEYOND,
                code_source=cap_source,
                pack_source=stage.source,
                promise="no extension: the response is never later than the stage's timescale",
                requirement=requirement,
            )
        )
        return out
    for ext, label in stated:
        if ext.max_days is None:
            verdict = Verdict.NOT_STATED
            promise = f"{label}: an extension with no limit stated"
        else:
            verdict = _compare(ext.max_days, code_ext.max_days)
            promise = f"{label}: an extension of at most {ext.max_days} working days"
        out.append(
            Finding(
                topic=f"{name} extension",
                verdict=verdict,
                code_source=cap_source,
                pack_source=ext.source,
                promise=promise,
                requirement=requirement,
            )
        )
    if code_ext.ombudsman_details:
        without = [label for ext, label in stated if not ext.ombudsman_details]
        out.append(
            Finding(
                topic="The Ombudsman's details with an extension",
                verdict=Verdict.NOT_STATED if without else Verdict.MEETS,
                code_source=_cite(
                    code, _OMBUDSMAN_WITH_EXTENSION.get(stage.level, ""), code_ext.source
                ),
                pack_source="; ".join(
                    dict.fromkeys(
                        e.source
                        for e, _ in stated
                        if e.source and (e.ombudsman_details is not bool(without))
                    )
                ),
                promise="not stated for: " + "; ".join(without)
                if without
                else f"{name}: the resident told of an extension is given the Ombudsman's details",
                requirement="a resident told of an extension is given the Ombudsman's contact "
                "details",
            )
        )
    return out


# --- escalation ---------------------------------------------------------------------------


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
                code_source=_cite(code, "6.10", code_rule.source),
                pack_source=stage.source,
                promise="the policy does not say how to escalate",
                requirement="a resident not satisfied at stage 1 can ask for stage 2",
            )
        )
        return out
    if not code_rule.reasons_required:
        out.append(
            Finding(
                topic="Reasons for escalation",
                verdict=Verdict.FALLS_SHORT if rule.reasons_required else Verdict.MEETS,
                code_source=_cite(code, "6.12", code_rule.source),
                pack_source=rule.source,
                promise="the resident must give reasons to escalate"
                if rule.reasons_required
                else "the resident need not give reasons to escalate",
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
                code_source=_cite(code, "6.13", code_rule.source),
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
                code_source=_cite(code, "5.11", code_rule.source),
                pack_source=rule.source,
                promise=f"escalate within {rule.window_days} {unit} days, then the case closes"
                + (" and late requests are refused" if rule.late_requests == "refuse" else ""),
                requirement="a late request is considered on its merits, not refused outright",
            )
        )
    out += _refusal_grounds(rule.refusal_grounds, code_rule.refusal_grounds)
    return out


def _refusal_grounds(
    grounds: Iterable[RefusalGround], code_grounds: Iterable[RefusalGround]
) -> list[Finding]:
    """Each ground for refusing an escalation is one of the policy's exclusions, or a gap the
    landlord must justify (the Code's grounds, and their provisions, come from its pack)."""
    allowed = [g for g in code_grounds if g.applies_exclusion]
    if not allowed:
        return []
    code_source = ", ".join(dict.fromkeys(g.source for g in allowed if g.source))
    requirement = (
        "an escalation is refused only for a valid reason set out in the policy's exclusions "
        "(such as a matter more than 12 months old, legal proceedings, or one already through "
        "the process), explained to the resident with their right to go to the Ombudsman"
    )
    out = []
    for ground in grounds:
        out.append(
            Finding(
                topic="Refusing to escalate",
                verdict=Verdict.MEETS if ground.applies_exclusion else Verdict.NOT_STATED,
                code_source=code_source,
                pack_source=ground.source,
                promise=f"refused when: {ground.label}"
                + (
                    ""
                    if ground.applies_exclusion
                    else " (not one of the policy's exclusions: the policy must show it is a "
                    "valid reason)"
                ),
                requirement=requirement,
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


def _final_stage(pack: Pack, code: Pack) -> list[Finding]:
    """Stage 2 is the landlord's final response: nothing formal comes after it."""
    code_stage = _stage_at(code, 2)
    stage = _stage_at(pack, 2)
    if code_stage is None or stage is None:
        return []
    onward = stage.escalation.to if stage.escalation else None
    further = onward is not None and _is_formal(pack.stage(onward))
    final = stage.final and not further
    if final:
        promise = f"'{stage.label}' is the final response; the Ombudsman comes next"
    elif further:
        promise = f"'{stage.label}' escalates to '{pack.stage(onward or '').label}'"
    else:
        promise = f"the policy does not say that '{stage.label}' is the final response"
    return [
        Finding(
            topic="Stage 2 is the final response",
            verdict=Verdict.MEETS
            if final
            else (Verdict.FALLS_SHORT if further else Verdict.NOT_STATED),
            code_source=_cite(code, "6.10", code_stage.source),
            pack_source=stage.source,
            promise=promise,
            requirement="stage 2 is the landlord's final response",
        )
    ]


# --- exclusions ---------------------------------------------------------------------------


def _exclusions(pack: Pack, code: Pack) -> list[Finding]:
    out: list[Finding] = []
    code_limit = next(
        (e for e in code.exclusions if e.category is ExclusionCategory.TIME_LIMIT), None
    )
    if code_limit is None or code_limit.months is None:
        return out
    requirement = (
        f"complaints accepted up to {code_limit.months} months after the issue or the resident "
        "becoming aware of it"
    )
    limits = [e for e in pack.exclusions if e.category is ExclusionCategory.TIME_LIMIT]
    if not limits:
        out.append(
            Finding(
                topic="Time limit for making a complaint",
                verdict=Verdict.GOES_BEYOND,
                code_source=code_limit.source,
                pack_source="",
                promise="no time limit: a complaint about an issue of any age is accepted",
                requirement=requirement,
            )
        )
    for limit in limits:
        months = limit.months or code_limit.months
        exceptions = ", ".join(e.label.lower() for e in limit.exceptions)
        out.append(
            Finding(
                topic="Time limit for making a complaint",
                verdict=_compare(-months, -code_limit.months),
                code_source=code_limit.source,
                pack_source=limit.source,
                promise=f"complaints older than {months} months are excluded"
                + (f" unless {exceptions}" if exceptions else ""),
                requirement=requirement,
            )
        )
    return out


# --- the Ombudsman ------------------------------------------------------------------------


def _signposting(pack: Pack, code: Pack) -> list[Finding]:
    out: list[Finding] = []
    source = _cite(code, "3.7", code.ombudsman.source)
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
            code_source=code.ombudsman.source,
            pack_source=pack.ombudsman.source,
            promise="the Ombudsman is signposted at every stage"
            if pack.ombudsman.signpost_every_stage
            else "the policy does not signpost the Ombudsman at every stage",
            requirement="residents are told about the Ombudsman throughout the process",
        )
    )
    return out


# --- governance ---------------------------------------------------------------------------

_BOARD_REPORTING_WORDS = {
    "none": "the policy does not say that complaints performance is reported to the board",
    "quarterly": "complaints performance reported to the board quarterly",
    "six_monthly": "complaints performance reported to the board every six months",
    "annual": "complaints performance reported to the board once a year",
    "frequency_not_stated": "complaints performance reported to the board; how often is not stated",
}


#: Each governance commitment the Code sets: its provisions, what a policy that states it
#: promises, and what the Code requires.
_GOVERNANCE = (
    (
        "member_responsible_for_complaints",
        "Member responsible for complaints",
        "9.5",
        "a member of the governing body has lead responsibility for complaints",
        "a member of the governing body is appointed with lead responsibility for complaints",
    ),
    (
        "annual_report",
        "Annual complaints performance and service improvement report",
        "8.1, 8.2",
        "there is an annual complaints performance and service improvement report",
        "an annual complaints performance and service improvement report, to the governing "
        "body and published",
    ),
    (
        "self_assessment",
        "Self-assessment against the Code",
        "8.1, 8.3",
        "there is a self-assessment against the Code",
        "a self-assessment against the Code each year and after significant change",
    ),
    (
        "learning_published",
        "Learning from complaints published",
        "9.3",
        "learning from complaints is reported back to residents",
        "wider learning and improvements from complaints are reported back to residents and "
        "other stakeholders",
    ),
)


def _governance(pack: Pack, code: Pack) -> list[Finding]:
    out: list[Finding] = []
    required = code.governance
    have = pack.governance
    for attribute, topic, provisions, stated_words, requirement in _GOVERNANCE:
        if not getattr(required, attribute):
            continue
        stated = bool(getattr(have, attribute))
        out.append(
            Finding(
                topic=topic,
                verdict=Verdict.MEETS if stated else Verdict.NOT_STATED,
                code_source=_cite(code, provisions, required.source),
                pack_source=have.source,
                promise=stated_words if stated else f"the policy does not say that {stated_words}",
                requirement=requirement,
            )
        )
    if required.board_reporting != "none":
        verdict = {
            "quarterly": Verdict.GOES_BEYOND,
            "six_monthly": Verdict.GOES_BEYOND,
            "annual": Verdict.MEETS,
        }.get(have.board_reporting, Verdict.NOT_STATED)
        if required.board_reporting == have.board_reporting:
            verdict = Verdict.MEETS
        out.append(
            Finding(
                topic="Reporting to the governing body",
                verdict=verdict,
                code_source=_cite(code, "9.7", required.source),
                pack_source=have.source,
                promise=_BOARD_REPORTING_WORDS[have.board_reporting],
                requirement="the governing body receives regular updates on complaints, and "
                "at least the annual complaints performance report",
            )
        )
    return out
