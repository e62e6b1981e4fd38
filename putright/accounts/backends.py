"""Signing in with a local password, unless the organisation has turned local passwords off."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User


def local_passwords() -> bool:
    """Whether members of staff may sign in with a password kept by PutRight."""
    return bool(settings.PUTRIGHT_SSO.local_passwords)


class LocalPasswordBackend(ModelBackend):
    """Django's password check, refused for everyone when ``PUTRIGHT_LOCAL_PASSWORDS=0``
    (the staff sign-in page and the admin's alike); sessions already open still load."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not local_passwords():
            return None
        user: User | None = super().authenticate(
            request, username=username, password=password, **kwargs
        )
        return user
