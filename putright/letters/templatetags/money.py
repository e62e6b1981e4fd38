"""``{{ amount_pence|pounds }}``: exact money from integer pence."""

from __future__ import annotations

from django import template

from putright.domain.compensation import pounds as format_pounds

register = template.Library()


@register.filter
def pounds(pence: int | str | None) -> str:
    return "" if pence is None or pence == "" else format_pounds(int(pence))
