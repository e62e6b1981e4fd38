"""Through the real sign-in page, in Debian's Chromium, against the tests' OpenID Connect provider.

A member of staff signs in with "Sign in with Microsoft" and lands on My work with the roles
their groups give; their groups change and signing in again changes their roles; an
administrator reads what happened on the staff page and deactivates them, handing their case
to a colleague; a member of staff with a password enrols an authenticator app. Every page is
checked with axe-core (WCAG 2.2 AA) under the Content-Security-Policy. Screenshots are kept
under /tmp/sign-in-journey/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from putright.accounts.models import Membership, Role, User
from putright.accounts.oidc import forget_discovery
from putright.accounts.sso import RoleMap, SsoSettings
from putright.cases.models import Case
from putright.cases.services import Actor, case_assign, case_receive
from putright.organisations.services import organisation_create
from putright.people.models import Person
from tests.staff import test_browser
from tests.staff.test_browser import CHROMIUM, Handler

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, RunningProvider

chromium = test_browser.chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

PASSWORD = "a-long-staff-password"
SHOTS = Path("/tmp/sign-in-journey")


def shot(who: Handler, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    who.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_out(who: Handler) -> None:
    who.page.get_by_role("button", name="Sign out").click()
    who.page.wait_for_load_state("load")


def roles(username: str) -> set[str]:
    return set(Membership.objects.filter(user__username=username).values_list("role", flat=True))


def test_signing_in_with_the_provider_then_handing_over_when_they_leave(
    chromium, live_server, monkeypatch
):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    organisation = organisation_create(
        slug="harbourside", name="Harbourside Homes", policy_pack="southern-housing-2020"
    )
    admin = User.objects.create_user("alex", display_name="Alex Admin", password=PASSWORD)
    Membership.objects.create(user=admin, organisation=organisation, role=Role.ADMINISTRATOR)
    Membership.objects.create(user=admin, organisation=organisation, role=Role.MANAGER)
    colleague = User.objects.create_user("cole", display_name="Cole Colleague")
    Membership.objects.create(
        user=colleague, organisation=organisation, role=Role.COMPLAINT_HANDLER
    )
    mapping = RoleMap(
        groups={
            "grp-complaints": (("harbourside", "complaint_handler"),),
            "grp-managers": (("harbourside", "complaints_manager"),),
        }
    )
    with RunningProvider() as provider:
        forget_discovery()
        config = SsoSettings(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            issuer=provider.url,
            provider_name="Microsoft",
            role_map=mapping,
        )
        with override_settings(PUTRIGHT_SSO=config):
            who = Handler(chromium, live_server.url)
            provider.user = {
                "sub": "entra-rosa",
                "preferred_username": "rosa@harbourside.example",
                "email": "rosa@harbourside.example",
                "name": "Rosa Khan",
                "groups": ["grp-complaints"],
            }
            who.go("/sign-in/")
            shot(who, "01-sign-in")
            who.click("Sign in with Microsoft")
            assert who.heading() == "My work"
            shot(who, "02-my-work-after-single-sign-on")
            assert roles("rosa@harbourside.example") == {"complaint_handler"}
            rosa = User.objects.get(username="rosa@harbourside.example")
            customer = Person.objects.create(organisation=organisation, name="Pat Resident")
            case = case_receive(
                organisation=organisation,
                kind="complaint",
                channel="phone",
                received_at=timezone.now(),
                summary="The boiler has failed twice",
                actor=Actor(rosa),
                customer=customer,
            )
            case_assign(case=case, actor=Actor(rosa), handler=rosa)
            sign_out(who)

            # Her groups change at the provider: the next sign-in changes her roles.
            provider.user = {**provider.user, "groups": ["grp-complaints", "grp-managers"]}
            who.go("/sign-in/")
            who.click("Sign in with Microsoft")
            assert who.heading() == "My work"
            assert roles("rosa@harbourside.example") == {"complaint_handler", "complaints_manager"}
            sign_out(who)

            # An administrator reads her history and deactivates her, handing her case over.
            who.go("/sign-in/")
            who.page.get_by_label("Username").fill("alex")
            who.page.get_by_label("Password").fill(PASSWORD)
            who.click("Sign in")
            who.nav("Staff")
            shot(who, "03-staff")
            who.click("Rosa Khan", role="link")
            text = who.page.locator("main").inner_text()
            assert "Granted Complaints manager at Harbourside Homes" in text
            assert "Account added by single sign-on" in text
            shot(who, "04-staff-member-history")
            who.click("Deactivate and hand over their work", role="link")
            assert who.heading() == "Deactivate Rosa Khan and hand over their work"
            shot(who, "05-hand-over")
            who.click("Hand over and deactivate")
            assert "There is a problem" in who.errors()
            who.page.get_by_label("Hand these to").select_option("cole")
            who.click("Hand over and deactivate")
            assert who.heading().startswith("Rosa Khan")
            shot(who, "06-after-hand-over")
            assert Case.objects.get(pk=case.pk).handler == colleague
            assert not User.objects.get(pk=rosa.pk).is_active
            sign_out(who)

            # She can no longer sign in, and is told why.
            who.go("/sign-in/")
            who.click("Sign in with Microsoft")
            assert "deactivated" in who.page.locator(".govuk-error-summary").inner_text()
            shot(who, "07-deactivated-refused")

            # A member of staff with a password enrols an authenticator app.
            who.page.get_by_label("Username").fill("alex")
            who.page.get_by_label("Password").fill(PASSWORD)
            who.click("Sign in")
            who.go("/account/two-factor/")
            assert who.heading() == "Set up an authenticator app"
            shot(who, "08-two-factor")
        forget_discovery()
