"""Template filters that render Django form fields the GOV.UK Design System way."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

from putright.domain.errors import UnknownPackError
from putright.policies.registry import get_pack

register = template.Library()

WIDGET_CLASSES = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "file": "govuk-file-upload",
}


@register.filter
def field_type(field: BoundField) -> str:
    """What kind of GOV.UK component a field needs."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a subclass of RadioSelect
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


@register.filter
def govuk_widget(field: BoundField) -> SafeString:
    """The field's widget with GOV.UK classes, its hint and error wired for screen readers."""
    kind = field_type(field)
    classes = [WIDGET_CLASSES.get(kind, "govuk-input")]
    if field.errors:
        classes.append(f"{classes[0]}--error")
    width = field.field.widget.attrs.get("data-width")
    if width:
        classes.append(f"govuk-input--width-{width}")
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {"class": " ".join(classes)}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def error_anchor(field: BoundField) -> str:
    """Where the error summary links to: the field, or the first option of a group."""
    if field_type(field) in ("radio", "checkboxes"):
        return f"{field.auto_id}_0"
    return str(field.auto_id)


@register.filter
def rag(state: str) -> str:
    """The RAG class for a deadline's display state."""
    return {
        "overdue": "red",
        "missed": "red",
        "not_done": "red",
        "due_soon": "amber",
        "pending": "green",
        "done_late": "grey",
    }.get(state, "grey")


@register.filter
def pounds(pence: int | None) -> str:
    """``12345`` pence as ``£123.45``: exact integer arithmetic, always with pence."""
    whole, part = divmod(int(pence or 0), 100)
    return f"£{whole:,}.{part:02d}"


@register.filter
def words(value: str) -> str:
    """``partly_upheld`` as ``partly upheld``."""
    return str(value or "").replace("_", " ")


@register.filter
def step_words(value: str) -> str:
    """A cached ``stage:step`` as ``step`` in words."""
    return words(str(value or "").rpartition(":")[2])


def _stage_name(pack_id: str, stage_id: str) -> str:
    try:
        return get_pack(pack_id).stage(stage_id).label
    except (UnknownPackError, KeyError):
        return words(stage_id)


@register.filter
def stage_label(case: Any) -> str:
    """The case's stage as its policy names it: ``Stage 1``, ``Service Dissatisfaction``."""
    if not case.stage:
        return str(case.get_kind_display())
    if case.stage == "closed":
        return "Closed"
    return _stage_name(case.policy_pack, case.stage)


@register.simple_tag
def pack_stage_label(pack_id: str, stage_id: str) -> str:
    """A stage's name in a pack, for rows that carry only the ids."""
    return _stage_name(pack_id, stage_id) if stage_id else "No stage"
