"""Template filters for the report pages."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.123 -> 12.3%; None -> -."""
    if value is None:
        return "-"
    return f"{value * 100:.1f}%"


@register.filter
def get_blank(counts: dict[str, Any]) -> Any:
    """The count under the empty key (provisions not yet assessed)."""
    return counts.get("", 0)


@register.filter
def thousands(value: int | None) -> str:
    """12345 -> 12,345."""
    if value is None:
        return "-"
    return f"{value:,}"
