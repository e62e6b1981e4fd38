"""Compensation: the pack's bands, Right to Repair payments and who may authorise how much.

Amounts are integer pence throughout; nothing here uses floats.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import RuleViolationError
from .policy import Authority, Band, Pack, RightToRepair, deciding_role, role_outranks


def pounds(pence: int) -> str:
    """``£1,234.50`` from integer pence."""
    whole, part = divmod(pence, 100)
    return f"£{whole:,}" + (f".{part:02d}" if part else "")


def right_to_repair_payment(rule: RightToRepair, days_late: int) -> int:
    """The statutory payment for one missed qualifying repair: base plus a daily sum, capped."""
    if days_late < 0:
        raise RuleViolationError("Days late cannot be negative", rule="right_to_repair")
    return min(rule.base_pence + rule.per_day_pence * days_late, rule.cap_pence)


@dataclass(frozen=True)
class Suggestion:
    """A suggested range for time, trouble and distress, with the reasons for it."""

    band: Band
    low_pence: int
    high_pence: int | None  # None: the policy states no upper end ("over £100")
    reasons: tuple[str, ...]

    @property
    def range(self) -> str:
        """The range in whole pounds as a policy states it: "£20 to £100", "over £100"."""
        return pounds_range(self.low_pence, self.high_pence)


def pounds_range(low: int, high: int | None) -> str:
    """ "£20 to £100", "up to £20", "over £100"."""
    if high is None:
        return f"over {whole_pounds(low)}"
    if low == 0:
        return f"up to {whole_pounds(high)}"
    return f"{whole_pounds(low)} to {whole_pounds(high)}"


def band_low(band: Band) -> int:
    """A band's lower end as its policy states it (see ``_band_floor``)."""
    return _band_floor(band.min_pence)


def band_range(band: Band) -> str:
    """A band's range in whole pounds as its policy states it."""
    return pounds_range(band_low(band), band.max_pence)


def whole_pounds(pence: int) -> str:
    """``2000`` as ``£20``; ``2050`` as ``£20.50`` (pence only where there are any)."""
    whole, part = divmod(pence, 100)
    return f"£{whole:,}" if not part else f"£{whole:,}.{part:02d}"


def _band_floor(pence: int) -> int:
    """A band's lower end as its policy states it: bands that may not overlap are encoded
    a penny above the last band's top ("£20.01" for "£20 to £100"); the policy says £20."""
    return pence - 1 if pence % 100 == 1 else pence


def suggest_band(
    pack: Pack,
    *,
    occasions: int = 1,
    months_affected: int = 0,
    vulnerable: bool = False,
    missed_deadlines: int = 0,
) -> Suggestion | None:
    """A band for time, trouble and distress from the facts of the case, or None without bands.

    The bands are the pack's own, lowest to highest; the facts move the suggestion up one
    band each: more than one occasion, a problem lasting three months or more, a vulnerable
    customer, and deadlines missed in handling the complaint. The handler decides.
    """
    bands = sorted(pack.compensation.bands if pack.compensation else (), key=lambda b: b.min_pence)
    if not bands:
        return None
    level = 0
    reasons = []
    if occasions > 1:
        level += 1
        reasons.append(f"the failure happened on {occasions} occasions")
    if months_affected >= 3:
        level += 1
        reasons.append(f"the customer was affected for {months_affected} months")
    if vulnerable:
        level += 1
        reasons.append("the customer is vulnerable, so the impact is greater")
    if missed_deadlines:
        level += 1
        plural = "deadline" if missed_deadlines == 1 else "deadlines"
        reasons.append(f"we missed {missed_deadlines} complaint-handling {plural}")
    band = bands[min(level, len(bands) - 1)]
    if not reasons:
        reasons.append("a single failure with a limited impact")
    return Suggestion(
        band=band,
        low_pence=band_low(band),
        high_pence=band.max_pence,
        reasons=tuple(reasons),
    )


@dataclass(frozen=True)
class AuthorityDecision:
    """Whether an actor may make an offer of this amount, and if not who must approve it."""

    allowed: bool
    limit_pence: int | None  # the actor's own limit at this stage (None: no limit)
    approval_by: str | None  # a pack role id
    rule: Authority | None


def _roles_holding(pack: Pack, system_roles: Iterable[str]) -> set[str]:
    held = set(system_roles)
    return {role.id for role in pack.roles if held & set(role.acts_as)}


