"""Locking out repeated failed sign-ins without letting anyone lock a colleague out.

django-axes counts failures per account and address (``AXES_LOCKOUT_PARAMETERS``): five
wrong passwords from one address lock that address out of that account, so a stranger
guessing at someone's account locks only themselves out. A higher ceiling per account,
wherever the attempts come from (``PUTRIGHT_SIGN_IN_CEILING``), stops anyone with many
addresses from guessing on without end. When an account is locked, its owner is told by
e-mail (once per lock), so that they know and can ask for help.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Sum
from django.http import HttpRequest

from .models import User


class PerAddressThenAccountHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Failures by account and address count against the limit; failures by account alone
    count against the higher ceiling (scaled, so the account locks when it is reached)."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        counts = [
            attempts.aggregate(Sum("failures_since_start"))["failures_since_start__sum"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        if len(counts) < 2:  # not configured per address and per account
            return max(counts, default=0)
        by_address, by_account = counts[0], counts[1]
        limit = int(get_failure_limit(request, credentials))
        ceiling = int(getattr(settings, "PUTRIGHT_SIGN_IN_CEILING", limit))
        scaled = by_account * limit // max(ceiling, 1)
        return max(by_address, scaled)


def tell_the_owner(
    sender: object, request: HttpRequest | None = None, username: str = "", **kwargs: Any
) -> None:
    """E-mail the member of staff whose account was locked, once per lock."""
    if not username:
        return
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or not user.email:
        return
    key = f"putright:locked-out-told:{user.pk}"
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if not cache.add(key, True, timeout=minutes * 60):
        return  # already told for this lock
    send_mail(
        subject="Your PutRight account was locked after failed sign-ins",
        message=(
            f"Dear {user.display_name or user.username},\n\n"
            f"Someone tried to sign in to your PutRight account ({user.username}) with a wrong "
            f"password several times, so signing in from there is stopped for {minutes} minutes.\n\n"
            "If it was you, wait and try again, or ask your administrator to reset your "
            "password. If it was not you, tell your IT team.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=True,
    )
