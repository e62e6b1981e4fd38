"""The admin's pages for staff: every change to a user is made by the services of
``accounts.services``, so it is checked and recorded in the user's history exactly as
``putright user`` and single sign-on record it."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme

from .actors import Actor
from .handover import holdings_of
from .history import describe_event, user_history
from .models import AccessLog, Membership, Team, TeamMembership, User, UserEvent
from .services import (
    AccountError,
    check_line_manager,
    role_grant,
    role_revoke,
    team_join,
    team_leave,
    user_add,
    user_deactivate,
    user_reactivate,
    user_set,
)

HOLDS_WORK_IN_ADMIN = (
    "{name} still holds {count} open item(s): hand them over on the staff page "
    "(/staff/{username}/deactivate/ lists them) or with putright user deactivate."
)

#: The fields whose changes the services make and record (the rest the admin saves).
_RECORDED = ("directorate", "display_name", "email", "line_manager", "is_staff", "is_superuser")


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


class PutRightUserChangeForm(UserChangeForm[User]):
    """The admin's user form: a line manager is checked as ``putright user set`` checks it."""

    def clean_line_manager(self) -> User | None:
        manager: User | None = self.cleaned_data.get("line_manager")
        if manager is not None and manager.pk not in (
            self.instance.line_manager_id,
            self.instance.pk,
        ):
            # (Oneself as line manager is refused by the model's constraint, in its words.)
            try:
                check_line_manager(
                    manager=manager, username=self.instance.username, user=self.instance
                )
            except AccountError as error:
                raise ValidationError(error.message) from None
        return manager


@admin.register(User)
class PutRightUserAdmin(UserAdmin[User]):
    form = PutRightUserChangeForm
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("PutRight", {"fields": ("display_name", "directorate", "line_manager")}),
        ("History", {"fields": ("history",)}),
    )
    readonly_fields = ("history",)
    list_display = ("username", "display_name", "email", "directorate", "line_manager", "is_active")
    list_filter = (*UserAdmin.list_filter, "directorate")
    search_fields = (*UserAdmin.search_fields, "display_name", "directorate")
    list_select_related = ("line_manager",)
    autocomplete_fields = ("line_manager",)
    inlines = [MembershipInline, UserTeamsInline]

    @admin.display(description="what happened to this account")
    def history(self, user: User) -> str:
        if not user.pk:
            return "-"
        rows = format_html_join(
            "",
            "<li>{}: {} (by {})</li>",
            (
                (
                    f"{timezone.localtime(event.occurred_at):%d %b %Y %H:%M}",
                    describe_event(event),
                    str(event.actor) if event.actor else event.actor_label,
                )
                for event in user_history(user=user)
            ),
        )
        return format_html("<ol>{}</ol>", rows) if rows else "Nothing recorded yet."

    @transaction.atomic
    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        actor = Actor(request.user)  # type: ignore[arg-type]
        if not change:
            user_add(user=obj, actor=actor, keep_password=True, data={"source": "admin"})
            return
        before = User.objects.get(pk=obj.pk)
        wanted = {field: getattr(obj, field) for field in _RECORDED}
        active = obj.is_active
        for field in (*_RECORDED, "is_active"):
            setattr(obj, field, getattr(before, field))
        super().save_model(request, obj, form, change)
        try:
            user_set(user=obj, actor=actor, **wanted)
        except AccountError as error:
            messages.error(request, error.message)
            raise
        if before.is_active and not active:
            user_deactivate(user=obj, actor=actor, reason="in the admin")
            held = sum(len(items) for items in holdings_of(obj).values())
            if held:
                messages.warning(
                    request,
                    HOLDS_WORK_IN_ADMIN.format(name=obj, count=held, username=obj.username),
                )
        elif active and not before.is_active:
            user_reactivate(user=obj, actor=actor)

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        model = formset.model
        if model not in (Membership, TeamMembership):
            super().save_formset(request, form, formset, change)
            return
        actor = Actor(request.user)  # type: ignore[arg-type]
        user: User = form.instance
        # The admin's own change message reads these; the services record the real history.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline in formset.forms:
            if not inline.has_changed() and not _deleted(formset, inline):
                continue
            was = inline.instance if inline.instance.pk else None
            if was is not None:
                old = model.objects.get(pk=was.pk)
                _take_away(model, user, old, actor)
            if not _deleted(formset, inline) and inline.cleaned_data:
                _give(model, user, inline.cleaned_data, actor)


def _deleted(formset: Any, inline: Any) -> bool:
    return bool(formset.can_delete and formset._should_delete_form(inline))


def _take_away(model: type, user: User, old: Any, actor: Actor) -> None:
    if model is Membership:
        role_revoke(user=user, organisation=old.organisation, role=old.role, actor=actor)
    else:
        team = old.team
        team_leave(user=user, organisation=team.organisation, slugs=[team.slug], actor=actor)


def _give(model: type, user: User, data: dict[str, Any], actor: Actor) -> None:
    if model is Membership:
        role_grant(user=user, organisation=data["organisation"], role=data["role"], actor=actor)
    else:
        team = data["team"]
        team_join(user=user, organisation=team.organisation, slugs=[team.slug], actor=actor)


@admin.register(UserEvent)
class UserEventAdmin(admin.ModelAdmin[UserEvent]):
    """A member of staff's history: to read, never to edit."""

    list_display = ("occurred_at", "user", "what", "organisation", "by")
    list_filter = ("kind", "organisation")
    search_fields = ("user__username", "user__display_name")
    date_hierarchy = "occurred_at"
    list_select_related = ("user", "organisation", "actor")

    @admin.display(description="what happened")
    def what(self, event: UserEvent) -> str:
        return describe_event(event)

    @admin.display(description="by")
    def by(self, event: UserEvent) -> str:
        return str(event.actor) if event.actor else event.actor_label

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: UserEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: UserEvent | None = None) -> bool:
        return False


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


_admin_sign_in = admin.site.login


def _sign_in_or_single_sign_on(request: HttpRequest, extra_context: Any = None) -> Any:
    """The admin is reached through the staff sign-in page like every other page, so single
    sign-on, local passwords being off and the authenticator app's code apply to it too: its
    own password form (which knows none of them) is offered only with all three off."""
    from django.conf import settings
    from django.contrib.auth.views import redirect_to_login
    from django.urls import reverse

    config = settings.PUTRIGHT_SSO
    if config.enabled or not config.local_passwords or settings.PUTRIGHT_SECOND_FACTOR != "off":
        target = request.GET.get("next") or reverse("admin:index")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index")
        return redirect_to_login(target, reverse("staff:sign-in"))
    return _admin_sign_in(request, extra_context)


admin.site.login = _sign_in_or_single_sign_on  # type: ignore[method-assign]
