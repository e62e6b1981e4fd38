"""The staff menu's "E-mail in" item: shown to those who read the complaints mailbox."""

from __future__ import annotations

from django import template

from putright.accounts.access import organisations_with
from putright.accounts.models import User

register = template.Library()


@register.simple_tag(takes_context=True)
def reads_mail(context: template.Context) -> bool:
    from putright.mailbox.selectors import MAIL_READERS

    user = context["request"].user
    return isinstance(user, User) and bool(organisations_with(user, MAIL_READERS))


@register.simple_tag(takes_context=True)
def manages_webhooks(context: template.Context) -> bool:
    """The staff menu's "Webhooks" item: for an organisation's administrators."""
    user = context["request"].user
    return isinstance(user, User) and bool(organisations_with(user, {"administrator"}))
