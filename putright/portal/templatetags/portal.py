"""Template helpers for the portal's GOV.UK components."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def option_hint(form: Any, field_name: str, value: Any) -> str:
    """The hint under one radio or checkbox option, if the form gives one."""
    hints = getattr(form, "option_hints", {}) or {}
    return str(hints.get(field_name, {}).get(str(value), ""))


@register.filter
def is_selected(option: Any) -> bool:
    """Whether a radio or checkbox option is chosen (its widget data says so)."""
    return bool(option.data.get("selected"))
