from typing import Any

from django.contrib import admin

from .models import ContactRestriction, Person, Representative


class RepresentativeInline(admin.TabularInline[Representative, Person]):
    model = Representative
    extra = 0


class ContactRestrictionInline(admin.StackedInline[ContactRestriction, Person]):
    model = ContactRestriction
    extra = 0
    readonly_fields = ("created_at",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("name", "organisation", "tenure", "postcode", "preferred_contact")
    list_filter = ("organisation", "tenure")
    search_fields = ("name", "email", "postcode", "property_reference")
    inlines = [RepresentativeInline, ContactRestrictionInline]

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        """A restriction added here is recorded as decided by whoever added it."""
        for item in formset.save(commit=False):
            if isinstance(item, ContactRestriction) and item.decided_by_id is None:
                item.decided_by = request.user
            item.save()
        for gone in formset.deleted_objects:
            gone.delete()
        formset.save_m2m()