def authority_for(
    pack: Pack, *, stage: str, amount_pence: int, system_roles: Iterable[str]
) -> AuthorityDecision:
    """Check an offer against the pack's authority limits for the stage.

    The actor's limit is the highest limit among the pack roles they act as at this stage.
    An amount above it needs the approval the first rule covering the amount names. A rule
    naming no approver lets its role award the amount, and so anyone whose role has at
    least that role's authority (``role_outranks``); anyone else waits for the role that
    decides such awards (``deciding_role``): the rule's role if someone allowed to decide
    awards holds it, else the first role above it that is. A pack without limits lets any
    caseworker offer any amount.
    """
    rules = [
        a for a in (pack.compensation.authority if pack.compensation else ()) if a.stage == stage
    ]
    if not rules:
        return AuthorityDecision(allowed=True, limit_pence=None, approval_by=None, rule=None)
    mine = _roles_holding(pack, system_roles)
    own = [a for a in rules if a.role in mine and a.approval_by is None]
    limit: int | None = 0
    for rule in own:
        if rule.up_to_pence is None:
            limit = None
            break
        limit = max(limit or 0, rule.up_to_pence)
    if own and (limit is None or amount_pence <= limit):
        return AuthorityDecision(allowed=True, limit_pence=limit, approval_by=None, rule=None)
    covering = sorted(
        (a for a in rules if a.up_to_pence is None or amount_pence <= a.up_to_pence),
        key=lambda a: (a.up_to_pence is None, a.up_to_pence or 0),
    )
    for rule in covering:
        if rule.approval_by is not None:
            approved_by_me = rule.approval_by in mine
            return AuthorityDecision(
                allowed=approved_by_me,
                limit_pence=limit if own else 0,
                approval_by=rule.approval_by,
                rule=rule,
            )
        if any(role_outranks(pack.roles, held, rule.role) for held in mine):
            return AuthorityDecision(
                allowed=True, limit_pence=rule.up_to_pence, approval_by=None, rule=rule
            )
        return AuthorityDecision(
            allowed=False,
            limit_pence=limit if own else 0,
            approval_by=deciding_role(pack.roles, rule.role),
            rule=rule,
        )
    return AuthorityDecision(
        allowed=False, limit_pence=limit if own else 0, approval_by=None, rule=None
    )


def may_approve(pack: Pack, *, approval_by: str, system_roles: Iterable[str]) -> bool:
    """Whether someone with these PutRight roles holds the pack role that must approve."""
    return approval_by in _roles_holding(pack, system_roles)


def held_roles(pack: Pack, system_roles: Iterable[str]) -> set[str]:
    """The pack roles someone with these PutRight roles holds (by the pack's ``acts_as``)."""
    return _roles_holding(pack, system_roles)


def _stage_rules(pack: Pack, stage: str) -> list[Authority]:
    return [
        a for a in (pack.compensation.authority if pack.compensation else ()) if a.stage == stage
    ]


def approval_rule(
    pack: Pack, *, stage: str, amount_pence: int, approval_by: str
) -> Authority | None:
    """The authority rule an award waits on: the first rule at the stage covering the amount
    whose approver (or, without one, the role deciding for its role) is ``approval_by``."""
    covering = sorted(
        (
            a
            for a in _stage_rules(pack, stage)
            if a.up_to_pence is None or amount_pence <= a.up_to_pence
        ),
        key=lambda a: (a.up_to_pence is None, a.up_to_pence or 0),
    )
    for rule in covering:
        if (rule.approval_by or deciding_role(pack.roles, rule.role) or rule.role) == approval_by:
            return rule
    return None


def describe_authority(pack: Pack, rule: Authority, *, stage_label: str) -> str:
    """The rule in words: "At Stage 2, awards above £5,000 are made by the Panel with the
    approval of the Board (policy 4.1.9)." """
    below = [
        a.up_to_pence
        for a in _stage_rules(pack, rule.stage)
        if a.up_to_pence is not None
        and (rule.up_to_pence is None or a.up_to_pence < rule.up_to_pence)
    ]
    floor = max(below, default=None)
    if rule.up_to_pence is None:
        amount = f"above {pounds(floor)}" if floor else "of any amount"
    elif floor:
        amount = f"above {pounds(floor)} and up to {pounds(rule.up_to_pence)}"
    else:
        amount = f"up to {pounds(rule.up_to_pence)}"
    text = f"At {stage_label}, awards {amount} are made by the {pack.role_title(rule.role)}"
    if rule.approval_by:
        text += f" with the approval of the {pack.role_title(rule.approval_by)}"
    if rule.source:
        text += f" (policy {rule.source})"
    return text + "."
