from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from .models import AccessLog, Membership, Team, TeamMembership, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0


class UserTeamsInline(admin.TabularInline[TeamMembership, User]):
    """The teams a user is in (repairs, governance ...), in any of their organisations."""

    model = TeamMembership
    extra = 0
    autocomplete_fields = ("team",)
    verbose_name = "team"
    verbose_name_plural = "teams"


@admin.register(User)
class PutRightUserAdmin(UserAdmin[User]):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("PutRight", {"fields": ("display_name", "directorate", "line_manager")}),
    )
    list_display = ("username", "display_name", "email", "directorate", "line_manager", "is_active")
    list_filter = (*UserAdmin.list_filter, "directorate")
    search_fields = (*UserAdmin.search_fields, "display_name", "directorate")
    list_select_related = ("line_manager",)
    autocomplete_fields = ("line_manager",)
    inlines = [MembershipInline, UserTeamsInline]


class TeamMembersInline(admin.TabularInline[TeamMembership, Team]):
    """The members of a team."""

    model = TeamMembership
    extra = 0
    autocomplete_fields = ("user",)
    verbose_name = "member"
    verbose_name_plural = "members"


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    """A team of one organisation, named by its slug in the packs (e.g. repairs)."""

    list_display = ("name", "slug", "organisation", "member_count")
    list_filter = ("organisation",)
    search_fields = ("name", "slug", "organisation__name", "organisation__slug")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    inlines = [TeamMembersInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, team: Team) -> int:
        return int(getattr(team, "member_count", 0))


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin[AccessLog]):
    """Who read a restricted case or exported personal data, and when: to read, never to edit."""

    list_display = ("at", "user", "action", "case_reference", "detail")
    list_filter = ("action", "at")
    search_fields = ("case_reference", "user__username", "user__display_name", "detail")
    date_hierarchy = "at"
    list_select_related = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False
