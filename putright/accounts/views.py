"""The pages of accounts: the code from an authenticator app at sign-in and enrolling one,
and the staff pages (a member of staff's history; deactivating them and handing over)."""

from __future__ import annotations

import base64
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import login, user_logged_in
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import may_hand_over, may_read_staff_history, staff_visible_to
from .actors import Actor
from .handover import hand_over, holdings_of, kind_named, receivers_for
from .history import describe_event, user_history
from .models import Role, User, UserEventKind
from .second_factor import MUST_ENROL, second_factor_mode
from .selectors import staff_entry, staff_list
from .services import AccountError, user_record

#: The session key of someone whose password was right, waiting for their code.
PENDING = "putright_pending_code"
#: Wrong codes allowed before they must enter their password again.
CODE_TRIES = 5
WRONG_CODE = "The code is not right. Enter the 6-digit code your authenticator app shows now."
NO_CODE = "Enter the 6-digit code from your authenticator app."
DEVICE_NAME = "Authenticator app"


def confirmed_device(user: User) -> TOTPDevice | None:
    """The user's authenticator app, once enrolled."""
    found: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return found


def _code(request: HttpRequest) -> str:
    return "".join(str(request.POST.get("code", "")).split())


def wait_for_code(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """The password was right and the user has an authenticator app: ask for its code."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", ""),
        "next": next_url,
        "tries": 0,
    }
    return redirect("accounts:sign-in-code")


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in with a password: the code from the authenticator app."""
    pending: dict[str, Any] | None = request.session.get(PENDING)
    user = User.objects.filter(pk=int(pending["user"]), is_active=True).first() if pending else None
    device = confirmed_device(user) if user is not None else None
    if pending is None or user is None or device is None:
        request.session.pop(PENDING, None)
        return redirect("staff:sign-in")
    if AxesProxyHandler.is_locked(request, credentials={"username": user.username}):
        del request.session[PENDING]
        return render(request, "staff/locked_out.html", status=429)
    error = ""
    if request.method == "POST":
        code = _code(request)
        if not code:
            error = NO_CODE
        elif device.verify_is_allowed()[0] and device.verify_token(code):
            del request.session[PENDING]
            login(request, user, backend=pending["backend"] or None)
            otp_login(request, device)
            target = pending.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = reverse("staff:work")
            return redirect(target)
        else:
            # A wrong code counts as a failed sign-in, so the lockout applies to it too.
            user_login_failed.send(
                sender=__name__, credentials={"username": user.username}, request=request
            )
            pending["tries"] = int(pending.get("tries", 0)) + 1
            if pending["tries"] >= CODE_TRIES:
                del request.session[PENDING]
                return redirect("staff:sign-in")
            request.session[PENDING] = pending
            error = WRONG_CODE
    return render(
        request,
        "accounts/sign_in_code.html",
        {"error": error},
        status=400 if error else 200,
    )


def _qr_svg(device: TOTPDevice, user: User) -> str:
    return str(
        segno.make(device.config_url, error="m").svg_inline(
            scale=5, dark="#0b0c0c", light="#ffffff", title=f"QR code to add PutRight for {user}"
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (a QR code, or the key to type), or remove it."""
    user: User = request.user  # type: ignore[assignment]
    mode = second_factor_mode()
    device = confirmed_device(user)
    error = ""
    if request.method == "POST" and request.POST.get("remove") and device is not None:
        if mode == "required":
            raise Http404
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).delete()
            user_record(user=user, kind=UserEventKind.SECOND_FACTOR_REMOVED, actor=Actor(user))
        return redirect("accounts:two-factor")
    if device is None:
        if mode == "off":
            raise Http404
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if pending is None:
            pending = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        if request.method == "POST":
            code = _code(request)
            if not code:
                error = NO_CODE
            elif pending.verify_token(code):
                with transaction.atomic():
                    pending.confirmed = True
                    pending.save(update_fields=["confirmed"])
                    user_record(
                        user=user, kind=UserEventKind.SECOND_FACTOR_ADDED, actor=Actor(user)
                    )
                otp_login(request, pending)
                request.session.pop(MUST_ENROL, None)
                return redirect("staff:work")
            else:
                error = WRONG_CODE
        secret = base64.b32encode(pending.bin_key).decode()
        context = {
            "enrolled": False,
            "qr": _qr_svg(pending, user),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "error": error,
            "required": mode == "required",
        }
        return render(request, "accounts/two_factor.html", context, status=400 if error else 200)
    return render(
        request,
        "accounts/two_factor.html",
        {"enrolled": True, "required": mode == "required"},
    )


def require_enrolment_after_sign_in(
    sender: object, request: HttpRequest, user: User, **_: Any
) -> None:
    """With the second factor required, someone who signed in with a password and has no
    authenticator app must enrol one before anything else (``EnrolFirstMiddleware``)."""
    if second_factor_mode() != "required" or request is None:
        return
    backend = getattr(user, "backend", "") or ""
    if "LocalPasswordBackend" in backend and confirmed_device(user) is None:
        request.session[MUST_ENROL] = True


user_logged_in.connect(require_enrolment_after_sign_in, dispatch_uid="putright-must-enrol")


# -- the staff pages -----------------------------------------------------------------


@login_required
def staff_index(request: HttpRequest) -> HttpResponse:
    """The staff of the organisations where the user manages staff."""
    user: User = request.user  # type: ignore[assignment]
    visible = set(staff_visible_to(user).values_list("pk", flat=True))
    if not visible:
        raise Http404
    rows = sorted(
        (entry for entry in staff_list(organisation=None) if entry.user.pk in visible),
        key=lambda entry: (not entry.user.is_active, entry.user.username),
    )
    shown = [{"user": e.user, "roles": _role_words(e.roles), "teams": e.teams} for e in rows]
    return render(request, "accounts/staff_list.html", {"rows": shown})


def _role_words(roles: dict[str, list[str]]) -> dict[str, list[str]]:
    """Roles by organisation, each in words ("Complaint handler")."""
    return {
        slug: [str(Role(role).label) if role in Role.values else role for role in names]
        for slug, names in roles.items()
    }


def _subject(request: HttpRequest, username: str) -> User:
    user: User = request.user  # type: ignore[assignment]
    subject = User.objects.filter(username=username).select_related("line_manager").first()
    if subject is None or not (
        may_read_staff_history(user, subject) or may_hand_over(user, subject)
    ):
        raise Http404
    return subject


@login_required
def staff_member(request: HttpRequest, username: str) -> HttpResponse:
    """A member of staff: roles and teams; the history for administrators; deactivating."""
    user: User = request.user  # type: ignore[assignment]
    subject = _subject(request, username)
    history = (
        [
            {
                "event": event,
                "what": describe_event(event),
                "by": str(event.actor) if event.actor else event.actor_label,
            }
            for event in user_history(user=subject).order_by("-sequence")
        ]
        if may_read_staff_history(user, subject)
        else None
    )
    return render(
        request,
        "accounts/staff_member.html",
        {
            "subject": subject,
            "entry": {
                "roles": _role_words((entry := staff_entry(user=subject)).roles),
                "teams": entry.teams,
            },
            "history": history,
            "may_hand_over": may_hand_over(user, subject),
            "still_holds": not subject.is_active
            and may_hand_over(user, subject)
            and bool(holdings_of(subject)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_deactivate(request: HttpRequest, username: str) -> HttpResponse:
    """Deactivate a member of staff, handing each kind of their work to someone chosen."""
    user: User = request.user  # type: ignore[assignment]
    subject = _subject(request, username)
    if not may_hand_over(user, subject):
        raise Http404
    held = holdings_of(subject)
    groups: list[dict[str, Any]] = []
    for name, items in held.items():
        kind = kind_named(name)
        groups.append(
            {
                "name": name,
                "kind": kind,
                "items": items,
                "receivers": receivers_for(kind, items, subject),
                "chosen": request.POST.get(name, ""),
            }
        )
    errors: dict[str, str] = {}
    if request.method == "POST" and (subject.is_active or groups):
        chosen: dict[str, User | None] = {}
        for group in groups:
            if not group["kind"].moves:
                continue
            picked = str(group["chosen"])
            found = User.objects.filter(username=picked).first() if picked else None
            if found is None:
                errors[group["name"]] = f"Choose who takes on {group['kind'].label.lower()}."
            chosen[group["name"]] = found
        if not errors:
            try:
                hand_over(user=subject, to=chosen, actor=Actor(user))
            except AccountError as error:
                errors[error.field or "subject"] = error.message
            else:
                return redirect("accounts:staff-member", username=subject.username)
    return render(
        request,
        "accounts/staff_deactivate.html",
        {"subject": subject, "groups": groups, "errors": errors},
        status=400 if errors else 200,
    )
