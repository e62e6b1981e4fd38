"""A second factor for local passwords: a time-based code (TOTP) from an authenticator app.

``PUTRIGHT_SECOND_FACTOR`` says whether it is ``off``, ``offered`` (staff may enrol; once
they have, the code is asked at every sign-in) or ``required`` (a member of staff signing in
with a password who has not enrolled is sent to enrol before anything else). Single sign-on
leaves the second factor to the identity provider.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

#: The session key set when someone signed in with a password must enrol before going on.
MUST_ENROL = "putright_must_enrol"

#: The paths someone who must enrol may still open.
OPEN_WHILE_ENROLLING = ("/account/two-factor/", "/sign-out/", "/static/", "/healthz")


def second_factor_mode() -> str:
    """off, offered or required."""
    return str(settings.PUTRIGHT_SECOND_FACTOR)


class EnrolFirstMiddleware:
    """Sends someone who must enrol an authenticator app to do so before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(MUST_ENROL)
            and request.user.is_authenticated
            and not request.path.startswith(OPEN_WHILE_ENROLLING)
        ):
            return redirect("accounts:two-factor")
        return self.get_response(request)
