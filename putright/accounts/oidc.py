"""Signing in with OpenID Connect (Microsoft Entra ID or any other provider), on mozilla-django-oidc.

The flow is the library's (authorisation code with PKCE, state and nonce checked, the ID
token's RS256 signature checked against the provider's keys); PutRight adds:

- its settings come from ``settings.PUTRIGHT_SSO`` (``accounts/sso.py``), the endpoints from
  the provider's discovery document when only the issuer is given;
- a user is found by the provider's issuer and subject (``SignOnIdentity``), else, once, by
  their e-mail address; otherwise created on first sign-in (``user_add``);
- at every sign-in their roles in the organisations the mapping names are made what the
  groups (or app roles) in the ID token and userinfo give (``roles_sync``), their name and
  e-mail address follow the provider's, and each change is recorded in their history;
- a deactivated user, or one the groups give no role at all, is refused with a reason
  shown on the sign-in page.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .actors import Actor
from .models import Membership, SignOnIdentity, User, UserEventKind
from .services import SINGLE_SIGN_ON, roles_sync, user_add, user_record, user_set
from .sso import SsoSettings

logger = logging.getLogger(__name__)

#: Why a sign-in was refused, kept in the session for the sign-in page to say.
REFUSAL_KEY = "putright_sso_refusal"
DEACTIVATED = "Your PutRight account has been deactivated. Ask your administrator if you need it."
NO_ROLE = (
    "You signed in, but none of your groups gives you a role in PutRight. Ask your "
    "administrator to add you to the right group."
)
UNREACHABLE = "Single sign-on is not available just now. Try again in a few minutes."
FAILED = "Signing in with single sign-on did not work. Try again."
TWO_ACCOUNTS = (
    "More than one PutRight account has your e-mail address, so we cannot tell which is "
    "yours. Ask your administrator."
)

#: How long the provider's discovery document is kept before it is read again.
DISCOVERY_SECONDS = 3600
_discovered: dict[str, tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()

SSO = Actor.system(SINGLE_SIGN_ON)


class SsoUnavailableError(Exception):
    """The provider's discovery document could not be read."""


def sso() -> SsoSettings:
    """Single sign-on as configured now."""
    configured: SsoSettings = settings.PUTRIGHT_SSO
    return configured


def endpoints(config: SsoSettings) -> dict[str, str]:
    """The provider's endpoints: as given, else from its discovery document (kept an hour)."""
    found = dict(config.endpoints)
    if all(name in found for name in ("authorization", "token", "userinfo", "jwks")):
        return found
    url = f"{config.issuer}/.well-known/openid-configuration"
    with _lock:
        cached = _discovered.get(url)
        if cached is None or cached[0] < time.monotonic():
            try:
                answer = requests.get(url, timeout=10)
                answer.raise_for_status()
                document = answer.json()
            except (requests.RequestException, ValueError) as error:
                logger.warning("single sign-on discovery failed at %s: %s", url, error)
                raise SsoUnavailableError(url) from error
            cached = (time.monotonic() + DISCOVERY_SECONDS, document)
            _discovered[url] = cached
    document = cached[1]
    keys = {
        "authorization": "authorization_endpoint",
        "token": "token_endpoint",
        "userinfo": "userinfo_endpoint",
        "jwks": "jwks_uri",
    }
    for name, key in keys.items():
        found.setdefault(name, str(document.get(key, "")))
    return found


def forget_discovery() -> None:
    """Read the discovery document afresh next time (the tests start a new provider)."""
    with _lock:
        _discovered.clear()


def _setting(name: str, *default: Any) -> Any:
    """The library's settings, answered from ``PUTRIGHT_SSO``; others from Django's."""
    config = sso()
    ours: dict[str, Any] = {
        "OIDC_RP_CLIENT_ID": config.client_id,
        "OIDC_RP_CLIENT_SECRET": config.client_secret,
        "OIDC_RP_SCOPES": config.scopes,
        "OIDC_RP_SIGN_ALGO": config.sign_algo,
        "OIDC_USE_PKCE": True,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc-callback",
        "LOGIN_REDIRECT_URL_FAILURE": "staff:sign-in",
    }
    if name in ours:
        return ours[name]
    points = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization",
        "OIDC_OP_TOKEN_ENDPOINT": "token",
        "OIDC_OP_USER_ENDPOINT": "userinfo",
        "OIDC_OP_JWKS_ENDPOINT": "jwks",
    }
    if name in points:
        return endpoints(config)[points[name]]
    return import_from_settings(name, *default)


def _refuse(request: HttpRequest | None, message: str) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[REFUSAL_KEY] = message


class PutRightOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Signs a member of staff in with the identity provider, roles from their groups."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.enabled = sso().enabled
        if self.enabled:
            super().__init__(*args, **kwargs)
        else:
            self.UserModel = get_user_model()

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return _setting(attr, *args)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if not self.enabled or request is None or "code" not in request.GET:
            return None
        try:
            user: User | None = super().authenticate(request, **kwargs)
        except SsoUnavailableError:
            _refuse(request, UNREACHABLE)
            return None
        except (requests.RequestException, SuspiciousOperation) as error:
            logger.warning("single sign-on failed: %s", error)
            _refuse(request, FAILED)
            return None
        return user

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        # The library checks the signature, expiry and nonce, not who the token is for.
        config = sso()
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if config.client_id not in audiences:
            raise SuspiciousOperation("the ID token was not issued to this client")
        if config.issuer and str(payload.get("iss", "")).rstrip("/") != config.issuer:
            raise SuspiciousOperation("the ID token comes from another issuer")
        # Entra ID puts groups and app roles in the ID token, not in userinfo: use both.
        userinfo = self.get_userinfo(access_token, id_token, payload)
        claims = {**payload, **userinfo}
        if not claims.get("sub"):
            raise SuspiciousOperation("the provider gave no subject (sub)")
        with transaction.atomic():
            return self._sign_in(claims)

    def _issuer(self, claims: dict[str, Any]) -> str:
        return str(claims.get("iss") or sso().issuer)

    def _values(self, claims: dict[str, Any]) -> list[str]:
        found = claims.get(sso().claim) or []
        if isinstance(found, str):
            found = [found]
        return [str(value) for value in found]

    def _sign_in(self, claims: dict[str, Any]) -> User | None:
        config = sso()
        issuer, subject = self._issuer(claims), str(claims["sub"])
        identity = (
            SignOnIdentity.objects.select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        values = self._values(claims)
        wanted = config.role_map.roles_for(values)
        user = identity.user if identity else self._match(claims)
        if user is not None and not user.is_active:
            _refuse(self.request, DEACTIVATED)
            return None
        held_elsewhere = (
            user is not None
            and Membership.objects.filter(user=user)
            .exclude(organisation__slug__in=config.role_map.organisations)
            .exists()
        )
        if not wanted and not held_elsewhere:
            _refuse(self.request, NO_ROLE)
            if user is not None:
                self._sync(user, claims, values, wanted)
            return None
        if user is None:
            user = self._create(claims)
        now = timezone.now()
        if identity is None:
            SignOnIdentity.objects.create(
                user=user, issuer=issuer, subject=subject, linked_at=now, last_signed_in_at=now
            )
        else:
            SignOnIdentity.objects.filter(pk=identity.pk).update(last_signed_in_at=now)
        self._sync(user, claims, values, wanted)
        return user

    def _match(self, claims: dict[str, Any]) -> User | None:
        """A user with the e-mail address and no identity yet (an account made before)."""
        email = str(claims.get("email") or "").strip()
        if not email or claims.get("email_verified") is False:
            return None  # an address the provider has not checked never reaches an account
        found: QuerySet[User] = User.objects.filter(
            email__iexact=email, sign_on_identities__isnull=True
        )
        if found.count() > 1:
            _refuse(self.request, TWO_ACCOUNTS)
            raise SuspiciousOperation("two users have the e-mail address")
        return found.first()

    def _username(self, claims: dict[str, Any]) -> str:
        wanted = str(
            claims.get(sso().username_claim) or claims.get("email") or claims["sub"]
        ).strip()[:150]
        username = wanted
        counter = 1
        while User.objects.filter(username=username).exists():
            counter += 1
            suffix = f"-{counter}"
            username = f"{wanted[: 150 - len(suffix)]}{suffix}"
        return username

    def _create(self, claims: dict[str, Any]) -> User:
        user = User(
            username=self._username(claims),
            email=User.objects.normalize_email(str(claims.get("email") or "").strip()),
            display_name=str(claims.get("name") or "").strip()[:150],
            is_active=True,
        )
        user_add(user=user, actor=SSO, data={"source": "sso", "issuer": self._issuer(claims)})
        return user

    def _sync(
        self, user: User, claims: dict[str, Any], values: list[str], wanted: set[tuple[str, str]]
    ) -> None:
        config = sso()
        changes = user_set(
            user=user,
            actor=SSO,
            display_name=str(claims["name"]) if claims.get("name") else None,
            email=str(claims["email"]) if claims.get("email") else None,
        )
        granted, revoked = roles_sync(
            user=user,
            wanted=wanted,
            organisations=config.role_map.organisations,
            actor=SSO,
            reason=f"from the identity provider's {config.claim}",
        )
        if changes or granted or revoked:
            user_record(
                user=user,
                kind=UserEventKind.SIGNED_IN_SSO,
                actor=SSO,
                data={
                    "claim": config.claim,
                    "groups": sorted(v for v in values if v in config.role_map.groups),
                    "granted": [f"{slug}:{role}" for slug, role in granted],
                    "revoked": [f"{slug}:{role}" for slug, role in revoked],
                },
            )


class SignInWithProvider(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Sends the browser to the provider (404 when single sign-on is not configured)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads its settings here; ours are read on each request instead.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return _setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso().enabled:
            return redirect("staff:sign-in")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except SsoUnavailableError:
            _refuse(request, UNREACHABLE)
            return redirect("staff:sign-in")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        response: HttpResponse = super().get(request)
        return response


class ProviderCallback(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """Where the provider sends the browser back; a refusal is said on the sign-in page."""

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return _setting(attr, *args)

    @property
    def failure_url(self) -> str:
        return reverse("staff:sign-in")

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso().enabled:
            return redirect("staff:sign-in")
        response: HttpResponse = super().get(request)
        if response.get("Location") == self.failure_url and REFUSAL_KEY not in request.session:
            request.session[REFUSAL_KEY] = FAILED
        return response
