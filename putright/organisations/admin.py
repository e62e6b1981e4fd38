from django.contrib import admin

from .models import ClosureDay, HomesCount, Organisation


class ClosureDayInline(admin.TabularInline[ClosureDay, Organisation]):
    model = ClosureDay
    extra = 0


class HomesCountInline(admin.TabularInline[HomesCount, Organisation]):
    model = HomesCount
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "slug", "policy_pack", "ombudsman_route", "parent")
    search_fields = ("name", "slug")
    readonly_fields = ("policy_pack", "reference_prefix")
    inlines = [HomesCountInline, ClosureDayInline]
