"""Signing in and out. Repeated failures lock the account for a while (django-axes).

With single sign-on configured the page offers it (``accounts/oidc.py``); with local
passwords off it offers nothing else and refuses a password. Someone with an authenticator
app gives its code after their password (``accounts/views.py`` ``sign_in_code``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from putright.accounts.backends import local_passwords
from putright.accounts.oidc import REFUSAL_KEY, sso
from putright.accounts.second_factor import second_factor_mode
from putright.accounts.views import confirmed_device, wait_for_code

PASSWORDS_OFF = "Sign in with your organisation's account: passwords are not used here."


class SignInView(auth_views.LoginView):
    template_name = "staff/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        config = sso()
        context["sso"] = config if config.enabled else None
        context["local_passwords"] = local_passwords()
        context["refusal"] = self.request.session.pop(REFUSAL_KEY, "")
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not local_passwords():
            context = self.get_context_data()
            context["refusal"] = PASSWORDS_OFF
            return render(request, self.template_name, context, status=400)
        response: HttpResponse = super().post(request, *args, **kwargs)
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if second_factor_mode() != "off" and confirmed_device(user) is not None:
            return wait_for_code(self.request, user, self.get_success_url())
        response: HttpResponse = super().form_valid(form)
        return response


class SignOutView(auth_views.LogoutView):
    next_page = "staff:sign-in"


def locked_out(
    request: HttpRequest, credentials: object = None, *args: object, **kwargs: object
) -> HttpResponse:
    """Shown instead of the sign-in form after too many failed attempts."""
    return render(request, "staff/locked_out.html", status=429)
