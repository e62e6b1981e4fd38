"""Forms for the actions on a case: each offers the policy's own choices for this case."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from putright.accounts.access import ACTION_ROLES
from putright.accounts.models import Role, User
from putright.actions.cases import milestones
from putright.cases.models import Case, ClosureReason, EventKind, Outcome
from putright.cases.selectors import case_deadlines, stage_events
from putright.cases.services import (
    ActionDue,
    AnswerView,
    Checks,
    check_response,
    definition_in_force,
    point_views,
    route_allowed,
)
from putright.domain.policy import Pack
from putright.quality.readability import ReadingEase, reading_ease

OUTCOME_CHOICES = [(o.value, o.label) for o in Outcome]
#: The most points of a complaint one response answers in the form.
MAX_POINTS = 30


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
    #: Whether the form answers a complaint point by point ("Add another point").
    adds_points = False

    def __init__(self, *args: Any, case: Case, pack: Pack, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.pack = pack
        self.user = user
        self.fields["version"].initial = case.version
        # "When" comes last: most actions happen now.
        self.order_fields([name for name in self.fields if name != "occurred_at"] + ["occurred_at"])

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The visible fields in the order shown, in groups (a legend, or "" for none)."""
        return [("", list(self.visible_fields()))]

    def to_input(self) -> dict[str, Any]:
        """The answers as the action's input: the same names and shapes the API takes."""
        return {k: v for k, v in self.cleaned_data.items() if v is not None or k == "version"}

    def clean_occurred_at(self) -> datetime.datetime | None:
        value: datetime.datetime | None = self.cleaned_data.get("occurred_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        if value is not None and value > timezone.now():
            raise forms.ValidationError("Give a time that is not in the future.")
        return value


def _staff_choices(case: Case, action: str | None = None) -> list[tuple[str, str]]:
    """The organisation's active staff; with ``action``, only those whose role may take it
    (an investigator is someone who may record an investigation, never a board member)."""
    users = User.objects.filter(memberships__organisation_id=case.organisation_id, is_active=True)
    if action is not None:
        users = users.filter(
            memberships__organisation_id=case.organisation_id,
            memberships__role__in=ACTION_ROLES[action],
        )
    else:
        users = users.exclude(memberships__role=Role.API_CLIENT)
    ordered = users.distinct().order_by("display_name", "username")
    return [("", "Choose a person")] + [(u.username, str(u)) for u in ordered]


def _point_count(form: ActionForm, start: int) -> int:
    """How many points the form shows: as posted (or carried by "Add another point")."""
    given = form.data.get("points") if form.is_bound else form.initial.get("points", start)
    try:
        count = int(str(given))
    except (TypeError, ValueError):
        count = start
    return max(0, min(count, MAX_POINTS))


class AcknowledgeForm(ActionForm):
    """How it was acknowledged, and the complaint as understood, point by point, each with the
    outcome the resident wants (Code 5.6). "Add another point" shows one more without saving."""

    method = forms.ChoiceField(
        label="How was it acknowledged?",
        choices=[("letter", "Letter"), ("email", "E-mail"), ("phone", "Phone call")],
        widget=forms.RadioSelect,
    )
    points = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_POINTS
    )
    adds_points = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.point_count = _point_count(self, 1)
        self.fields["points"].initial = self.point_count
        self.point_fields: list[list[str]] = []
        said = self.case.summary
        wanted = self.case.desired_outcome
        for n in range(1, self.point_count + 1):
            names = [f"point_{n}_description", f"point_{n}_outcome_sought"]
            self.fields[names[0]] = forms.CharField(
                label="What the resident is unhappy about",
                required=False,
                max_length=5000,
                help_text=f"They told us: {said}" if n == 1 and said else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[names[1]] = forms.CharField(
                label="The outcome they want",
                required=False,
                max_length=5000,
                help_text=f"They asked for: {wanted}" if n == 1 and wanted else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.point_fields.append(names)
        self.order_fields(
            ["method", *[n for names in self.point_fields for n in names], "occurred_at"]
        )

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            ("", [self["method"]]),
            *[
                (f"Point {n} of the complaint", [self[name] for name in names])
                for n, names in enumerate(self.point_fields, start=1)
            ],
            ("", [self["occurred_at"]]),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for description, sought in self.point_fields:
            if data.get(sought, "").strip() and not data.get(description, "").strip():
                self.add_error(description, "Say what the resident is unhappy about.")
        return data

    def to_input(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "method": data["method"],
            "definition": [
                {"description": data[d].strip(), "outcome_sought": data.get(o, "").strip()}
                for d, o in self.point_fields
                if data.get(d, "").strip()
            ],
            "version": data["version"],
            "occurred_at": data.get("occurred_at"),
        }


class AssignForm(ActionForm):
    handler = forms.ChoiceField(label="Complaint handler", required=False)
    investigator = forms.ChoiceField(label="Investigating officer", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "handler").choices = _staff_choices(self.case, "respond")
        choices_of(self, "investigator").choices = _staff_choices(self.case, "record-investigation")
        role_id, suggested = policy_suggestion(self.case, self.pack)
        if role_id and suggested:
            names = ", ".join(str(u) for u in suggested)
            self.fields[
                "handler"
            ].help_text = (
                f"The policy gives this stage to the {self.pack.role_title(role_id)}: {names}."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("handler") and not data.get("investigator"):
            raise forms.ValidationError("Choose a handler or an investigator.")
        return data


def policy_suggestion(case: Case, pack: Pack) -> tuple[str, list[User]]:
    """Who the pack says handles the case's stage (its route's decider, or the stage's
    handler role), found among the staff as the role's team and independence require."""
    from putright.accounts.selectors import people_for_role

    if not case.stage or case.stage not in {s.id for s in pack.stages}:
        return "", []
    stage = pack.stage(case.stage)
    route = stage.route(case.route) if case.route else None
    role_id = (route.decided_by if route else None) or stage.handled_by
    if not role_id or role_id not in {r.id for r in pack.roles}:
        return "", []
    earlier: set[int] = set()
    for event in case.events.exclude(stage=case.stage).filter(
        kind__in=[EventKind.ASSIGNED, EventKind.RESPONDED]
    ):
        if event.kind == EventKind.RESPONDED and event.actor_id:
            earlier.add(event.actor_id)
        elif (event.data or {}).get("handler_id"):
            earlier.add(int(event.data["handler_id"]))
    handlers = list(User.objects.filter(pk__in=earlier))
    people = people_for_role(
        organisation=case.organisation, pack=pack, role_id=role_id, case_handlers=handlers
    )
    # Someone other than whoever handled an earlier stage, where the policy (or the Code's
    # floor, 6.13) says so, whatever the role's own independence.
    different = any(
        s.escalation and s.escalation.different_handler and s.escalation.to == case.stage
        for s in pack.stages
    )
    if different:
        people = [p for p in people if p.pk not in earlier]
    return role_id, people


class RequestInvestigationForm(ActionForm):
    team = forms.CharField(label="Which team is asked to investigate?", max_length=100)
    investigator = forms.ChoiceField(label="Investigating officer (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "investigator").choices = _staff_choices(self.case, "record-investigation")


class RecordInvestigationForm(ActionForm):
    summary = forms.CharField(
        label="What did the investigating team find?", widget=forms.Textarea(attrs={"rows": 5})
    )


class ExtendForm(ActionForm):
    """More time: the policy's reasons where it lists them, and always the handler's own words
    for the customer's letter (Code 6.4); the customer's agreement where the policy needs it."""

    working_days = forms.IntegerField(
        label="How many more working days?",
        min_value=1,
        max_value=60,
        widget=forms.NumberInput(attrs={"data-width": "3"}),
    )
    reason = forms.ChoiceField(
        label="Why is more time needed?", widget=forms.RadioSelect, required=False
    )
    explanation = forms.CharField(
        label="Explain it to the customer",
        help_text="In your own words: the customer's letter carries this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    customer_agreed = forms.TypedChoiceField(
        label="Has the customer agreed to more time?",
        choices=[("yes", "Yes, they agreed"), ("no", "No, they did not agree")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage = self.pack.stage(self.case.stage) if self.case.stage else None
        self.rule = stage.extension_for(self.case.route or None) if stage else None
        rule = self.rule
        if rule is None or not rule.reasons:
            del self.fields["reason"]
            self.fields["explanation"].required = True
        else:
            choices_of(self, "reason").choices = [(r.id, r.label) for r in rule.reasons]
            self.fields["reason"].required = not rule.other_reasons
            if rule.other_reasons:
                self.fields[
                    "reason"
                ].help_text = "Or leave it and explain another reason below: the policy allows any."
        if rule is not None and rule.max_days is not None:
            self.fields[
                "working_days"
            ].help_text = (
                f"The policy allows at most {rule.max_days} working days in all at this stage."
            )
        if rule is None or not rule.customer_agreement:
            del self.fields["customer_agreed"]
        else:
            when = [c.label.lower() for c in rule.reasons if c.id in rule.agreement_for]
            if when:
                self.fields[
                    "customer_agreed"
                ].help_text = f"Needed when the reason is {' or '.join(when)}."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.rule is not None and "customer_agreed" in self.fields:
            reason = data.get("reason") or ""
            if self.rule.needs_agreement(reason) and data.get("customer_agreed") is None:
                self.add_error("customer_agreed", "Say whether the customer agreed to more time.")
        if "reason" in self.fields and not data.get("reason") and not data.get("explanation"):
            self.add_error("explanation", "Choose a reason above, or explain it here.")
        return data


#: The parts of a point's answer, in the order the page asks for them.
ANSWER_PARTS = ("finding", "outcome", "reasons", "remedy", "action", "action_owner", "action_due")


class RespondForm(ActionForm):
    """The decision overall and on each point of the complaint: what was found, the decision,
    its reasons, what puts it right, and anything still to do with its owner and date.

    The points set out at acknowledgement come first, each named; points answered at an
    earlier stage are offered again; "Add another point" shows one more without saving.
    Before sending, the page lists what the Code asks that the response still lacks
    (``checks``) and how easy it is to read (``reading``).
    """

    outcome = forms.ChoiceField(
        label="What is the decision overall?", choices=OUTCOME_CHOICES, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Your words to the resident: reasons for the decision",
        help_text="The letter gives the complaint as you understood it, your decision on each "
        "point and how to take it further; say here, in your own words, why you decided as "
        "you did and what you want the resident to know.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    points = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_POINTS
    )
    adds_points = True
    checks_template = "staff/includes/response_checks.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.defined = definition_in_force(self.case)
        # At a later stage with no definition of its own, the points answered before are
        # answered again: shown to start with.
        earlier = (
            []
            if self.defined or self.is_bound or "points" in self.initial
            else list(
                self.case.issues.exclude(stage=self.case.stage)
                .order_by("number")
                .values_list("description", flat=True)
            )
        )
        start = len(self.defined) or len(earlier) or 1
        self.point_count = max(_point_count(self, start), len(self.defined))
        self.fields["points"].initial = self.point_count
        self.point_fields: list[dict[str, str]] = []
        owners = _staff_choices(self.case, "remedy")
        for n in range(1, self.point_count + 1):
            defined = self.defined[n - 1] if n <= len(self.defined) else None
            names = {part: f"point_{n}_{part}" for part in ("description", *ANSWER_PARTS)}
            if defined is None:
                self.fields[names["description"]] = forms.CharField(
                    label="What the customer raised",
                    required=False,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                if n - len(self.defined) <= len(earlier):
                    self.fields[names["description"]].initial = earlier[n - 1]
            else:
                del names["description"]
            sought = (
                f"They want: {defined.outcome_sought}" if defined and defined.outcome_sought else ""
            )
            self.fields[names["finding"]] = forms.CharField(
                label="What you found",
                required=False,
                help_text=sought,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[names["outcome"]] = forms.ChoiceField(
                label="Decision on this point",
                choices=OUTCOME_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[names["reasons"]] = forms.CharField(
                label="Reasons on this point",
                required=False,
                help_text="The policy, law or good practice the decision rests on.",
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[names["remedy"]] = forms.CharField(
                label="What puts it right",
                required=False,
                help_text="The remedy, or why none is needed.",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[names["action"]] = forms.CharField(
                label="Anything still to do (optional)",
                required=False,
                max_length=5000,
                help_text="Tracked as an action until it is done.",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[names["action_owner"]] = forms.ChoiceField(
                label="Who will do it", required=False, choices=owners
            )
            self.fields[names["action_due"]] = forms.DateField(
                label="When it will be done",
                required=False,
                help_text="For example, 2026-04-30",
                input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
                widget=forms.TextInput(attrs={"data-width": "10", "autocomplete": "off"}),
            )
            self.point_fields.append(names)
        self.order_fields(
            [
                "outcome",
                "text",
                *[n for names in self.point_fields for n in names.values()],
                "occurred_at",
            ]
        )

    def _legend(self, n: int) -> str:
        if n <= len(self.defined):
            return f"Point {n}: {self.defined[n - 1].description}"
        return f"Point {n} of the complaint"

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            ("", [self["outcome"], self["text"]]),
            *[
                (self._legend(n), [self[name] for name in names.values()])
                for n, names in enumerate(self.point_fields, start=1)
            ],
            ("", [self["occurred_at"]]),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = "(Code 6.18)" if self.pack.stage(self.case.stage).level >= 2 else "(Code 6.7)"
        for n, names in enumerate(self.point_fields, start=1):
            defined = n <= len(self.defined)
            described = defined or data.get(names.get("description", ""), "").strip()
            answered = any(
                str(data.get(names[p]) or "").strip() for p in ("finding", "reasons", "remedy")
            )
            if defined and not data.get(names["outcome"]):
                self.add_error(
                    names["outcome"], f"Choose the decision on this point: every point {code}."
                )
            elif described and not data.get(names["outcome"]):
                self.add_error(names["outcome"], "Choose the decision on this point.")
            if (data.get(names["outcome"]) or answered) and not described:
                self.add_error(names["description"], "Say what the customer raised.")
            due = data.get(names["action_due"])
            if due is not None and due < timezone.localdate():
                self.add_error(names["action_due"], "Give a date from today.")
            if (data.get(names["action_owner"]) or data.get(names["action_due"])) and not data.get(
                names["action"], ""
            ).strip():
                self.add_error(names["action"], "Say what is still to do.")
        return data

    def _answers(self, data: Any) -> list[dict[str, Any]]:
        """Each point answered, as the action takes it (from cleaned or typed answers)."""
        answers = []
        for n, names in enumerate(self.point_fields, start=1):
            defined = self.defined[n - 1] if n <= len(self.defined) else None
            description = str(data.get(names.get("description", ""), "") or "").strip()
            if defined is None and not description:
                continue
            action = str(data.get(names["action"]) or "").strip()
            due = data.get(names["action_due"]) or None
            answer: dict[str, Any] = {
                "description": description,
                "outcome": data.get(names["outcome"]) or "",
                "reasons": str(data.get(names["reasons"]) or ""),
                "finding": str(data.get(names["finding"]) or ""),
                "remedy": str(data.get(names["remedy"]) or ""),
                "actions": (
                    [
                        {
                            "text": action,
                            "owner": data.get(names["action_owner"]) or None,
                            "due_on": due,
                        }
                    ]
                    if action
                    else []
                ),
            }
            if defined is not None:
                answer["point"] = defined.number
            answers.append(answer)
        return answers

    def to_input(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "text": data["text"],
            "issues": self._answers(data),
            "version": data["version"],
            "occurred_at": data.get("occurred_at"),
        }

    def _typed(self) -> dict[str, Any]:
        """What the handler has typed so far (cleaned where it is valid)."""
        typed: dict[str, Any] = dict(self.initial)
        if self.is_bound:
            typed.update(self.data.dict() if hasattr(self.data, "dict") else dict(self.data))
            typed.update(getattr(self, "cleaned_data", {}) or {})
        return typed

    def checks(self) -> Checks:
        """What the Code asks that the response, as typed so far, still lacks."""
        typed = self._typed()
        answers = []
        for answer in self._answers(typed):
            due = answer["actions"][0]["due_on"] if answer["actions"] else None
            if isinstance(due, str):
                try:
                    due = datetime.date.fromisoformat(due)
                except ValueError:
                    due = None
            answers.append(
                AnswerView(
                    point=answer.get("point"),
                    description=answer["description"],
                    outcome=answer["outcome"],
                    reasons=answer["reasons"],
                    finding=answer["finding"],
                    remedy=answer["remedy"],
                    actions=tuple(ActionDue(a["text"], None, due) for a in answer["actions"]),
                )
            )
        return check_response(
            points=point_views(self.defined),
            answers=answers,
            outcome=str(typed.get("outcome") or ""),
            text=str(typed.get("text") or ""),
            level=self.pack.stage(self.case.stage).level,
            desired_outcome=self.case.desired_outcome,
        )

    def reading(self) -> ReadingEase | None:
        """How easy the handler's words are to read (advice)."""
        typed = self._typed()
        words = [str(typed.get("text") or "")]
        for answer in self._answers(typed):
            words += [answer["finding"], answer["reasons"], answer["remedy"]]
        return reading_ease(words)


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
        if not _window_closed(self.case):
            # Accepting a late request is a decision only once the window has closed.
            del self.fields["accept_late"]
            del self.fields["late_reason"]
        if stage and stage.escalation and stage.escalation.reasons_required:
            self.fields["reasons"].required = True
            self.fields["reasons"].help_text = "This policy asks for the customer's reasons."
        else:
            self.fields[
                "reasons"
            ].help_text = "Optional: the customer does not have to give reasons."

    def to_input(self) -> dict[str, Any]:
        data = super().to_input()
        data["about"] = ["compensation"] if data.pop("about_compensation", False) else []
        return data


def _window_closed(case: Case) -> bool:
    """Whether the window to escalate the case's stage closed before today."""
    today = timezone.localdate()
    return any(
        d.stage == case.stage and d.step == "escalation_window" and d.due < today
        for d in case_deadlines(case, today=today)
    )


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


class FlagForm(ActionForm):
    flag = forms.ChoiceField(
        label="Which flag?",
        choices=[("vulnerability", "Vulnerability"), ("safeguarding", "Safeguarding")],
        widget=forms.RadioSelect,
    )
    raised = forms.TypedChoiceField(
        label="Raise it or clear it?",
        choices=[("true", "Raise the flag"), ("false", "Clear the flag")],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why?",
        help_text="For example what the customer told you, or why the screen's words were wrong.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


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

    def to_input(self) -> dict[str, Any]:
        data = super().to_input()
        data["accepted"] = data["accepted"] == "yes"
        return data


class ClassifyForm(ActionForm):
    kind = forms.ChoiceField(label="What kind of case is this?", widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "kind").choices = [
            (k.kind.value, k.label) for k in self.pack.kinds if k.kind.value != self.case.kind
        ]
        self.fields["kind"].help_text = (
            f"It is recorded as: {self.case.get_kind_display().lower()}. The choices are the "
            "kinds this organisation's policy handles."
        )


class ChaseForm(ActionForm):
    note = forms.CharField(
        label="Who was chased, and what for? (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LinkForm(ActionForm):
    other = forms.CharField(
        label="Reference of the other case",
        max_length=30,
        help_text="For example, SHG-2026-00042",
        widget=forms.TextInput(attrs={"data-width": "20", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label="How are they linked?",
        choices=[
            ("related", "They are about related matters"),
            ("repeat_of", "This case repeats the other (the same matter raised again)"),
        ],
        initial="related",
        widget=forms.RadioSelect,
    )

    def clean_other(self) -> str:
        return str(self.cleaned_data["other"]).strip().upper()


class SplitForm(ActionForm):
    summaries = forms.CharField(
        label="The matters to record as separate cases",
        help_text="One per line, in a few words each (at most 20). Each becomes a case linked "
        "to this one, with the same customer and dates.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_summaries(self) -> list[str]:
        lines = [line.strip() for line in str(self.cleaned_data["summaries"]).splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError("Give at least one matter.")
        if len(lines) > 20:
            raise forms.ValidationError("Give at most 20 matters.")
        if any(len(line) > 300 for line in lines):
            raise forms.ValidationError("Keep each matter to 300 characters.")
        return lines


class AttachForm(ActionForm):
    file = forms.FileField(
        label="Choose a file",
        help_text="A PDF, image, Office document or text file, at most 10 MB.",
    )


class MarkStepDoneForm(ActionForm):
    step = forms.ChoiceField(label="Which step is done?", widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "step").choices = [
            (s.id, s.label) for s in milestones(self.case, self.pack)
        ]


class AddMemberForm(ActionForm):
    username = forms.ChoiceField(label="Who?")
    role = forms.ChoiceField(
        label="Their part in this case",
        choices=[
            ("panel_member", "Panel member"),
            ("investigating_officer", "Investigating officer"),
            ("complaint_handler", "Complaint handler"),
            ("manager", "Manager"),
        ],
        widget=forms.RadioSelect,
        help_text="Being named lets them see the case; a panel member never sees the "
        "customer's contact details.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "username").choices = _staff_choices(self.case)


class ChooseRouteForm(ActionForm):
    route = forms.ChoiceField(label="Which route does this stage take?", widget=forms.RadioSelect)
    about_compensation = forms.BooleanField(
        label="The customer's dissatisfaction is about compensation", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage = self.pack.stage(self.case.stage) if self.case.stage else None
        routes = stage.routes if stage else ()
        responses = self.case.events.filter(kind=EventKind.RESPONDED).order_by("-sequence")
        last = responses.first()
        outcome = str(last.data.get("outcome", "")) if last else ""
        choices_of(self, "route").choices = [
            (r.id, r.label)
            for r in routes
            if stage is not None
            and route_allowed(stage, r.id, previous_outcome=outcome, about=("compensation",))
            is None
        ]
        if not any(r.when.about for r in routes):
            del self.fields["about_compensation"]

    def to_input(self) -> dict[str, Any]:
        data = super().to_input()
        data["about"] = ["compensation"] if data.pop("about_compensation", False) else []
        return data


#: Each case action's form, by the action's name (``putright.actions.cases``): a form made for
#: people whose ``to_input()`` gives the action's input.
ACTION_FORMS: dict[str, type[ActionForm]] = {
    "acknowledge": AcknowledgeForm,
    "choose-route": ChooseRouteForm,
    "escalate": EscalateForm,
    "refuse-escalation": RefuseEscalationForm,
    "decide-eligibility": EligibilityForm,
    "request-investigation": RequestInvestigationForm,
    "record-investigation": RecordInvestigationForm,
    "chase": ChaseForm,
    "respond": RespondForm,
    "extend": ExtendForm,
    "mark-step-done": MarkStepDoneForm,
    "make-formal": MakeFormalForm,
    "classify": ClassifyForm,
    "assign": AssignForm,
    "add-member": AddMemberForm,
    "contact": ContactForm,
    "note": NoteForm,
    "flag": FlagForm,
    "attach": AttachForm,
    "link": LinkForm,
    "split": SplitForm,
    "close": CloseForm,
    "reopen": ReopenForm,
    "withdraw": WithdrawForm,
}
