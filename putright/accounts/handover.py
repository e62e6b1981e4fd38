"""What a member of staff holds (cases, actions, approvals ...) and handing it to others.

The kinds of work live in the apps above this one (cases, remedies, hazards, Ombudsman
orders, the action plan), so each registers here once, from ``putright/handover``'s
``ready()``, as a ``HoldingKind``: how to find what someone holds open, who may take it on,
and how to move one item, recording it on the record's own timeline. Deactivating someone
with ``hand_over`` moves everything in one transaction, then records the handover in their
history and deactivates them: a refusal or a crash changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db import transaction

from .access import roles_in
from .actors import Actor
from .models import Role, User, UserEventKind
from .services import AccountError, user_deactivate, user_record

NO_RECEIVER = "Choose who takes on {what}."
SAME_PERSON = "{name} is the person leaving: choose someone else for {what}."
RECEIVER_INACTIVE = "{name} is deactivated and cannot take on {what}."
RECEIVER_CANNOT = "{name} cannot take on {item}: {needs}."
UNKNOWN_KIND = "unknown kind of work {kind!r}; kinds are: {valid}"


@dataclass(frozen=True)
class Holding:
    """One open item a member of staff holds."""

    kind: str
    record_id: int
    organisation_id: int
    label: str
    url: str = ""


@dataclass(frozen=True)
class HoldingKind:
    """A kind of work that someone holds: found, checked and handed over the same way
    from the command, the staff page and the tests."""

    name: str  # e.g. "case-handler"; the command's --hand-NAME-to option
    label: str  # e.g. "Cases they handle"
    held_by: Callable[[User], list[Holding]]
    hand_over: Callable[[Holding, User, Actor], None]
    needs: frozenset[str] = field(default_factory=frozenset)  # roles, at the item's organisation
    needs_words: str = ""  # the rule in words, for a refusal
    may_receive: Callable[[Holding, User], bool] | None = None  # instead of ``needs``
    moves: bool = True  # False: listed so the manager knows (decided by role, nothing moves)

    def receivable_by(self, holding: Holding, user: User) -> bool:
        if self.may_receive is not None:
            return self.may_receive(holding, user)
        return bool(roles_in(user, holding.organisation_id) & self.needs)

    def requirement(self) -> str:
        if self.needs_words:
            return self.needs_words
        labels = sorted(str(Role(role).label).lower() for role in self.needs)
        return f"it needs one of these roles there: {', '.join(labels)}"


_KINDS: dict[str, HoldingKind] = {}


def register(kind: HoldingKind) -> None:
    """Make a kind of work known; registering it again replaces it."""
    _KINDS[kind.name] = kind


def kinds() -> list[HoldingKind]:
    """Every kind of work, in the order registered."""
    return list(_KINDS.values())


def kind_named(name: str) -> HoldingKind:
    found = _KINDS.get(name)
    if found is None:
        raise AccountError(UNKNOWN_KIND.format(kind=name, valid=", ".join(_KINDS)), field="kind")
    return found


def holdings_of(user: User) -> dict[str, list[Holding]]:
    """Everything the user holds open, by kind (kinds with nothing left out)."""
    found: dict[str, list[Holding]] = {}
    for kind in kinds():
        items = kind.held_by(user)
        if items:
            found[kind.name] = items
    return found


def receivers_for(kind: HoldingKind, holdings: list[Holding], leaving: User) -> list[User]:
    """The active staff who may take on every item of a kind (offered on the staff page)."""
    organisations = {holding.organisation_id for holding in holdings}
    candidates = (
        User.objects.filter(is_active=True, memberships__organisation_id__in=organisations)
        .exclude(pk=leaving.pk)
        .distinct()
        .order_by("display_name", "username")
    )
    return [
        user
        for user in candidates
        if all(kind.receivable_by(holding, user) for holding in holdings)
    ]


@dataclass(frozen=True)
class Handover:
    """What was handed to whom, and whether the account was deactivated by it."""

    moved: Mapping[str, list[tuple[Holding, User]]]
    deactivated: bool
    tokens_revoked: int


@transaction.atomic(durable=False)
def hand_over(
    *,
    user: User,
    to: Mapping[str, User | None],
    actor: Actor,
    default: User | None = None,
    deactivate: bool = True,
) -> Handover:
    """Hand everything the user holds to those chosen (per kind, else ``default``), each
    move recorded on its record's timeline, then deactivate the user. Refuses a receiver
    without the needed role, naming the item, before anything moves."""
    held = holdings_of(user)
    plan: dict[str, list[tuple[Holding, User]]] = {}
    for name, items in held.items():
        kind = kind_named(name)
        if not kind.moves:
            continue
        receiver = to.get(name) or default
        what = kind.label.lower()
        if receiver is None:
            raise AccountError(NO_RECEIVER.format(what=what), field=name)
        if receiver.pk == user.pk:
            raise AccountError(SAME_PERSON.format(name=receiver, what=what), field=name)
        if not receiver.is_active:
            raise AccountError(RECEIVER_INACTIVE.format(name=receiver, what=what), field=name)
        for holding in items:
            if not kind.receivable_by(holding, receiver):
                message = RECEIVER_CANNOT.format(
                    name=receiver, item=holding.label, needs=kind.requirement()
                )
                raise AccountError(message, field=name)
        plan[name] = [(holding, receiver) for holding in items]
    for name, moves in plan.items():
        kind = kind_named(name)
        for holding, receiver in moves:
            kind.hand_over(holding, receiver, actor)
    per_receiver: dict[str, int] = {}
    for moves in plan.values():
        for _, receiver in moves:
            per_receiver[receiver.username] = per_receiver.get(receiver.username, 0) + 1
    if plan:
        user_record(
            user=user,
            kind=UserEventKind.HANDED_OVER,
            actor=actor,
            data={
                "count": sum(per_receiver.values()),
                "to": ", ".join(sorted(per_receiver)),
                "items": {
                    name: [[h.record_id, r.username] for h, r in moves]
                    for name, moves in plan.items()
                },
            },
        )
    deactivated, tokens = (
        user_deactivate(user=user, actor=actor, reason="work handed over")
        if deactivate
        else (False, 0)
    )
    return Handover(moved=plan, deactivated=deactivated, tokens_revoked=tokens)
