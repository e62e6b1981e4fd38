"""Whether the staff menu offers "Staff" (managers and administrators of an organisation)."""

from __future__ import annotations

from django import template

from putright.accounts.access import manages_staff as _manages_staff

register = template.Library()


@register.simple_tag(takes_context=True)
def manages_staff(context: template.Context) -> bool:
    user = context.get("user")
    return bool(user is not None and user.is_authenticated and _manages_staff(user))
