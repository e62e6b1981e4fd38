"""Nobody can lock a member of staff out from their own address: five wrong passwords lock
the address that sent them out of that account; a higher ceiling per account, wherever the
attempts come from, stops guessing from many addresses; the owner is told by e-mail."""

from __future__ import annotations

import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

PER_ADDRESS = {
    "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"], "username"],
    "AXES_HANDLER": "putright.accounts.lockout.PerAddressThenAccountHandler",
    "PUTRIGHT_SIGN_IN_CEILING": 20,
}


@pytest.fixture(autouse=True)
def per_address():
    cache.clear()
    with override_settings(**PER_ADDRESS):
        AxesProxyHandler.get_implementation(force=True)
        yield
    AxesProxyHandler.get_implementation(force=True)


def attempt(address: str, password: str = "wrong", username: str = "handler"):
    return Client(REMOTE_ADDR=address).post(
        "/sign-in/", {"username": username, "password": password}
    )


def test_five_wrong_passwords_from_a_stranger_do_not_lock_the_owner_out(caseworker):
    caseworker.email = "hana@example.org"
    caseworker.save()
    for _ in range(4):
        assert attempt("203.0.113.9").status_code == 200
    assert attempt("203.0.113.9").status_code == 429
    assert attempt("203.0.113.9", PASSWORD).status_code == 429  # the stranger's address
    assert attempt("198.51.100.7", PASSWORD).status_code == 302  # the owner, at work
    told = [m for m in mail.outbox if "locked" in m.subject]
    assert len(told) == 1
    assert told[0].to == ["hana@example.org"]


def test_guessing_from_many_addresses_meets_the_ceiling_per_account(caseworker):
    for n in range(20):
        attempt(f"203.0.113.{n + 1}")
    assert attempt("198.51.100.7", PASSWORD).status_code == 429
