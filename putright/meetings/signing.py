"""Under whose name a review's response goes out (a pack's ``[[reviews]] signed_by``):
Southern's Senior Manager Review is answered "under the Senior Managers name" (4.7.6)."""

from __future__ import annotations

from typing import Any

from putright.accounts.models import User
from putright.cases.models import Case, EventKind

from .models import Attendee
from .services import review_rule


def response_signer(case: Case, event: Any) -> User | None:
    """The member of staff a stage's response is signed by, where the review the case is at
    names the role that signs it: the one its report was sent to, else the one who sat in
    that role at its meeting. None where the review names no one (the handler signs)."""
    if event.kind != EventKind.RESPONDED:
        return None
    review = review_rule(case)
    if review is None or review.signed_by is None or event.stage != review.stage:
        return None
    if review.report_to == review.signed_by:
        for earlier in case.events.filter(kind=EventKind.NOTE).order_by("-sequence"):
            sent = (earlier.data or {}).get("review") or {}
            if sent.get("id") == review.id and sent.get("report_to"):
                found = User.objects.filter(pk=sent["report_to"]).first()
                if found is not None:
                    return found
    sat = (
        Attendee.objects.filter(meeting__case=case, user__isnull=False)
        .filter(part=review.signed_by)
        .select_related("user")
        .order_by("-pk")
        .first()
    ) or (
        Attendee.objects.filter(meeting__case=case, user__isnull=False, seat=review.signed_by)
        .select_related("user")
        .order_by("-pk")
        .first()
    )
    return sat.user if sat is not None else None
