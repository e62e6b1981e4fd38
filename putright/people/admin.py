from django.contrib import admin

from .models import Person, Representative


class RepresentativeInline(admin.TabularInline[Representative, Person]):
    model = Representative
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("name", "organisation", "tenure", "postcode", "preferred_contact")
    list_filter = ("organisation", "tenure")
    search_fields = ("name", "email", "postcode", "property_reference")
    inlines = [RepresentativeInline]
