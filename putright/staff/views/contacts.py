"""Record a contact: check it against the policy, see the deadlines it starts, then save."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from putright.accounts.access import ACTION_ROLES, organisations_for, roles_in
from putright.accounts.models import User
from putright.cases.errors import CaseError
from putright.cases.models import Channel, Kind
from putright.cases.queries import FLAG_FIELDS
from putright.cases.selectors import floor_for
from putright.cases.services import Actor, case_receive
from putright.domain.deadlines import Timeline, derive_deadlines
from putright.domain.eligibility import screen
from putright.domain.errors import CalendarError
from putright.organisations.models import Organisation
from putright.organisations.selectors import pack_for_contact
from putright.organisations.services import organisation_calendar
from putright.people.models import Authority, ContactMethod, Relationship, Tenure
from putright.people.restrictions import contact_accepted
from putright.people.services import person_create, representative_create
from putright.policies.registry import get_pack
from putright.staff.forms import choices_of

STAFF_CHANNELS = [
    c
    for c in Channel.choices
    if c[0] in ("phone", "email", "letter", "in_person", "social_media", "mp_councillor")
]


class RecordContactForm(forms.Form):
    organisation = forms.ChoiceField(label="Organisation")
    channel = forms.ChoiceField(
        label="How did the contact arrive?", choices=STAFF_CHANNELS, widget=forms.RadioSelect
    )
    kind = forms.ChoiceField(label="What is it?", choices=Kind.choices, widget=forms.RadioSelect)
    received_at = forms.DateTimeField(
        label="When was it received?",
        required=False,
        help_text="Leave blank for now. For example, 2026-03-02 14:30",
        input_formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.TextInput(attrs={"data-width": "20", "autocomplete": "off"}),
    )
    name = forms.CharField(label="Customer's full name", required=False, max_length=200)
    email = forms.EmailField(label="E-mail address", required=False)
    phone = forms.CharField(label="Phone number", required=False, max_length=40)
    address = forms.CharField(
        label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"data-width": "10"}),
    )
    preferred_contact = forms.ChoiceField(
        label="How do they prefer to be contacted?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
    )
    tenure = forms.ChoiceField(label="Tenure", choices=Tenure.choices)
    representative_name = forms.CharField(
        label="Someone acting for the customer (optional)",
        help_text="An advocate, a family member, an MP or councillor, a solicitor.",
        required=False,
        max_length=200,
    )
    representative_relationship = forms.ChoiceField(
        label="Who are they to the customer?",
        choices=[("", "Choose"), *list(Relationship.choices)],
        required=False,
    )
    representative_authority = forms.ChoiceField(
        label="Has the customer given their authority?",
        choices=[("", "Not yet: ask for it"), *list(Authority.choices)],
        required=False,
        help_text="A legal representative needs none. Until it is held, share nothing personal.",
    )
    representative_contact = forms.CharField(
        label="How to reach them (e-mail or phone)", required=False, max_length=200
    )
    accessibility_needs = forms.CharField(
        label="Accessibility needs or reasonable adjustments",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    summary = forms.CharField(label="Summary in a few words", max_length=300)
    details = forms.CharField(
        label="What happened?", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    matter_occurred_on = forms.DateField(
        label="When did it happen?",
        required=False,
        help_text="For example, 2026-01-31. The policy's time limit needs it.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.TextInput(attrs={"data-width": "10"}),
    )
    desired_outcome = forms.CharField(
        label="What would put it right?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    service_area = forms.ChoiceField(label="Service area", required=False)
    accepted_because = forms.CharField(
        label="The customer is restricted: why is this contact accepted?",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    flags = forms.MultipleChoiceField(
        label="Flags",
        required=False,
        choices=[(f, f.replace("_", " ").capitalize()) for f in FLAG_FIELDS],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {o.slug: o for o in organisations}
        choices_of(self, "organisation").choices = [(o.slug, o.name) for o in organisations]
        # Each organisation's own list (its policy's service areas), grouped under its name.
        own = {o.slug: list(get_pack(o.policy_pack).service_areas) for o in organisations}
        self.service_areas = own
        grouped: list[Any] = [("", "Not known yet")]
        if len(organisations) == 1:
            grouped += [(a, a) for a in own[organisations[0].slug]]
        else:
            grouped += [
                (o.name, [(a, a) for a in own[o.slug]]) for o in organisations if own[o.slug]
            ]
        choices_of(self, "service_area").choices = grouped
        self.fields["tenure"].initial = Tenure.TENANT
        self.fields["preferred_contact"].initial = ContactMethod.EMAIL
        self.fields["kind"].initial = Kind.COMPLAINT

    def clean_received_at(self) -> datetime.datetime:
        value: datetime.datetime | None = self.cleaned_data.get("received_at")
        if value is None:
            return timezone.now()
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        if value > timezone.now():
            raise forms.ValidationError("Give a time that is not in the future.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        area, slug = data.get("service_area"), data.get("organisation")
        if area and slug in self.service_areas and area not in self.service_areas[slug]:
            name = self.organisations[slug].name
            self.add_error("service_area", f"{area} is not one of {name}'s service areas.")
        if data.get("representative_name"):
            if not data.get("representative_relationship"):
                self.add_error("representative_relationship", "Say who they are to the customer.")
            if not data.get("name"):
                self.add_error("name", "Enter the name of the customer they act for.")
        if not data.get("name") and "anonymous" not in data.get("flags", []):
            self.add_error("name", "Enter the customer's name, or tick Anonymous under Flags.")
        return data


NOT_ACCEPTED = "Say why this contact is accepted despite the restriction."


def restriction_flags(organisation: Organisation, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Restrictions in force on someone this contact matches: a channel the restriction
    excludes, or more open cases than it allows, flagged before saving."""
    from putright.cases.models import Case, Status
    from putright.people.restrictions import (
        channel_flag,
        issue_limit_flag,
        person_pack,
        restricted_people,
    )

    flags = []
    matches = restricted_people(
        organisation.pk,
        name=data.get("name", ""),
        email=data.get("email", ""),
        postcode=data.get("postcode", ""),
    )
    for person, restrictions in matches.items():
        open_cases = Case.objects.filter(customer=person).exclude(status=Status.CLOSED).count()
        reasons = [
            text
            for text in (
                channel_flag(restrictions, data["channel"], person_pack(person)),
                issue_limit_flag(restrictions, open_cases),
            )
            if text
        ]
        if reasons:
            flags.append({"person": person, "restrictions": restrictions, "reasons": reasons})
    return flags


