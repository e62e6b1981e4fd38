"""Forms for remedies, actions and compensation awards: each offers the pack's own choices.

Amounts are typed in pounds and pence and read exactly into integer pence with ``Decimal``:
never through a float, and never with more than two decimal places.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from putright.accounts.access import can_see_case
from putright.accounts.models import User
from putright.cases.models import Case
from putright.domain.policy import Pack
from putright.remedies.guidance import loss_kinds
from putright.remedies.models import ComponentKind, PaymentMethod, RemedyKind

from .forms import ActionForm

#: The largest amount a form accepts: £1,000,000 (the API's limit too).
MAX_PENCE = 100_000_000
AMOUNT = re.compile(r"^\d+(\.\d+)?$")


def parse_pence(text: str) -> int:
    """``"125.50"`` (or ``"£1,125.5"``) as ``112550`` pence, exactly; raises ValidationError."""
    cleaned = text.strip().removeprefix("£").replace(",", "").strip()
    if not AMOUNT.match(cleaned):
        raise forms.ValidationError("Enter an amount in pounds and pence, like 125.50.")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise forms.ValidationError("Enter an amount in pounds and pence, like 125.50.") from None
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise forms.ValidationError("Give pounds and pence: at most two decimal places.")
    pence = int(amount * 100)
    if pence > MAX_PENCE:
        raise forms.ValidationError("Enter an amount of at most £1,000,000.")
    return pence


class PoundsField(forms.CharField):
    """An amount in pounds and pence, cleaned to integer pence (None when blank)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"data-width": "10", "inputmode": "decimal", "spellcheck": "false"}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        return parse_pence(text)


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class CaseForm(ActionForm):
    """A form about one case, under its pack, for one member of staff.

    Like every case action: when it happened (blank for now, last on the form) and the case
    version the page was drawn from, so that a change someone made meanwhile is not
    silently overwritten. A request without the version is not checked.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False


class RemedyForm(CaseForm):
    kind = forms.ChoiceField(
        label="What kind of remedy?", choices=RemedyKind.choices, widget=forms.RadioSelect
    )
    issue = forms.ChoiceField(label="Which issue does it put right? (optional)", required=False)
    description = forms.CharField(
        label="Describe the remedy",
        help_text="What the customer is offered, in the words the response will use.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        issues = list(self.case.issues.all())
        if issues:
            _choice(self, "issue").choices = [("", "The complaint as a whole")] + [
                (str(i.number), f"{i.number}. {i.description[:80]}") for i in issues
            ]
        else:
            del self.fields["issue"]

    def to_input(self) -> dict[str, Any]:
        data = super().to_input()
        data["issue"] = int(data["issue"]) if data.get("issue") else None
        return data


def owner_choices(case: Case) -> list[tuple[str, str]]:
    """Active staff of the landlord who can see the case (the owner must, to complete it)."""
    users = (
        User.objects.filter(memberships__organisation_id=case.organisation_id, is_active=True)
        .distinct()
        .order_by("display_name", "username")
    )
    return [("", "Choose a person")] + [
        (u.username, str(u)) for u in users if can_see_case(u, case)
    ]


class AddActionForm(CaseForm):
    description = forms.CharField(
        label="What needs to be done?", widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ChoiceField(label="Who owns the action?")
    due_on = forms.DateField(
        label="When is it due?",
        help_text="For example, 2026-04-30",
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
        widget=forms.TextInput(attrs={"data-width": "10", "autocomplete": "off"}),
    )
    remedy = forms.ChoiceField(label="Which remedy does it carry out? (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "owner").choices = owner_choices(self.case)
        remedies = list(self.case.remedies.all())
        if remedies:
            _choice(self, "remedy").choices = [("", "Not one remedy")] + [
                (str(r.pk), f"{r.get_kind_display()}: {r.description[:60]}") for r in remedies
            ]
        else:
            del self.fields["remedy"]

    def clean_owner(self) -> str:
        username = str(self.cleaned_data["owner"])
        owner = User.objects.filter(username=username, is_active=True).first()
        if owner is None or not can_see_case(owner, self.case):
            raise forms.ValidationError("Choose someone who can see this case.")
        return username

    def to_input(self) -> dict[str, Any]:
        data = super().to_input()
        data["remedy"] = int(data["remedy"]) if data.get("remedy") else None
        return data


DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]


class LossForm(CaseForm):
    """A loss the ombudsman's remedies guidance sets a sum for, with its dates."""

    kind = forms.ChoiceField(
        label="What did the customer lose?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the customer lost."},
    )
    started_on = forms.DateField(
        label="When did it start?",
        help_text="For a missed appointment, the day of the appointment. For example, 2026-03-01",
        error_messages={
            "required": "Enter the day the loss started.",
            "invalid": "Enter a valid date, like 2026-03-01.",
        },
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"data-width": "10", "autocomplete": "off"}),
    )
    ended_on = forms.DateField(
        label="When did it end? (optional)",
        help_text="The last day without it. Leave blank while it goes on, and for a missed "
        "appointment. For example, 2026-03-06",
        required=False,
        error_messages={"invalid": "Enter a valid date, like 2026-03-06."},
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"data-width": "10", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label="Details (optional)",
        help_text="For example, the job number or what the engineer found.",
        max_length=500,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "kind").choices = loss_kinds()


