"""The quality review's forms: the sample's settings, drawing a quarter's sample, a review."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from putright.organisations.models import QualitySelection

from .checklist import CODE_CHECKLIST, SCALE, STANDARDS
from .services import quarter_after, quarter_label, quarter_of


class SettingsForm(forms.Form):
    size = forms.IntegerField(
        label="How many responses are reviewed each quarter?",
        min_value=1,
        max_value=200,
        widget=forms.TextInput(attrs={"data-width": "3", "inputmode": "numeric"}),
    )
    selection = forms.ChoiceField(
        label="How are they chosen?", choices=QualitySelection.choices, widget=forms.RadioSelect
    )


def quarters_to_draw(today: datetime.date, drawn: set[datetime.date]) -> list[tuple[str, str]]:
    """The last four quarters that have started, newest first, less those already drawn."""
    quarter = quarter_of(today)
    choices = []
    for _ in range(4):
        if quarter not in drawn:
            choices.append((quarter.isoformat(), quarter_label(quarter)))
        month = quarter.month - 3
        quarter = datetime.date(quarter.year - (month < 1), (month - 1) % 12 + 1, 1)
    return choices


class DrawForm(forms.Form):
    quarter = forms.ChoiceField(label="Which quarter?", widget=forms.RadioSelect)

    def __init__(self, *args: Any, quarters: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["quarter"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = quarters

    def quarter_start(self) -> datetime.date:
        return datetime.date.fromisoformat(self.cleaned_data["quarter"])


class ReviewForm(forms.Form):
    """The Code's checklist (ticked where the record shows it met), the landlord's standards
    from 1 to 4, and comments."""

    checklist = forms.MultipleChoiceField(
        label="What the Code asks of the response: tick each it meets",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comments = forms.CharField(
        label="Comments for the person who sent it",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, level: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["checklist"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (item.key, f"{item.label} ({item.citation(level)})") for item in CODE_CHECKLIST
        ]
        for standard in STANDARDS:
            self.fields[standard.key] = forms.TypedChoiceField(
                label=standard.label,
                help_text=standard.hint,
                choices=[(str(n), f"{n}: {words}") for n, words in SCALE],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Give a mark for {standard.label.lower()}."},
            )
        self.order_fields(["checklist", *[s.key for s in STANDARDS], "comments"])

    def marks(self) -> dict[str, int]:
        return {s.key: self.cleaned_data[s.key] for s in STANDARDS}


__all__ = ["DrawForm", "ReviewForm", "SettingsForm", "quarter_after", "quarters_to_draw"]
