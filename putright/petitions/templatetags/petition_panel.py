"""The case page's petition panel: ``{% petition_panel case as panel %}``."""

from __future__ import annotations

from typing import Any

from django import template

from putright.cases.models import Case
from putright.petitions.selectors import petition_for

register = template.Library()


@register.simple_tag
def petition_panel(case: Case) -> dict[str, Any]:
    petition = petition_for(case)
    if petition is None:
        return {"petition": None}
    signatories = list(petition.signatories.all())
    return {
        "petition": petition,
        "people": len(signatories),
        "incomplete": sum(1 for s in signatories if s.missing),
        "unhappy": sum(1 for s in signatories if s.unhappy),
        "representative": next((s for s in signatories if s.representative), None),
    }
