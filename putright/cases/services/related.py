"""Cases and people related to a case: splitting, linking, naming someone on it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction

from putright.accounts.actors import Actor
from putright.accounts.models import User

from ..errors import (
    CaseInputError,
    CaseStateError,
)
from ..models import (
    Case,
    CaseLink,
    CaseMember,
    EventKind,
    LinkKind,
)
from ..selectors import case_pack
from ._common import _append, _lock, _moment, _require_open, _save
from .intake import FLAGS, case_receive
from .stages import _make_formal

# -- related cases --------------------------------------------------------------------


@transaction.atomic
def case_split(
    *,
    case: Case,
    actor: Actor,
    summaries: Sequence[str],
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> list[Case]:
    """Split a contact that raises several issues into linked cases, one per issue."""
    case = _lock(case, expected_version)
    _require_open(case)
    clean = [s.strip() for s in summaries if s.strip()]
    if not clean:
        raise CaseInputError(
            "Give the summary of each new case.", fields={"summaries": "Required."}
        )
    moment = _moment(occurred_at, case)
    created = []
    for summary in clean:
        child = case_receive(
            organisation=case.organisation,
            kind=case.kind,
            channel=case.channel,
            received_at=case.received_at,
            summary=summary,
            actor=actor,
            details=case.details,
            desired_outcome=case.desired_outcome,
            customer=case.customer,
            representative=case.representative,
            service_area=case.service_area,
            category=case.category,
            matter_occurred_on=case.matter_occurred_on,
            flags=[f for f in FLAGS if getattr(case, f)],
        )
        CaseLink.objects.create(from_case=child, to_case=case, kind=LinkKind.SPLIT_FROM)
        _append(
            child,
            EventKind.LINKED,
            actor,
            moment,
            {"kind": LinkKind.SPLIT_FROM, "case": case.reference},
        )
        _save(child)
        created.append(child)
    _append(case, EventKind.SPLIT, actor, moment, {"into": [c.reference for c in created]})
    _save(case)
    return created


@transaction.atomic
def case_link(
    *,
    case: Case,
    actor: Actor,
    other: Case,
    kind: str = LinkKind.RELATED,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Link two cases; a repeat dissatisfaction may become a complaint, as the pack says."""
    case = _lock(case, expected_version)
    if other.pk == case.pk:
        raise CaseInputError(
            "A case cannot be linked to itself.", fields={"other": "Choose another case."}
        )
    if other.organisation_id != case.organisation_id:
        raise CaseInputError(
            "Only cases of the same organisation can be linked.", fields={"other": "Not found."}
        )
    if kind not in LinkKind.values:
        raise CaseInputError(
            f"Choose a link: {', '.join(LinkKind.values)}.", fields={"kind": "Required."}
        )
    moment = _moment(occurred_at, case)
    _, created = CaseLink.objects.get_or_create(from_case=case, to_case=other, kind=kind)
    if not created:
        raise CaseStateError(f"{case.reference} is already linked to {other.reference}.")
    _append(case, EventKind.LINKED, actor, moment, {"kind": kind, "case": other.reference})
    fields = []
    pack = case_pack(case)
    rule = pack.kind(case.kind)
    if (
        kind == LinkKind.REPEAT_OF
        and rule is not None
        and rule.repeat_becomes_complaint
        and not case.is_closed
        and case.stage
        and not pack.stage(case.stage).formal
    ):
        target = pack.first_formal_stage()
        if target is not None:
            _make_formal(
                case,
                target,
                actor,
                moment,
                f"A repeat of {other.reference}: the policy treats it as a complaint.",
            )
            fields = ["stage", "kind", "status"]
    _save(case, *fields)
    return case


@transaction.atomic
def case_add_member(
    *,
    case: Case,
    actor: Actor,
    user: User,
    role: str,
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Name someone on the case (a panel member, say), so that they may see it."""
    if role not in ("panel_member", "investigating_officer", "complaint_handler", "manager"):
        raise CaseInputError(
            "Choose the role they have on this case.", fields={"role": "Not recognised."}
        )
    case = _lock(case, expected_version)
    moment = _moment(occurred_at, case)
    _, created = CaseMember.objects.get_or_create(case=case, user=user, defaults={"role": role})
    if not created:
        raise CaseStateError(f"{user} is already named on {case.reference}.")
    _append(case, EventKind.MEMBER_ADDED, actor, moment, {"user_id": user.pk, "role": role})
    _save(case)
    return case
