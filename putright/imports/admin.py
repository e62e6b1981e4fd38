from typing import Any

from django.contrib import admin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin[ImportRun]):
    """The runs of ``putright import cases``: what was read and the counts, never changed here."""

    list_display = ["started_at", "organisation", "file_name", "mapping_name", "finished_at"]
    list_filter = ["organisation"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
