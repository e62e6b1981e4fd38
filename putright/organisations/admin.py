from typing import Any

from django.contrib import admin

from .models import ClosureDay, HomesCount, Organisation
from .services import organisation_calendar_changed


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
    readonly_fields = ("policy_pack", "reference_prefix", "calendar_version")
    inlines = [HomesCountInline, ClosureDayInline]

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        """Closure days, the region or the cut-off changed here move open cases' dates too."""
        super().save_related(request, form, formsets, change)
        calendar_changed = bool({"calendar_region", "cutoff_time"} & set(form.changed_data))
        for formset in formsets:
            if formset.model is ClosureDay and formset.has_changed():
                calendar_changed = True
        if change and calendar_changed:
            organisation_calendar_changed(form.instance)
