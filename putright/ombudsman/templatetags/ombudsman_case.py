"""The Ombudsman section of a case page: what the case holds and what the viewer may do."""

from __future__ import annotations

from typing import Any

from django import template

from putright.accounts.access import may_act
from putright.cases.models import Case

from ..selectors import case_casework

register = template.Library()


@register.simple_tag(takes_context=True)
def ombudsman_casework(context: Any, case: Case) -> dict[str, Any]:
    """The case's contacts and determinations, whether it is with the Ombudsman, and whether
    the viewer may record a contact or send evidence."""
    from putright.cases.ombudsman import case_ombudsman_route, route_details

    user = context["request"].user
    name = route_details(case_ombudsman_route(case))["short_name"]
    return {
        "name": name[:1].upper() + name[1:],
        "work": case_casework(case),
        "any": case.ombudsman_contacts.exists(),
        "may_record": may_act(user, case, "ombudsman-record"),
        "may_send": may_act(user, case, "ombudsman-evidence"),
    }


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """``mapping[key]``, or nothing."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
