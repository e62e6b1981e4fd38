from typing import Any

from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from putright.domain.floor import FLOOR_RULES
from putright.policies.registry import pack_registry

from .models import (
    ClosureDay,
    FloorChange,
    HomesCount,
    Organisation,
    PolicyAdoption,
)
from .services import (
    OrganisationError,
    adoption_refusal,
    organisation_adopt_policy,
    organisation_calendar_changed,
    organisation_floor_change,
)

ADMIN = "admin"
RULES = {rule.id: rule for rule in FLOOR_RULES}
ONE_CHANGE_AT_A_TIME = "Record one change of policy at a time."
FLOOR_HELP = (
    "Ticked (the default): where the organisation's policy is weaker than the Complaint "
    "Handling Code or says nothing, PutRight applies the Code's minimum on top, and each "
    "deadline and refusal says so. Untick one only to stop PutRight enforcing it: the Code "
    "binds the landlord regardless, and the Code check still reports the policy's gap. "
    "Each change is recorded below."
)


class ClosureDayInline(admin.TabularInline[ClosureDay, Organisation]):
    model = ClosureDay
    extra = 0


class HomesCountInline(admin.TabularInline[HomesCount, Organisation]):
    model = HomesCount
    extra = 0


class PolicyAdoptionForm(forms.ModelForm[PolicyAdoption]):
    """A new change of policy: the pack and the day it takes effect, checked by the service."""

    policy_pack = forms.ChoiceField(label="Policy pack")

    class Meta:
        model = PolicyAdoption
        fields = ("policy_pack", "from_date", "note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        packs = sorted(pack_registry().all(), key=lambda p: p.id)
        field = self.fields["policy_pack"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "---------"), *((p.id, f"{p.id}: {p.title}") for p in packs)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organisation_id = self.instance.organisation_id
        pack, from_date = data.get("policy_pack"), data.get("from_date")
        if organisation_id and pack and from_date and self.instance.pk is None:
            refusal = adoption_refusal(
                organisation=Organisation.objects.get(pk=organisation_id),
                policy_pack=pack,
                from_date=from_date,
            )
            if refusal:
                raise forms.ValidationError(refusal)
        return data


class PolicyAdoptionFormSet(BaseInlineFormSet[PolicyAdoption, Organisation, Any]):
    def clean(self) -> None:
        super().clean()
        new = [f for f in self.extra_forms if f.has_changed()]
        if len(new) > 1:
            raise forms.ValidationError(ONE_CHANGE_AT_A_TIME)


class PolicyAdoptionInline(admin.TabularInline[PolicyAdoption, Organisation]):
    """The organisation's changes of policy: read-only once recorded; a new one is recorded
    by ``organisation_adopt_policy`` (OrganisationAdmin.save_formset)."""

    model = PolicyAdoption
    form = PolicyAdoptionForm
    formset = PolicyAdoptionFormSet
    extra = 0
    fields = (
        "policy_pack",
        "from_date",
        "replaces",
        "state",
        "note",
        "recorded_by_name",
        "recorded_at",
    )
    readonly_fields = ("replaces", "state", "recorded_by_name", "recorded_at")
    verbose_name = "change of policy"
    verbose_name_plural = (
        "changes of policy (cases received before the date keep the pack they started under)"
    )

    @admin.display(description="recorded by")
    def recorded_by_name(self, adoption: PolicyAdoption) -> str:
        return adoption.recorded_by_name if adoption.pk else ""

    @admin.display(description="state")
    def state(self, adoption: PolicyAdoption) -> str:
        if not adoption.pk:
            return ""
        if adoption.withdrawn_at is not None:
            by = adoption.withdrawn_by or adoption.withdrawn_by_label
            return f"withdrawn {timezone.localtime(adoption.withdrawn_at):%d %b %Y} ({by})"
        today = timezone.localdate().isoformat()
        if adoption.from_date.isoformat() > today:
            return "scheduled"
        started = [day for day, _ in adoption.organisation.policy_schedule if day and day <= today]
        in_force = max(started, default="") == adoption.from_date.isoformat()
        return "in force" if in_force else "superseded"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FloorChangeInline(admin.TabularInline[FloorChange, Organisation]):
    """Each Code minimum switched off or on, by whom and when."""

    model = FloorChange
    extra = 0
    fields = ("code_minimum", "applies", "note", "recorded_by_name", "recorded_at")
    readonly_fields = fields
    verbose_name = "change to the Code minimums applied"
    verbose_name_plural = "changes to the Code minimums applied"

    @admin.display(description="recorded by")
    def recorded_by_name(self, change: FloorChange) -> str:
        return change.recorded_by_name

    @admin.display(description="Code minimum")
    def code_minimum(self, change: FloorChange) -> str:
        rule = RULES.get(change.rule)
        return f"{rule.title} ({rule.provisions})" if rule else change.rule

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrganisationForm(forms.ModelForm[Organisation]):
    code_floor = forms.MultipleChoiceField(
        label="The Code's minimum PutRight applies",
        choices=[(rule.id, f"{rule.title} ({rule.provisions})") for rule in FLOOR_RULES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=FLOOR_HELP,
    )
    code_floor_note = forms.CharField(
        label="Why (kept with a change to the Code minimums)", required=False
    )

    class Meta:
        model = Organisation
        # code_floor_off is set through code_floor, by the service, so each change is recorded.
        fields = (
            "name",
            "slug",
            "contact_phone",
            "contact_address",
            "calendar_region",
            "cutoff_time",
            "ombudsman_route",
            "parent",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        off = set(self.instance.code_floor_off or ())
        self.fields["code_floor"].initial = [r.id for r in FLOOR_RULES if r.id not in off]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    form = OrganisationForm
    list_display = (
        "name",
        "slug",
        "policy_pack",
        "next_policy",
        "floor_off",
        "ombudsman_route",
        "parent",
    )
    search_fields = ("name", "slug")
    readonly_fields = ("policy_pack", "reference_prefix", "calendar_version")
    inlines = [HomesCountInline, ClosureDayInline, PolicyAdoptionInline, FloorChangeInline]

    @admin.display(description="scheduled change of policy")
    def next_policy(self, organisation: Organisation) -> str:
        today = timezone.localdate().isoformat()
        later = [(day, pack) for day, pack in organisation.policy_schedule if day and day > today]
        return ", ".join(f"{pack} from {day}" for day, pack in later) or "-"

    @admin.display(description="Code minimums not applied")
    def floor_off(self, organisation: Organisation) -> str:
        return ", ".join(organisation.code_floor_off or ()) or "none"

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        """The organisation, then any change to the Code minimums through the service."""
        super().save_model(request, obj, form, change)
        applied = set(form.cleaned_data.get("code_floor") or ())
        off = [r.id for r in FLOOR_RULES if r.id not in applied]
        on = [r.id for r in FLOOR_RULES if r.id in applied]
        organisation_floor_change(
            organisation=obj,
            off=off,
            on=on,
            note=form.cleaned_data.get("code_floor_note", ""),
            recorded_by=request.user if request.user.is_authenticated else None,
            recorded_by_label=ADMIN,
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """A new change of policy is recorded by the service, never saved as a bare row."""
        if formset.model is not PolicyAdoption:
            super().save_formset(request, form, formset, change)
            return
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for adoption_form in formset.extra_forms:
            if not adoption_form.has_changed():
                continue
            data = adoption_form.cleaned_data
            try:
                adoption = organisation_adopt_policy(
                    organisation=form.instance,
                    policy_pack=data["policy_pack"],
                    from_date=data["from_date"],
                    note=data.get("note", ""),
                    recorded_by=request.user if request.user.is_authenticated else None,
                    recorded_by_label=ADMIN,
                )
            except OrganisationError as error:  # changed by someone else since the form was checked
                messages.error(request, str(error))
            else:
                formset.new_objects.append(adoption)

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        """Closure days, the region or the cut-off changed here move open cases' dates too."""
        super().save_related(request, form, formsets, change)
        calendar_changed = bool({"calendar_region", "cutoff_time"} & set(form.changed_data))
        for formset in formsets:
            if formset.model is ClosureDay and formset.has_changed():
                calendar_changed = True
        if change and calendar_changed:
            organisation_calendar_changed(form.instance)
