"""The Code's floor: the Complaint Handling Code's minimum, applied where a policy is weaker.

A landlord whose policy falls below the Housing Ombudsman's Code is still bound by the
Code. For each rule below an organisation chooses whether PutRight applies the Code's
minimum on top of its pack (by default it does). The minimum is read from the Code's own
pack, never written here: the time limit from its time-limit exclusion, the extension caps
from its stages, and so on. A floor never creates a permission the policy withholds: a
policy that offers no extension still offers none; one with no time limit keeps none.

``apply_floor`` returns the pack as PutRight applies it, and a note for each place the
Code's minimum replaced the policy's own rule, in words a handler can read ("the policy
allows 6 months; the Code 2.3 requires 12: applying the Code"). The stage timescales are
applied by the deadline engine (``derive_deadlines(..., floor=code_pack)``), which compares
each due date under the policy with the Code's and keeps the earlier.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .policy import ExclusionCategory, Extension, Pack, Stage


@dataclass(frozen=True)
class FloorRule:
    """One of the Code's minimums an organisation may apply on top of its policy."""

    id: str
    provisions: str
    title: str


FLOOR_RULES: tuple[FloorRule, ...] = (
    FloorRule(
        "time_limit",
        "Code 2.3",
        "Accept complaints made up to 12 months after the issue, or after the resident "
        "became aware of it",
    ),
    FloorRule("escalation_reasons", "Code 6.12", "Never require reasons to escalate"),
    FloorRule(
        "timescales",
        "Code 6.2, 6.3, 6.11, 6.14",
        "Acknowledge and respond at each stage within the Code's timescales",
    ),
    FloorRule("extension_caps", "Code 6.4, 6.15", "Keep extensions within the Code's caps"),
    FloorRule("different_handler", "Code 6.13", "A different person answers stage 2"),
    FloorRule(
        "ombudsman_details",
        "Code 6.5, 6.16, 6.19",
        "Give the Ombudsman's details with any extension and at every stage",
    ),
)
FLOOR_RULE_IDS: frozenset[str] = frozenset(rule.id for rule in FLOOR_RULES)


@dataclass(frozen=True)
class FloorNote:
    """Where the Code's minimum replaced the policy's rule, and why."""

    rule: str  # a FLOOR_RULES id
    where: str  # the part of the pack: "exclusions.<id>", "stages.<id>.escalation" ...
    text: str  # plain words: what the policy says, what the Code requires, which applies


@dataclass(frozen=True)
class Floored:
    """A pack as PutRight applies it for one organisation."""

    pack: Pack
    code: Pack | None  # the Code's pack when its timescales apply, for the deadline engine
    notes: tuple[FloorNote, ...] = ()

    def notes_by_place(self) -> dict[str, list[str]]:
        """Every note, by the part of the pack it is about."""
        out: dict[str, list[str]] = {}
        for note in self.notes:
            out.setdefault(note.where, []).append(note.text)
        return out

    def notes_for(self, where: str) -> list[str]:
        """The notes about one part of the pack (``where`` or anything inside it)."""
        return [n.text for n in self.notes if n.where == where or n.where.startswith(f"{where}.")]


def _code_stage(code: Pack, level: int) -> Stage | None:
    return next((s for s in code.formal_stages() if s.level == level), None)


def cite(rule: str, level: int = 1) -> str:
    """The Code's provision for a floor rule (at stage ``level`` where it differs)."""
    provisions = next(r.provisions for r in FLOOR_RULES if r.id == rule)
    if rule == "extension_caps":
        return {1: "Code 6.4", 2: "Code 6.15"}[level]
    return provisions.split(",")[0]


def _time_limit(pack: Pack, code: Pack, notes: list[FloorNote]) -> Pack:
    minimum = next(
        (
            e
            for e in code.exclusions
            if e.category is ExclusionCategory.TIME_LIMIT and e.months is not None
        ),
        None,
    )
    if minimum is None or minimum.months is None:
        return pack
    changed = []
    for exclusion in pack.exclusions:
        months = exclusion.months
        if (
            exclusion.category is ExclusionCategory.TIME_LIMIT
            and months
            and months < minimum.months
        ):
            notes.append(
                FloorNote(
                    "time_limit",
                    f"exclusions.{exclusion.id}",
                    f"The policy allows {months} months; {cite('time_limit')} "
                    f"requires {minimum.months}: applying the Code.",
                )
            )
            exclusion = exclusion.model_copy(update={"months": minimum.months})
        changed.append(exclusion)
    return pack.model_copy(update={"exclusions": tuple(changed)})


