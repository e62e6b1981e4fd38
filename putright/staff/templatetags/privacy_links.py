"""Data protection on the staff pages: the menu item, the person's page link and the case's
legal hold, each shown only to those whose role allows it."""

from __future__ import annotations

from typing import Any

from django import template

from putright.accounts.access import may_act, organisations_with, roles_in
from putright.accounts.models import Role

register = template.Library()

OFFICERS = frozenset({Role.DATA_PROTECTION_OFFICER})


def _user(context: template.Context) -> Any:
    user = context.get("user")
    return user if user is not None and user.is_authenticated else None


@register.simple_tag(takes_context=True)
def reads_data_protection(context: template.Context) -> bool:
    """Whether the menu offers "Data protection" (an officer of any organisation)."""
    user = _user(context)
    return bool(user and organisations_with(user, OFFICERS))


@register.simple_tag(takes_context=True)
def data_protection_officer_of(context: template.Context, person: Any) -> dict[str, Any] | None:
    """For the officer of the person's organisation: the person's requests."""
    from putright.privacy.models import DataRequest

    user = _user(context)
    if user is None or not roles_in(user, person.organisation_id) & OFFICERS:
        return None
    return {"requests": list(DataRequest.objects.filter(person=person).order_by("-received_at"))}


HOLD_EVENTS = ("legal_hold_placed", "legal_hold_lifted")


@register.simple_tag(takes_context=True)
def legal_hold_offer(context: template.Context, case: Any) -> dict[str, Any]:
    """The hold in force, and whether the viewer may place or lift one. The case page has
    read the case's events already: the last hold event says whether one is in force."""
    user = _user(context)
    events = context.get("events")
    hold: dict[str, Any] | None = None
    if events is not None:
        last = max(
            (e for e in events if e.kind in HOLD_EVENTS),
            key=lambda e: e.sequence,
            default=None,
        )
        if last is not None and last.kind == "legal_hold_placed":
            hold = {"placed_at": last.occurred_at, "reason": (last.data or {}).get("reason", "")}
    else:
        from putright.privacy.models import LegalHold

        found = LegalHold.objects.filter(case=case, lifted_at__isnull=True).first()
        if found is not None:
            hold = {"placed_at": found.placed_at, "reason": found.reason}
    may = bool(user and may_act(user, case, "legal-hold"))
    return {"hold": hold, "may": may, "shown": may or hold is not None}
