from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Membership, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0


@admin.register(User)
class PutRightUserAdmin(UserAdmin[User]):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("PutRight", {"fields": ("display_name",)}))
    inlines = [MembershipInline]
