"""The statutory timescales the measures are judged against, read from the Code pack.

No number of days is written here: acknowledgement, response and extension limits come
from the ``hos-code-2024`` pack (``[[stages]]`` of level 1 and 2), so a revised Code is a
new pack, not a code change. Which stage of *any* pack is "stage 1" or "stage 2" comes
from that pack's own ``level`` and ``formal`` fields.

``policy_rule`` reads the same from a landlord's own pack: the timescale of the response
at a stage (and route) as the policy states it, for the figure shown beside the Code's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from putright.domain.policy import Anchor, Audience, Completion, Counting, Pack, Stage, Step


class TimescaleError(ValueError):
    """The Code pack does not say what the measures need."""


@dataclass(frozen=True)
class ResponseRule:
    """When a stage's response is due: ``days`` counted from ``start``, moved by extensions.

    ``start`` is the stage start, the receipt or the acknowledgement. A response counted from
    the acknowledgement where none was made before the response is counted from the day the
    acknowledgement was due (``acknowledge_days`` from ``acknowledge_start``), as the deadline
    engine projects a step that has not happened. ``extension_max_days`` caps how much of a
    recorded extension counts (None: all of it, the policy's own cap being enforced when the
    extension is recorded).
    """

    days: int
    counts: Counting
    start: Anchor
    extendable: bool
    extension_max_days: int | None
    acknowledge_days: int | None = None  # None: the stage has no acknowledgement step
    acknowledge_counts: Counting = Counting.WORKING
    acknowledge_start: Anchor = Anchor.STAGE_STARTED
    source: str = ""


#: The facts a response may count from that the reports read (see ``runs``).
READ_ANCHORS = (Anchor.RECEIVED, Anchor.STAGE_STARTED, Anchor.ACKNOWLEDGED)


@dataclass(frozen=True)
class StageTimescale:
    """One formal stage of the Code: acknowledge within N working days of the stage starting,
    respond within M working days of ``respond_start`` (the acknowledgement), extension up to
    K more."""

    level: int
    label: str
    acknowledge_days: int
    response_days: int  # counted from ``respond_start``
    respond_start: Anchor
    # Working days from the stage start to the last day for a response when the
    # acknowledgement is made on its last day, or not at all (acknowledgement + response
    # where the response counts from it): the longest the Code allows without an extension.
    respond_days: int
    extension_max_days: int
    acknowledge_source: str
    respond_source: str
    extension_source: str

    @property
    def rule(self) -> ResponseRule:
        return ResponseRule(
            days=self.response_days,
            counts=Counting.WORKING,
            start=self.respond_start,
            extendable=self.extension_max_days > 0,
            extension_max_days=self.extension_max_days,
            acknowledge_days=self.acknowledge_days,
            source=self.respond_source,
        )

    def describe(self) -> str:
        anchor = _ANCHOR_WORDS[self.respond_start][self.level == 1]
        text = (
            f"{self.label}: answered within {self.response_days} working days of {anchor} "
            f"({self.respond_source})"
        )
        if self.extension_max_days:
            text += (
                f", or within an extension of up to {self.extension_max_days} more working days "
                f"({self.extension_source})"
            )
        return text


#: How the Code's anchor reads at (stage 2, stage 1).
_ANCHOR_WORDS = {
    Anchor.ACKNOWLEDGED: ("the escalation being acknowledged", "the acknowledgement"),
    Anchor.STAGE_STARTED: ("the escalation request", "receipt"),
    Anchor.RECEIVED: ("receipt", "receipt"),
}


def _step(stage: Stage, step_id: str) -> Step | None:
    return next((s for s in stage.steps if s.id == step_id), None)


def _step_days(stage: Stage, step_id: str) -> tuple[int, Anchor, str] | None:
    step = _step(stage, step_id)
    if step is None:
        return None
    if step.counts is not Counting.WORKING:
        raise TimescaleError(f"{stage.label}: step {step_id!r} is not counted in working days")
    return step.days, step.start, step.source


def code_timescales(code: Pack) -> dict[int, StageTimescale]:
    """The Code's stage 1 and stage 2 timescales, by stage level."""
    out: dict[int, StageTimescale] = {}
    for stage in code.stages:
        if not stage.formal or stage.level not in (1, 2):
            continue
        ack = _step_days(stage, "acknowledge")
        respond = _step_days(stage, "respond")
        if respond is None:
            raise TimescaleError(f"{code.id}: {stage.label} has no respond step")
        respond_days, anchor, respond_source = respond
        if anchor not in READ_ANCHORS or (anchor is Anchor.ACKNOWLEDGED and ack is None):
            raise TimescaleError(f"{code.id}: {stage.label} respond step counts from {anchor}")
        if ack is not None and ack[1] is not Anchor.STAGE_STARTED:
            raise TimescaleError(f"{code.id}: {stage.label} acknowledge step counts from {ack[1]}")
        extension = stage.extension
        out[stage.level] = StageTimescale(
            level=stage.level,
            label=stage.label,
            acknowledge_days=ack[0] if ack else 0,
            response_days=respond_days,
            respond_start=anchor,
            respond_days=respond_days + (ack[0] if ack and anchor is Anchor.ACKNOWLEDGED else 0),
            extension_max_days=(extension.max_days or 0) if extension else 0,
            acknowledge_source=ack[2] if ack else "",
            respond_source=respond_source,
            extension_source=extension.source if extension else "",
        )
    for level in (1, 2):
        if level not in out:
            raise TimescaleError(f"{code.id} has no formal stage at level {level}")
    return out