def _capped(
    extension: Extension | None,
    cap: Extension | None,
    where: str,
    level: int,
    notes: list[FloorNote],
) -> Extension | None:
    if extension is None or cap is None or cap.max_days is None:
        return extension
    if extension.max_days is not None and extension.max_days <= cap.max_days:
        return extension
    allows = (
        f"up to {extension.max_days} working days"
        if extension.max_days is not None
        else "with no limit stated"
    )
    notes.append(
        FloorNote(
            "extension_caps",
            where,
            f"The policy allows an extension {allows}; "
            f"{cite('extension_caps', level)} allows at most {cap.max_days}: applying the Code.",
        )
    )
    return extension.model_copy(update={"max_days": cap.max_days})


def _stage(
    stage: Stage, pack: Pack, code: Pack, rules: frozenset[str], notes: list[FloorNote]
) -> Stage:
    where = f"stages.{stage.id}"
    update: dict[str, object] = {}
    if "extension_caps" in rules and stage.formal and stage.level in (1, 2):
        code_stage = _code_stage(code, stage.level)
        cap = code_stage.extension if code_stage else None
        extension = _capped(stage.extension, cap, f"{where}.extension", stage.level, notes)
        if extension is not stage.extension:
            update["extension"] = extension
        routes = []
        for route in stage.routes:
            capped = _capped(
                route.extension, cap, f"{where}.routes.{route.id}.extension", stage.level, notes
            )
            routes.append(
                route
                if capped is route.extension
                else route.model_copy(update={"extension": capped})
            )
        if any(r is not o for r, o in zip(routes, stage.routes, strict=True)):
            update["routes"] = tuple(routes)
    escalation = stage.escalation
    code_stage_1 = _code_stage(code, 1)
    code_escalation = code_stage_1.escalation if code_stage_1 else None
    if escalation is not None and code_escalation is not None and stage.formal:
        target = pack.stage(escalation.to)
        into_stage_2 = target.formal and target.level == 2
        changes: dict[str, object] = {}
        if (
            "escalation_reasons" in rules
            and escalation.reasons_required
            and not code_escalation.reasons_required
        ):
            changes["reasons_required"] = False
            notes.append(
                FloorNote(
                    "escalation_reasons",
                    f"{where}.escalation",
                    f"The policy asks for reasons to escalate; {cite('escalation_reasons')} says a "
                    "resident must not be required to explain why: applying the Code.",
                )
            )
        if (
            "different_handler" in rules
            and into_stage_2
            and not escalation.different_handler
            and code_escalation.different_handler
        ):
            changes["different_handler"] = True
            notes.append(
                FloorNote(
                    "different_handler",
                    f"{where}.escalation",
                    f"The policy does not say who answers {target.label}; {cite('different_handler')} "
                    "requires someone other than the person who answered the stage before: "
                    "applying the Code.",
                )
            )
        if changes:
            update["escalation"] = escalation.model_copy(update=changes)
    return stage.model_copy(update=update) if update else stage


def apply_floor(pack: Pack, code: Pack, rules: Iterable[str] = FLOOR_RULE_IDS) -> Floored:
    """The pack with the Code's minimum applied for each of ``rules``, and why."""
    active = frozenset(rules) & FLOOR_RULE_IDS
    if pack.id == code.id or not active:
        return Floored(pack, None, ())
    notes: list[FloorNote] = []
    floored = pack
    if "time_limit" in active:
        floored = _time_limit(floored, code, notes)
    stages = tuple(_stage(s, floored, code, active, notes) for s in floored.stages)
    if any(s is not o for s, o in zip(stages, floored.stages, strict=True)):
        floored = floored.model_copy(update={"stages": stages})
    if (
        "ombudsman_details" in active
        and code.ombudsman.signpost_every_stage
        and not floored.ombudsman.signpost_every_stage
    ):
        notes.append(
            FloorNote(
                "ombudsman_details",
                "ombudsman",
                "The policy does not give the Ombudsman's details at every stage; "
                f"{cite('ombudsman_details')} requires them: applying the Code.",
            )
        )
        floored = floored.model_copy(
            update={
                "ombudsman": floored.ombudsman.model_copy(update={"signpost_every_stage": True})
            }
        )
    return Floored(floored, code if "timescales" in active else None, tuple(notes))
