"""Forms for the actions on a case: each offers the policy's own choices for this case."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from putright.accounts.models import User
from putright.cases.models import Case, ClosureReason, EventKind, Outcome
from putright.cases.selectors import stage_events
from putright.cases.services import route_allowed
from putright.domain.policy import Pack

OUTCOME_CHOICES = [(o.value, o.label) for o in Outcome]


def choices_of(form: forms.Form, name: str) -> forms.ChoiceField:
    """A form's choice field, typed, so that its choices can be set for this case."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class ActionForm(forms.Form):
    """Every action: when it happened (blank for now) and the version the handler saw."""

    occurred_at = forms.DateTimeField(
        label="When did this happen?",
        required=False,
        help_text="Leave blank for now. For example, 2026-03-02 14:30",
        input_formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d"],
        widget=forms.TextInput(attrs={"data-width": "20", "autocomplete": "off"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, case: Case, pack: Pack, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.pack = pack
        self.user = user
        self.fields["version"].initial = case.version
        # "When" comes last: most actions happen now.
        self.order_fields([name for name in self.fields if name != "occurred_at"] + ["occurred_at"])

    def clean_occurred_at(self) -> datetime.datetime | None:
        value: datetime.datetime | None = self.cleaned_data.get("occurred_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        if value is not None and value > timezone.now():
            raise forms.ValidationError("Give a time that is not in the future.")
        return value


def _staff_choices(case: Case) -> list[tuple[str, str]]:
    users = (
        User.objects.filter(memberships__organisation_id=case.organisation_id, is_active=True)
        .distinct()
        .order_by("display_name", "username")
    )
    return [("", "Choose a person")] + [(u.username, str(u)) for u in users]


class AcknowledgeForm(ActionForm):
    method = forms.ChoiceField(
        label="How was it acknowledged?",
        choices=[("letter", "Letter"), ("email", "E-mail"), ("phone", "Phone call")],
        widget=forms.RadioSelect,
    )


class AssignForm(ActionForm):
    handler = forms.ChoiceField(label="Complaint handler", required=False)
    investigator = forms.ChoiceField(label="Investigating officer", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _staff_choices(self.case)
        choices_of(self, "handler").choices = choices
        choices_of(self, "investigator").choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("handler") and not data.get("investigator"):
            raise forms.ValidationError("Choose a handler or an investigator.")
        return data


class RequestInvestigationForm(ActionForm):
    team = forms.CharField(label="Which team is asked to investigate?", max_length=100)
    investigator = forms.ChoiceField(label="Investigating officer (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "investigator").choices = _staff_choices(self.case)


class RecordInvestigationForm(ActionForm):
    summary = forms.CharField(
        label="What did the investigating team find?", widget=forms.Textarea(attrs={"rows": 5})
    )


class ExtendForm(ActionForm):
    working_days = forms.IntegerField(
        label="How many more working days?",
        min_value=1,
        max_value=60,
        widget=forms.NumberInput(attrs={"data-width": "3"}),
    )
    reason = forms.ChoiceField(label="Why is more time needed?", widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage = self.pack.stage(self.case.stage) if self.case.stage else None
        rule = stage.extension_for(self.case.route or None) if stage else None
        if rule is not None:
            choices_of(self, "reason").choices = [(r.id, r.label) for r in rule.reasons] or [
                ("other", "Another reason")
            ]
            self.fields[
                "working_days"
            ].help_text = (
                f"The policy allows at most {rule.max_days} working days in all at this stage."
            )
        else:
            choices_of(self, "reason").choices = []


class RespondForm(ActionForm):
    outcome = forms.ChoiceField(
        label="What is the decision?", choices=OUTCOME_CHOICES, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Reasons for the decision",
        help_text="Address every point raised, with the policy, law or good practice it rests on.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class EscalateForm(ActionForm):
    route = forms.ChoiceField(label="Which route?", widget=forms.RadioSelect, required=False)
    reasons = forms.CharField(
        label="Why does the customer remain dissatisfied?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    about_compensation = forms.BooleanField(
        label="The dissatisfaction is about compensation", required=False
    )
    accept_late = forms.BooleanField(
        label="Accept this request although the window has closed (manager's decision)",
        required=False,
    )
    late_reason = forms.CharField(
        label="Why is the late request accepted?", required=False, max_length=500
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage = self.pack.stage(self.case.stage) if self.case.stage else None
        target = self.pack.stage(stage.escalation.to) if stage and stage.escalation else None
        if target is None or not target.routes:
            del self.fields["route"]
            del self.fields["about_compensation"]
        else:
            outcome = _last_outcome(self.case)
            choices_of(self, "route").choices = [
                (r.id, r.label)
                for r in target.routes
                if route_allowed(target, r.id, previous_outcome=outcome, about=("compensation",))
                is None
            ]
            self.fields["route"].required = True
        if stage and stage.escalation and stage.escalation.reasons_required:
            self.fields["reasons"].required = True
            self.fields["reasons"].help_text = "This policy asks for the customer's reasons."
        else:
            self.fields[
                "reasons"
            ].help_text = "Optional: the customer does not have to give reasons."


def _last_outcome(case: Case) -> str:
    events = list(case.events.order_by("sequence"))
    responded = [e for e in stage_events(case, events) if e.kind == EventKind.RESPONDED]
    return str(responded[-1].data.get("outcome", "")) if responded else ""


class RefuseEscalationForm(ActionForm):
    ground = forms.ChoiceField(
        label="On what ground does the policy allow a refusal?", widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label="Explanation for the customer", widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage = self.pack.stage(self.case.stage) if self.case.stage else None
        grounds = stage.escalation.refusal_grounds if stage and stage.escalation else ()
        choices_of(self, "ground").choices = [(g.id, g.label) for g in grounds]


class CloseForm(ActionForm):
    reason = forms.ChoiceField(
        label="Why is the case closing?",
        choices=[(r.value, r.label) for r in ClosureReason if r not in ("refused", "redirected")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(ActionForm):
    reason = forms.CharField(
        label="Why is the case reopened?", widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawForm(ActionForm):
    note = forms.CharField(
        label="What did the customer say? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(ActionForm):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 5}))


class MakeFormalForm(ActionForm):
    reason = forms.CharField(
        label="Why does it become a formal complaint?", required=False, max_length=500
    )


class ContactForm(ActionForm):
    summary = forms.CharField(label="What was said?", widget=forms.Textarea(attrs={"rows": 3}))
    direction = forms.ChoiceField(
        label="Who made contact?",
        choices=[
            ("inbound", "The customer contacted us"),
            ("outbound", "We contacted the customer"),
        ],
        widget=forms.RadioSelect,
    )


class EligibilityForm(ActionForm):
    accepted = forms.ChoiceField(
        label="Is the case accepted under the policy?",
        choices=[("yes", "Yes, it is accepted"), ("no", "No, an exclusion applies")],
        widget=forms.RadioSelect,
    )
    exclusion = forms.ChoiceField(
        label="Which exclusion?", required=False, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason, in words the customer will read",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "exclusion").choices = [(e.id, e.label) for e in self.pack.exclusions]
