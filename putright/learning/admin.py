"""Lessons and improvement actions in the admin: read only, and only those of the
organisations whose action plan the user reads. They change through the services (the staff
pages and the API), which check who may and keep their history."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from putright.accounts.models import User

from .access import plan_organisations
from .models import ImprovementAction, Lesson


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        user = request.user
        visible = plan_organisations(user) if isinstance(user, User) else []
        return super().get_queryset(request).filter(organisation_id__in=visible)


@admin.register(Lesson)
class LessonAdmin(ReadOnly):
    list_display = ("case", "cause", "scope", "service_area", "recorded_at")
    list_filter = ("scope", "cause")


@admin.register(ImprovementAction)
class ImprovementActionAdmin(ReadOnly):
    list_display = ("pk", "organisation", "source", "owner", "due_on", "status", "effective")
    list_filter = ("status", "source", "publication")
