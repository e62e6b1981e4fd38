"""Customers, their representatives and their contact restrictions, saved through the services
(``putright/people/services.py``) so that a change made here is checked and recorded in the
person's history as any other."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from putright.accounts.access import people_visible_to
from putright.accounts.actors import Actor
from putright.accounts.models import User
from putright.errors import CaseInputError

from .models import ContactRestriction, Person, Representative
from .services import (
    PERSON_FIELDS,
    REPRESENTATIVE_FIELDS,
    RESTRICTION_FIELDS,
    person_create,
    person_update,
    representative_authority,
    representative_change,
    representative_create,
    restriction_change,
    restriction_record,
)

#: What ``person_create`` takes besides the organisation and the name.
CREATE_FIELDS = (
    "email",
    "phone",
    "address",
    "postcode",
    "preferred_contact",
    "tenure",
    "accessibility_needs",
    "contact_times",
    "property_reference",
    "reasonable_adjustments",
)


def _readable(request: HttpRequest) -> list[int]:
    """The organisations whose customers the signed-in user may read (the pages' rule)."""
    user = request.user
    return people_visible_to(user) if isinstance(user, User) else []


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    return Actor(user if isinstance(user, User) else None)


def _changes(form: Any, instance: Any, allowed: frozenset[str]) -> dict[str, Any]:
    """The values the form changed, as the form set them on the instance."""
    return {field: getattr(instance, field) for field in form.changed_data if field in allowed}


class RepresentativeForm(forms.ModelForm):  # type: ignore[type-arg]
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            representative_authority(str(data.get("relationship") or ""), data.get("authority"))
        except CaseInputError as error:
            for field, message in error.fields.items():
                self.add_error(field if field in self.fields else None, message)
        return data


class RepresentativeInline(admin.TabularInline[Representative, Person]):
    model = Representative
    form = RepresentativeForm
    extra = 0


#: Set through the actions on the person's page (``putright/actions/people.py``), never here.
STRUCTURED = (
    "pack",
    "categories",
    "measures",
    "channels",
    "issue_limit",
    "issue_period_days",
    "contact_person",
    "contact_times",
    "reasons",
    "adjustments",
    "review_days",
    "letter_on",
    "appeal_by",
    "appeal_received_at",
    "appeal_grounds",
    "appeal_decider",
    "appeal_outcome",
    "appeal_decided_at",
    "appeal_explanation",
    "lifted_reason",
    "needs_finishing",
)


class ContactRestrictionInline(admin.StackedInline[ContactRestriction, Person]):
    model = ContactRestriction
    extra = 0
    readonly_fields = ("created_at", *STRUCTURED)
    can_delete = False  # a restriction is lifted by its end date, and stays in the history


def _record_restriction(
    request: HttpRequest, person: Person, item: ContactRestriction
) -> ContactRestriction:
    """A restriction added here, decided by whoever added it unless another is named."""
    return restriction_record(
        person=person,
        level=item.level,
        behaviour=item.behaviour,
        arrangements=item.arrangements,
        starts_on=item.starts_on,
        review_on=item.review_on,
        ends_on=item.ends_on,
        appeal=item.appeal,
        decided_by=item.decided_by,
        actor=_actor(request),
    )


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("name", "organisation", "tenure", "postcode", "preferred_contact")
    list_filter = ("organisation", "tenure")
    search_fields = ("name", "email", "postcode", "property_reference")
    inlines = [RepresentativeInline, ContactRestrictionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        # Only the customers of organisations whose records the user may read, as the pages.
        return super().get_queryset(request).filter(organisation_id__in=_readable(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A customer stays with their landlord; anonymising is not an edit of their details.
        return ("organisation", "anonymised_at") if obj else ("anonymised_at",)

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        """Created or changed through the service, so that the change is in their history."""
        actor = _actor(request)
        if change:
            person_update(person=obj, actor=actor, **_changes(form, obj, PERSON_FIELDS))
        else:
            created = person_create(
                organisation=obj.organisation,
                name=obj.name,
                actor=actor,
                **{field: getattr(obj, field) for field in CREATE_FIELDS},
            )
            extra = {
                field: getattr(obj, field)
                for field in ("equality_consent", "equality_data")
                if getattr(obj, field)
            }
            if extra:
                person_update(person=created, actor=actor, **extra)
            obj.pk = created.pk
        obj.refresh_from_db()

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Representatives and restrictions added or changed here go through the services."""
        person = form.instance
        actor = _actor(request)
        formset.save(commit=False)
        for item in formset.new_objects:
            if isinstance(item, ContactRestriction):
                _record_restriction(request, person, item)
            elif isinstance(item, Representative):
                representative_create(
                    person=person,
                    name=item.name,
                    relationship=item.relationship,
                    authority=item.authority,
                    email=item.email,
                    phone=item.phone,
                    address=item.address,
                    actor=actor,
                )
        for item, names in formset.changed_objects:
            if isinstance(item, ContactRestriction):
                restriction_change(
                    restriction=item,
                    actor=actor,
                    **{f: getattr(item, f) for f in names if f in RESTRICTION_FIELDS},
                )
            elif isinstance(item, Representative):
                representative_change(
                    representative=item,
                    actor=actor,
                    **{f: getattr(item, f) for f in names if f in REPRESENTATIVE_FIELDS},
                )
        for gone in formset.deleted_objects:
            gone.delete()
        formset.save_m2m()


@admin.register(ContactRestriction)
class ContactRestrictionAdmin(admin.ModelAdmin[ContactRestriction]):
    def get_queryset(self, request: HttpRequest) -> QuerySet[ContactRestriction]:
        return super().get_queryset(request).filter(person__organisation_id__in=_readable(request))

    list_display = (
        "person",
        "level",
        "starts_on",
        "review_on",
        "ends_on",
        "decided_by",
        "needs_finishing",
    )
    list_filter = ("level", "needs_finishing")
    search_fields = ("person__name",)
    list_select_related = ("person", "decided_by")
    raw_id_fields = ("person",)
    readonly_fields = ("created_at", *STRUCTURED)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A restriction stays on the person it was recorded for.
        return ("person", "created_at", *STRUCTURED) if obj else ("created_at", *STRUCTURED)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # lifted by its end date, and kept in the person's history

    def save_model(
        self, request: HttpRequest, obj: ContactRestriction, form: Any, change: bool
    ) -> None:
        """Recorded or changed through the service, each with an entry in the person's history."""
        if change:
            restriction_change(
                restriction=obj, actor=_actor(request), **_changes(form, obj, RESTRICTION_FIELDS)
            )
        else:
            obj.pk = _record_restriction(request, obj.person, obj).pk
        obj.refresh_from_db()
