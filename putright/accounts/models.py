"""Staff users. Roles and organisation memberships live beside them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member of staff, a panel member or an API client."""

    display_name = models.CharField(max_length=150, blank=True)

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
