"""Signing in and out. Repeated failures lock the account for a while (django-axes)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class SignInView(auth_views.LoginView):
    template_name = "staff/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    next_page = "staff:sign-in"


def locked_out(
    request: HttpRequest, credentials: object = None, *args: object, **kwargs: object
) -> HttpResponse:
    """Shown instead of the sign-in form after too many failed attempts."""
    return render(request, "staff/locked_out.html", status=429)
