"""Administrators manage subscriptions in the staff pages and with ``putright webhooks``;
every delivery and attempt is listed for them, for nobody else."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from putright.accounts.actors import Actor
from putright.accounts.models import Role
from putright.webhooks.models import Subscription
from putright.webhooks.services import subscription_add

USERS = [*Role.values, "outsider"]


@pytest.fixture(autouse=True)
def http_allowed(settings):
    settings.PUTRIGHT_WEBHOOKS_ALLOW_HTTP = True


@pytest.fixture
def subscription(org, receiver):
    return subscription_add(
        organisation=org, url=receiver.url, event_types=["case.closed"], actor=Actor()
    )


@pytest.mark.parametrize("user", USERS)
def test_only_administrators_reach_the_webhooks_pages(client, users, subscription, user):
    client.force_login(users[user])
    expected = 200 if user == "administrator" else 404
    # The outsider administers another organisation: its own list, without this one's.
    listed = client.get("/webhooks/")
    assert listed.status_code == (200 if user in ("administrator", "outsider") else 404)
    assert (subscription.url in listed.text) == (user == "administrator")
    assert client.get(f"/webhooks/subscriptions/{subscription.pk}/").status_code == expected
    adding = client.get("/webhooks/subscriptions/")
    assert adding.status_code == (200 if user in ("administrator", "outsider") else 404)
    assert ("North Homes" in adding.text) == (user == "administrator")
    removed = client.post(f"/webhooks/subscriptions/{subscription.pk}/remove/")
    assert removed.status_code == (302 if user == "administrator" else 404)
    assert Subscription.objects.get().active == (user != "administrator")


def test_an_administrator_adds_a_subscription_and_sees_its_test_delivery(
    client, users, org, receiver
):
    client.force_login(users["administrator"])
    answer = client.post(
        "/webhooks/subscriptions/",
        {"organisation": "north-homes", "url": receiver.url, "event_types": ["case.received"]},
    )
    assert answer.status_code == 200
    made = Subscription.objects.get()
    assert made.secret in answer.text  # shown once, on this page
    assert made.personal_data == []
    assert client.post(f"/webhooks/subscriptions/{made.pk}/test/").status_code == 302
    page = client.get(f"/webhooks/subscriptions/{made.pk}/")
    assert "webhook.test" in page.text
    assert "HTTP 200" in page.text
    assert made.secret not in page.text
    assert receiver.received[0]["headers"]["webhook-signature"].startswith("v1,")


def test_the_form_says_what_is_wrong_beside_the_field(client, users, org, settings):
    settings.PUTRIGHT_WEBHOOKS_ALLOW_HTTP = False
    client.force_login(users["administrator"])
    answer = client.post(
        "/webhooks/subscriptions/",
        {"organisation": "north-homes", "url": "http://x.example", "event_types": []},
    )
    assert answer.status_code == 400
    assert "Give an https:// address" in answer.text or "This field is required" in answer.text
    assert not Subscription.objects.exists()


def test_the_command_adds_lists_tests_and_removes(org, receiver, capsys):
    call_command(
        "webhooks",
        "add",
        "--org",
        "north-homes",
        "--url",
        receiver.url,
        "--events",
        "case.received,case.closed",
        "--personal-data",
        "customer_name",
    )
    out = capsys.readouterr().out
    made = Subscription.objects.get()
    assert f"Subscription {made.pk} added for north-homes." in out
    assert made.secret in out
    assert made.personal_data == ["customer_name"]
    call_command("webhooks", "list")
    listed = capsys.readouterr().out
    assert receiver.url in listed
    assert "customer_name" in listed
    assert made.secret not in listed
    call_command("webhooks", "test", str(made.pk))
    assert "Delivered: HTTP 200" in capsys.readouterr().out
    receiver.answers = [500]
    with pytest.raises(CommandError, match="Not delivered: HTTP 500"):
        call_command("webhooks", "test", str(made.pk))
    call_command("webhooks", "deliveries", str(made.pk))
    deliveries = capsys.readouterr().out
    assert "webhook.test  failed  tries: 1" in deliveries  # a test is not retried
    assert "HTTP 500" not in deliveries  # an attempt shows its code alone
    assert "  500  " in deliveries
    call_command("webhooks", "remove", str(made.pk))
    assert "removed" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already removed"):
        call_command("webhooks", "remove", str(made.pk))


def test_the_command_refuses_bad_input_with_a_message(org):
    with pytest.raises(CommandError, match="There is no organisation nowhere"):
        call_command("webhooks", "add", "--org", "nowhere", "--url", "https://x", "--events", "all")
    with pytest.raises(CommandError, match="event_types: Choose at least one of"):
        call_command(
            "webhooks",
            "add",
            "--org",
            "north-homes",
            "--url",
            "https://x.example",
            "--events",
            "nope",
        )
    with pytest.raises(CommandError, match="There is no webhook subscription 99"):
        call_command("webhooks", "test", "99")
