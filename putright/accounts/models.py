"""Staff users, their roles per organisation, their directorate, line manager and teams."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models

LINE_MANAGER_SELF = "Nobody can be their own line manager."


class User(AbstractUser):
    """A member of staff, a panel member or an API client."""

    display_name = models.CharField(max_length=150, blank=True)
    directorate = models.CharField(
        max_length=150,
        blank=True,
        help_text="Department or directorate, e.g. Property Services",
    )
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    teams: models.ManyToManyField[Team, TeamMembership] = models.ManyToManyField(
        "Team", through="TeamMembership", related_name="members", blank=True
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(line_manager=models.F("pk")),
                name="line_manager_not_self",
                violation_error_message=LINE_MANAGER_SELF,
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    """Roles named in the policies; what each may do is decided by the access functions."""

    COMPLAINT_HANDLER = "complaint_handler", "Complaint handler"
    INVESTIGATING_OFFICER = "investigating_officer", "Investigating officer"
    MANAGER = "manager", "Manager"
    SENIOR_MANAGER = "senior_manager", "Senior manager / head of service"
    COMPLAINTS_MANAGER = "complaints_manager", "Complaints manager"
    PANEL_MEMBER = "panel_member", "Panel member"
    BOARD_MEMBER = "board_member", "Board member responsible for complaints"
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
    ADMINISTRATOR = "administrator", "Administrator"
    API_CLIENT = "api_client", "API client"


class Membership(models.Model):
    """A user's role in one organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=40, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.organisation}"


class ApiToken(models.Model):
    """A named bearer token for the API, stored hashed, expiring and revocable."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...) for {self.user}"


class AccessLog(models.Model):
    """A record that someone read a restricted case or exported personal data."""

    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    action = models.CharField(max_length=60)
    case_reference = models.CharField(max_length=30, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user}: {self.action} {self.case_reference}"


class Team(models.Model):
    """A team of one organisation (repairs, governance ...) that a pack can name as an owner."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="teams"
    )
    slug = models.SlugField(max_length=60, help_text="How packs name the team, e.g. repairs.")
    name = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="team_slug_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.slug})"


class TeamMembership(models.Model):
    """A user's place in a team."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="team_membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class UserEventKind(models.TextChoices):
    """What happened to a member of staff's account."""

    ADDED = "added", "Added"
    CHANGED = "changed", "Details changed"
    ROLE_GRANTED = "role_granted", "Role granted"
    ROLE_REVOKED = "role_revoked", "Role revoked"
    TEAM_JOINED = "team_joined", "Joined a team"
    TEAM_LEFT = "team_left", "Left a team"
    DEACTIVATED = "deactivated", "Deactivated"
    REACTIVATED = "reactivated", "Reactivated"
    SIGNED_IN_SSO = "signed_in_sso", "Signed in with single sign-on"
    HANDED_OVER = "handed_over", "Work handed over"
    SECOND_FACTOR_ADDED = "second_factor_added", "Authenticator app added"
    SECOND_FACTOR_REMOVED = "second_factor_removed", "Authenticator app removed"


class UserEventQuerySet(models.QuerySet["UserEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("a user's history is append-only; it cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("a user's history is append-only; it cannot be deleted")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[UserEvent]:
        if kwargs.get("update_conflicts") or kwargs.get("ignore_conflicts"):
            raise TypeError("a user's history is append-only; it cannot be upserted")
        return super().bulk_create(objs, *args, **kwargs)


class UserEvent(models.Model):
    """One fact in a member of staff's history (added, role granted, deactivated ...).

    Append-only, numbered per user like a record's timeline entries; the organisation is
    set where the change belongs to one (a role, a team). Who made the change is ``actor``
    (or ``actor_label`` for single sign-on or a command run with no user).
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="history")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=40, choices=UserEventKind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    occurred_at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    objects = UserEventQuerySet.as_manager()

    class Meta:
        ordering = ["user", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["user", "sequence"], name="user_event_sequence_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} #{self.sequence} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("a user's history is append-only; it cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("a user's history is append-only; it cannot be deleted")


class SignOnIdentity(models.Model):
    """The identity provider's account a user signs in with: its issuer and subject (``sub``),
    which stay the same when the person's name or e-mail address changes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_on_identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField()
    last_signed_in_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sign_on_identity_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
