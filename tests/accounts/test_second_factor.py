"""A second factor for local passwords: enrol an authenticator app, then give its code."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from putright.accounts.history import user_history
from putright.accounts.models import Membership, Role, User
from putright.accounts.views import CODE_TRIES, WRONG_CODE

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-1"


@pytest.fixture
def rosa(organisation_on):
    user = User.objects.create_user("rosa", password=PASSWORD, display_name="Rosa")
    organisation = organisation_on("southern-housing-2020")
    Membership.objects.create(user=user, organisation=organisation, role=Role.COMPLAINT_HANDLER)
    return user


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client: Client, user: User, later) -> TOTPDevice:
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text  # the QR code
    assert 'id="secret"' in text  # and the key to type instead
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(
        "/account/two-factor/", {"code": "000000" if code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 400
    assert WRONG_CODE in wrong.content.decode()
    later()  # a wrong code holds the next try back for a moment
    done = client.post("/account/two-factor/", {"code": code(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_enrolling_shows_a_qr_code_and_is_recorded(rosa, clock):
    clock(2026, 3, 2, 9)
    client = Client()
    client.force_login(rosa)
    enrol(client, rosa, lambda: clock(2026, 3, 2, 9, 1))
    assert [e.kind for e in user_history(user=rosa)] == ["second_factor_added"]
    assert (
        "When you sign in with your password" in client.get("/account/two-factor/").content.decode()
    )


def test_signing_in_with_a_password_then_asks_for_the_code(rosa, clock):
    clock(2026, 3, 2, 9)
    first = Client()
    first.force_login(rosa)
    device = enrol(first, rosa, lambda: clock(2026, 3, 2, 9, 1))
    clock(2026, 3, 2, 10)
    client = Client()
    answer = client.post("/sign-in/", {"username": "rosa", "password": PASSWORD})
    assert answer.status_code == 302
    assert answer["Location"] == "/sign-in/code/"
    assert client.get("/work/").status_code == 302  # not signed in yet
    wrong = client.post("/sign-in/code/", {"code": "12345"})
    assert wrong.status_code == 400
    assert WRONG_CODE in wrong.content.decode()
    clock(2026, 3, 2, 10, 1)
    right = client.post("/sign-in/code/", {"code": code(device)})
    assert right.status_code == 302
    assert right["Location"] == "/work/"
    assert client.get("/work/").status_code == 200


def test_wrong_codes_count_as_failed_sign_ins_and_lock_the_account(rosa, clock):
    clock(2026, 3, 2, 9)
    first = Client()
    first.force_login(rosa)
    device = enrol(first, rosa, lambda: clock(2026, 3, 2, 9, 1))
    clock(2026, 3, 2, 10)
    client = Client()
    client.post("/sign-in/", {"username": "rosa", "password": PASSWORD})
    for _ in range(CODE_TRIES - 1):
        assert client.post("/sign-in/code/", {"code": "99999"}).status_code == 400
    locked = client.post("/sign-in/code/", {"code": "99999"})
    assert locked.status_code == 429
    assert "Your account is locked for 15 minutes" in locked.content.decode()
    # The right password and then the right code no longer get in from there.
    clock(2026, 3, 2, 10, 2)
    again = client.post("/sign-in/", {"username": "rosa", "password": PASSWORD})
    assert again.status_code == 429
    assert client.post("/sign-in/code/", {"code": code(device)})["Location"] == "/sign-in/"
    assert client.get("/work/").status_code == 302


def test_without_an_app_a_password_signs_in_at_once_unless_it_is_required(rosa):
    client = Client()
    answer = client.post("/sign-in/", {"username": "rosa", "password": PASSWORD})
    assert answer["Location"] == "/work/"
    with override_settings(PUTRIGHT_SECOND_FACTOR="required"):
        client = Client()
        client.post("/sign-in/", {"username": "rosa", "password": PASSWORD})
        sent = client.get("/work/")
        assert sent.status_code == 302
        assert sent["Location"] == "/account/two-factor/"
        page = client.get("/account/two-factor/").content.decode()
        assert "You need an authenticator app" in page
        device = TOTPDevice.objects.get(user=rosa)
        assert client.post("/account/two-factor/", {"code": code(device)}).status_code == 302
        assert client.get("/work/").status_code == 200


def test_the_admin_sign_in_goes_through_the_staff_page_so_the_code_is_asked(rosa):
    answer = Client().get("/admin/login/?next=/admin/")
    assert answer.status_code == 302
    assert answer["Location"] == "/sign-in/?next=/admin/"
    outside = Client().get("/admin/login/?next=https://evil.example/")
    assert outside["Location"] == "/sign-in/?next=/admin/"
    with override_settings(PUTRIGHT_SECOND_FACTOR="off"):
        assert Client().get("/admin/login/").status_code == 200