class LossWithdrawForm(CaseForm):
    reason = forms.CharField(
        label="Why was the loss recorded in error?",
        help_text="For example, wrong dates or the wrong case. The loss stays in the history.",
        error_messages={"required": "Say why the loss was recorded in error."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CompleteActionForm(CaseForm):
    evidence = forms.CharField(
        label="What shows the action was done?",
        help_text="For example, the job number and the date the repair was signed off.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FactsForm(CaseForm):
    """The facts the calculator needs that the case does not already hold."""

    occasions = forms.IntegerField(
        label="On how many occasions did the failure happen?",
        min_value=1,
        max_value=1000,
        initial=1,
        widget=forms.NumberInput(attrs={"data-width": "3"}),
    )
    months_affected = forms.IntegerField(
        label="For how many months was the customer affected?",
        min_value=0,
        max_value=1200,
        initial=0,
        widget=forms.NumberInput(attrs={"data-width": "3"}),
    )
    reasoning = forms.CharField(
        label="Why this amount?",
        help_text="The response letter states this rationale. Say how the facts and the bands led to the figure.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    below_guidance_reason = forms.CharField(
        label="If you are offering less than the Ombudsman's figure, why? (optional)",
        help_text="Needed only when the awards on this case come to less than the Ombudsman's "
        "figure for the losses recorded. It is recorded with the award.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ComponentForm(forms.Form):
    """One part of an award; a wholly blank part is left out."""

    kind = forms.ChoiceField(label="Kind of compensation", widget=forms.RadioSelect, required=False)
    band = forms.ChoiceField(label="Impact band", widget=forms.RadioSelect, required=False)
    amount = PoundsField(
        label="Amount in pounds",
        required=False,
        help_text="Pounds and pence, like 125.50. Right to Repair payments are worked out from the days late.",
    )
    description = forms.CharField(label="Description", max_length=500, required=False)
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        help_text="Needed for a financial loss: receipts, quotes, what shows the loss.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    days_late = forms.IntegerField(
        label="Days the repair was late (Right to Repair)",
        min_value=0,
        max_value=3650,
        required=False,
        widget=forms.NumberInput(attrs={"data-width": "3"}),
    )

    def __init__(self, *args: Any, pack: Pack, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = pack.compensation
        kinds = [
            (value, label)
            for value, label in ComponentKind.choices
            if value != ComponentKind.STATUTORY or (rules and rules.right_to_repair)
        ]
        _choice(self, "kind").choices = kinds
        bands = rules.bands if rules else ()
        if bands:
            _choice(self, "band").choices = [(b.id, b.label) for b in bands]
            self.fields["band"].help_text = "For time, trouble and distress."
        else:
            del self.fields["band"]
        if not (rules and rules.right_to_repair):
            del self.fields["days_late"]
            self.fields["amount"].help_text = "Pounds and pence, like 125.50."

    def is_blank(self) -> bool:
        return not any(
            str(self.data.get(self.add_prefix(name), "")).strip() for name in self.fields
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("kind") and not self.is_blank():
            self.add_error("kind", "Choose the kind of compensation.")
        return data


class DecideForm(CaseForm):
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AwardDecisionForm(DecideForm):
    """Approve or refuse, on the case's own page for the award."""

    approve = forms.ChoiceField(
        label="Do you approve this compensation?",
        choices=[("yes", "Yes, approve it"), ("no", "No, refuse approval")],
        widget=forms.RadioSelect,
    )

    def to_input(self) -> dict[str, Any]:
        data = super().to_input()
        data["approve"] = data["approve"] == "yes"
        return data


class OfferForm(CaseForm):
    """Nothing to enter: the offer is the award as approved."""


class AnswerForm(CaseForm):
    accepted = forms.ChoiceField(
        label="Did the customer accept the offer?",
        choices=[("yes", "Yes, they accepted it"), ("no", "No, they refused it")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="What did the customer say? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def to_input(self) -> dict[str, Any]:
        data = super().to_input()
        data["accepted"] = data["accepted"] == "yes"
        return data


class PayForm(CaseForm):
    method = forms.ChoiceField(label="How was it paid?", widget=forms.RadioSelect)
    arrears_offset = PoundsField(
        label="Amount offset against arrears (optional)",
        required=False,
        help_text="The part of the award credited to money the customer owes. Leave blank for none; the customer is told of any offset.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = self.pack.compensation
        allowed = list(rules.methods) if rules else [m.value for m in PaymentMethod]
        labels = dict(PaymentMethod.choices)
        _choice(self, "method").choices = [(m, labels.get(m, m)) for m in allowed]
        if not (rules and rules.arrears_offset):
            del self.fields["arrears_offset"]

    def to_input(self) -> dict[str, Any]:
        data = super().to_input()
        data["arrears_offset_pence"] = data.pop("arrears_offset", None) or 0
        return data
