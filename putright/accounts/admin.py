from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from .models import AccessLog, Membership, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0


@admin.register(User)
class PutRightUserAdmin(UserAdmin[User]):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("PutRight", {"fields": ("display_name",)}))
    inlines = [MembershipInline]


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