def policy_rule(pack: Pack, stage_id: str, route: str | None) -> ResponseRule | None:
    """The landlord's own timescale for the response at a stage (and route) of its pack.

    The stage's step completed by the response (a customer deadline first; a ceiling
    completed by nothing is not a response timescale), read as the deadline engine reads
    it. None where the stage has no such step, or where it counts from a fact the reports
    do not read (an investigator's reply).
    """
    stage = next((s for s in pack.stages if s.id == stage_id), None)
    if stage is None:
        return None
    steps = stage.steps_for(route or None)
    responding = [s for s in steps if s.completion() is Completion.RESPONDED]
    if not responding:
        return None
    step = min(responding, key=lambda s: (s.audience is not Audience.CUSTOMER, s.id != "respond"))
    if step.start not in READ_ANCHORS:
        return None
    ack = next((s for s in steps if s.completion() is Completion.ACKNOWLEDGED), None)
    if step.start is Anchor.ACKNOWLEDGED and (
        ack is None or ack.start not in (Anchor.RECEIVED, Anchor.STAGE_STARTED)
    ):
        return None
    return ResponseRule(
        days=step.days,
        counts=step.counts,
        start=step.start,
        extendable=step.extendable,
        extension_max_days=None,
        acknowledge_days=ack.days if ack else None,
        acknowledge_counts=ack.counts if ack else Counting.WORKING,
        acknowledge_start=ack.start if ack else Anchor.STAGE_STARTED,
        source=step.source,
    )


@dataclass(frozen=True)
class StageLevels:
    """Which stage ids are formal stage 1 or stage 2, pack by pack.

    ``plain[level]`` lists stage ids that mean that level in every pack; ``by_pack``
    lists, per pack, the ids whose meaning differs between packs.
    """

    plain: dict[int, tuple[str, ...]]
    by_pack: dict[int, dict[str, tuple[str, ...]]]
    levels: dict[tuple[str, str], int]  # (pack id, stage id) -> 0 informal, 1, 2, 3
    process_kinds: tuple[str, ...]  # kinds that start at a stage (and so may reach stage 1)

    def level_of(self, pack_id: str, stage_id: str) -> int:
        return self.levels.get((pack_id, stage_id), 0)


def stage_levels(packs: Iterable[Pack]) -> StageLevels:
    """The formal level of every stage id of every pack."""
    levels: dict[tuple[str, str], int] = {}
    meaning: dict[str, set[int]] = {}
    kinds: set[str] = set()
    for pack in packs:
        for stage in pack.stages:
            level = stage.level if stage.formal else 0
            levels[(pack.id, stage.id)] = level
            meaning.setdefault(stage.id, set()).add(level)
        kinds.update(k.kind.value for k in pack.kinds if k.starts_at)
    plain: dict[int, tuple[str, ...]] = {}
    by_pack: dict[int, dict[str, tuple[str, ...]]] = {}
    for level in (1, 2):
        plain[level] = tuple(sorted(s for s, found in meaning.items() if found == {level}))
        mixed: dict[str, list[str]] = {}
        for (pack_id, stage_id), lvl in levels.items():
            if lvl == level and len(meaning[stage_id]) > 1:
                mixed.setdefault(pack_id, []).append(stage_id)
        by_pack[level] = {p: tuple(sorted(ids)) for p, ids in mixed.items()}
    return StageLevels(
        plain=plain, by_pack=by_pack, levels=levels, process_kinds=tuple(sorted(kinds))
    )
