"""Whether a page may link to a person's page: only for those who may open it."""

from __future__ import annotations

from typing import Any

from django import template

from putright.accounts.access import people_visible_to
from putright.accounts.models import User
from putright.people.models import Person

register = template.Library()


@register.simple_tag(takes_context=True)
def may_open_person(context: Any, person: Person | None) -> bool:
    """Whether the signed-in user may open this person's page (``people_visible_to``)."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if person is None or not isinstance(user, User):
        return False
    return person.organisation_id in people_visible_to(user)