def preview(organisation: Organisation, data: dict[str, Any]) -> dict[str, Any]:
    """What recording this contact would start: the eligibility screen and the deadlines."""
    floor = floor_for(pack_for_contact(organisation, data["received_at"]), organisation)
    pack = floor.pack
    calendar = organisation_calendar(organisation)
    rule = pack.kind(data["kind"])
    receipt = calendar.deemed_receipt(data["received_at"])
    deadlines = (
        derive_deadlines(
            pack,
            calendar,
            Timeline(kind=data["kind"], received_at=data["received_at"]),
            today=timezone.localdate(),
            floor=floor.code,
        )
        if rule is not None and rule.starts_at
        else []
    )
    flags = set(data.get("flags", []))
    screening = screen(
        pack,
        received_on=receipt.deemed,
        occurred_on=data.get("matter_occurred_on"),
        flags=frozenset(flags),
        notes=floor.notes_by_place(),
    )
    return {
        "pack": pack,
        "rule": rule,
        "receipt": receipt,
        "deadlines": deadlines,
        "screening": screening,
    }


@login_required
def record(request: HttpRequest) -> HttpResponse:
    """Record a phone call, e-mail, letter or visit; check first, then save."""
    user = request.user
    assert isinstance(user, User)
    organisations = [
        o
        for o in organisations_for(user).order_by("name")
        if roles_in(user, o.pk) & ACTION_ROLES["receive"]
    ]
    if not organisations:
        return render(request, "staff/no_permission.html", {"what": "record contacts"}, status=403)
    form = RecordContactForm(request.POST or None, organisations=organisations)
    checked: dict[str, Any] | None = None
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = form.organisations[data["organisation"]]
        try:
            checked = preview(organisation, data)
        except CalendarError as problem:  # a time before the working-day calendar begins
            form.add_error(
                "received_at", f"Give a time the working-day calendar covers: {problem}."
            )
        if checked is not None and checked["rule"] is None:
            form.add_error(
                "kind", f"{organisation.name}'s policy does not handle this kind of case."
            )
        if checked is not None:
            checked["restricted"] = restriction_flags(organisation, data)
            if (
                checked["restricted"]
                and "record" in request.POST
                and not data.get("accepted_because", "").strip()
            ):
                form.add_error("accepted_because", NOT_ACCEPTED)
        if checked is not None and "record" in request.POST and not form.errors:
            try:
                with transaction.atomic():
                    customer = None
                    if data.get("name"):
                        customer = person_create(
                            organisation=organisation,
                            name=data["name"],
                            email=data.get("email", ""),
                            phone=data.get("phone", ""),
                            address=data.get("address", ""),
                            postcode=data.get("postcode", ""),
                            preferred_contact=data["preferred_contact"],
                            tenure=data["tenure"],
                            accessibility_needs=data.get("accessibility_needs", ""),
                            actor=Actor(user),
                        )
                    representative = None
                    if customer is not None and data.get("representative_name"):
                        contact = data.get("representative_contact", "").strip()
                        representative = representative_create(
                            person=customer,
                            name=data["representative_name"],
                            relationship=data["representative_relationship"],
                            authority=data.get("representative_authority") or None,
                            email=contact if "@" in contact else "",
                            phone="" if "@" in contact else contact,
                            actor=Actor(user),
                        )
                    case = case_receive(
                        organisation=organisation,
                        representative=representative,
                        kind=data["kind"],
                        channel=data["channel"],
                        received_at=data["received_at"],
                        summary=data["summary"],
                        details=data.get("details", ""),
                        desired_outcome=data.get("desired_outcome", ""),
                        customer=customer,
                        service_area=data.get("service_area", ""),
                        matter_occurred_on=data.get("matter_occurred_on"),
                        flags=data.get("flags", []),
                        actor=Actor(user),
                    )
                    for flagged in checked["restricted"]:
                        contact_accepted(
                            person=flagged["person"],
                            channel=data["channel"],
                            reason=data["accepted_because"],
                            reference=case.reference,
                            actor=Actor(user),
                        )
            except CaseError as problem:
                error = problem.message
                for field, message in problem.fields.items():
                    if field in form.fields:
                        form.add_error(field, message)
            else:
                messages.success(request, f"Recorded as {case.reference}.")
                return redirect("staff:case", reference=case.reference)
    status = 400 if request.method == "POST" and (form.errors or error) else 200
    return render(
        request,
        "staff/record.html",
        {"form": form, "checked": checked, "error": error},
        status=status,
    )
