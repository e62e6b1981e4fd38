"""Sending a response with what is still to do tracked to completion (Code 6.6, 6.17).

The response is sent when the answer is known; each of its outstanding actions with a date
becomes a remedy action with its owner and due date, under a remedy of the point it puts
right, in the same transaction, so the action plan and the overdue sweep follow it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction

from putright.accounts.models import User
from putright.cases.errors import CaseInputError
from putright.cases.models import Case
from putright.cases.services import Actor, IssueOutcome, case_respond
from putright.remedies.models import RemedyKind
from putright.remedies.services import action_add, remedy_record


@transaction.atomic
def response_send(
    *,
    case: Case,
    actor: Actor,
    outcome: str,
    text: str,
    issues: Sequence[IssueOutcome] = (),
    expected_version: int | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Case:
    """Send the response (``case_respond``), then track each dated action as a remedy action."""
    case = case_respond(
        case=case,
        actor=actor,
        outcome=outcome,
        text=text,
        issues=issues,
        expected_version=expected_version,
        occurred_at=occurred_at,
    )
    answered = case.issues.filter(stage=case.stage).exclude(actions=[]).order_by("number")
    for issue in answered:
        dated = [a for a in issue.actions if a.get("due_on")]
        if not dated:
            continue
        remedy = remedy_record(
            case=case,
            actor=actor,
            kind=RemedyKind.ACTION,
            description=issue.remedy or "; ".join(a["text"] for a in dated),
            issue_number=issue.number,
            occurred_at=occurred_at,
        )
        case = remedy.case
        kept = []
        for item in issue.actions:
            if item.get("due_on"):
                owner = _owner(item, actor, case)
                action = action_add(
                    case=case,
                    actor=actor,
                    description=item["text"],
                    owner=owner,
                    due_on=datetime.date.fromisoformat(item["due_on"]),
                    remedy=remedy,
                    occurred_at=occurred_at,
                )
                case = action.case
                item = {**item, "remedy_action_id": action.pk, "owner": str(owner)}
            kept.append(item)
        issue.actions = kept
        issue.save(update_fields=["actions"])
    return case


def _owner(item: dict[str, object], actor: Actor, case: Case) -> User:
    """Who owns an action: the one named, else whoever sent the response, else the handler."""
    owner_id = item.get("owner_id")
    owner = User.objects.filter(pk=owner_id).first() if isinstance(owner_id, int) else None
    owner = owner or actor.user or case.handler
    if owner is None:
        raise CaseInputError(
            "Name who will do each action.", fields={"actions.owner": "Name the owner."}
        )
    return owner
