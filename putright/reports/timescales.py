"""The statutory timescales the measures are judged against, read from the Code pack.

No number of days is written here: acknowledgement, response and extension limits come
from the ``hos-code-2024`` pack (``[[stages]]`` of level 1 and 2), so a revised Code is a
new pack, not a code change. Which stage of *any* pack is "stage 1" or "stage 2" comes
from that pack's own ``level`` and ``formal`` fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from putright.domain.policy import Anchor, Counting, Pack, Stage


class TimescaleError(ValueError):
    """The Code pack does not say what the measures need."""


@dataclass(frozen=True)
class StageTimescale:
    """One formal stage of the Code, in working days counted from the day the stage started."""

    level: int
    label: str
    acknowledge_days: int
    respond_days: int  # from the stage start: acknowledgement + response when anchored on it
    extension_max_days: int
    acknowledge_source: str
    respond_source: str
    extension_source: str

    def respond_limit(self, extended_days: int) -> int:
        """Working days from the stage start within which a response is on time."""
        return self.respond_days + min(max(extended_days, 0), self.extension_max_days)

    def describe(self) -> str:
        ext = f", plus an extension of up to {self.extension_max_days}"
        return (
            f"{self.label}: acknowledged within {self.acknowledge_days} working days and "
            f"answered within {self.respond_days} working days of the stage starting"
            f"{ext if self.extension_max_days else ''} ({self.respond_source})"
        )


def _step_days(stage: Stage, step_id: str) -> tuple[int, Anchor, str] | None:
    step = next((s for s in stage.steps if s.id == step_id), None)
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
        ack_days = ack[0] if ack else 0
        respond_days, anchor, respond_source = respond
        if anchor is Anchor.ACKNOWLEDGED:
            respond_days += ack_days
        elif anchor not in (Anchor.STAGE_STARTED, Anchor.RECEIVED):
            raise TimescaleError(f"{code.id}: {stage.label} respond step counts from {anchor}")
        extension = stage.extension
        out[stage.level] = StageTimescale(
            level=stage.level,
            label=stage.label,
            acknowledge_days=ack_days,
            respond_days=respond_days,
            extension_max_days=extension.max_days if extension else 0,
            acknowledge_source=ack[2] if ack else "",
            respond_source=respond_source,
            extension_source=extension.source if extension else "",
        )
    for level in (1, 2):
        if level not in out:
            raise TimescaleError(f"{code.id} has no formal stage at level {level}")
    return out


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
