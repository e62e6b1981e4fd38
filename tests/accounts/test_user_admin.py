"""The admin changes staff through the same services, so its changes are in the history too."""

from __future__ import annotations

import pytest
from django.test import Client

from putright.accounts.history import user_history
from putright.accounts.models import Membership, Role, Team, TeamMembership, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db) -> User:
    return User.objects.create_superuser("root", "root@example.org", "a-long-password-1")


@pytest.fixture
def client(admin) -> Client:
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def southern(organisation_on):
    return organisation_on("southern-housing-2020")


def form(user: User, **changes: object) -> dict[str, object]:
    """The admin's change form for the user as it stands, with the changes made."""
    data: dict[str, object] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "display_name": user.display_name,
        "directorate": user.directorate,
        "line_manager": user.line_manager_id or "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "memberships-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "team_memberships-INITIAL_FORMS": "0",
        "team_memberships-TOTAL_FORMS": "0",
    }
    if user.is_active:
        data["is_active"] = "on"
    memberships = list(user.memberships.order_by("pk"))
    data["memberships-INITIAL_FORMS"] = str(len(memberships))
    data["memberships-TOTAL_FORMS"] = str(len(memberships))
    for index, membership in enumerate(memberships):
        data[f"memberships-{index}-id"] = membership.pk
        data[f"memberships-{index}-user"] = user.pk
        data[f"memberships-{index}-organisation"] = membership.organisation_id
        data[f"memberships-{index}-role"] = membership.role
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_adding_a_user_in_the_admin_is_recorded_as_added_by_the_admin(client, admin):
    answer = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newbie",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
            "usable_password": "true",
            "memberships-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0",
            "team_memberships-INITIAL_FORMS": "0",
            "team_memberships-TOTAL_FORMS": "0",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    newbie = User.objects.get(username="newbie")
    assert newbie.check_password("a-long-password-1")
    [added] = user_history(user=newbie)
    assert (added.kind, added.actor, added.data["source"]) == ("added", admin, "admin")


def test_roles_details_and_deactivation_in_the_admin_are_each_recorded(client, admin, southern):
    boss = User.objects.create_user("boss")
    rosa = User.objects.create_user("rosa", display_name="Rosa")
    answer = client.post(
        f"/admin/accounts/user/{rosa.pk}/change/",
        form(
            rosa,
            directorate="Housing",
            line_manager=boss.pk,
            **{
                "memberships-TOTAL_FORMS": "1",
                "memberships-0-organisation": southern.pk,
                "memberships-0-role": Role.MANAGER,
                "memberships-0-user": rosa.pk,
            },
        ),
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert Membership.objects.filter(user=rosa, role=Role.MANAGER).exists()
    rosa.refresh_from_db()
    # The role changes from manager to complaints manager, and she is deactivated.
    answer = client.post(
        f"/admin/accounts/user/{rosa.pk}/change/",
        form(rosa, is_active=None, **{"memberships-0-role": Role.COMPLAINTS_MANAGER}),
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    rosa.refresh_from_db()
    assert not rosa.is_active
    facts = [(e.kind, e.data.get("role"), e.actor) for e in user_history(user=rosa)]
    assert facts == [
        ("changed", None, admin),
        ("role_granted", "manager", admin),
        ("deactivated", None, admin),
        ("role_revoked", "manager", admin),
        ("role_granted", "complaints_manager", admin),
    ]
    page = client.get(f"/admin/accounts/user/{rosa.pk}/change/").content.decode()
    assert "Granted Complaints manager at" in page
    assert "Deactivated; 0 API token(s) revoked (in the admin)" in page


def test_a_line_manager_below_the_user_is_refused_beside_the_field(client):
    boss = User.objects.create_user("boss")
    worker = User.objects.create_user("worker", line_manager=boss)
    answer = client.post(
        f"/admin/accounts/user/{boss.pk}/change/", form(boss, line_manager=worker.pk)
    )
    assert answer.status_code == 200
    assert "worker cannot manage boss: boss is already above them" in answer.content.decode()
    assert list(user_history(user=boss)) == []


def test_joining_a_team_in_the_admin_is_recorded(client, admin, southern):
    team = Team.objects.create(organisation=southern, slug="repairs", name="Repairs")
    rosa = User.objects.create_user("rosa")
    answer = client.post(
        f"/admin/accounts/user/{rosa.pk}/change/",
        form(
            rosa,
            **{
                "team_memberships-TOTAL_FORMS": "1",
                "team_memberships-0-team": team.pk,
                "team_memberships-0-user": rosa.pk,
            },
        ),
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert TeamMembership.objects.filter(user=rosa, team=team).exists()
    [joined] = user_history(user=rosa)
    assert (joined.kind, joined.data, joined.organisation) == (
        "team_joined",
        {"team": "repairs"},
        southern,
    )


def test_the_history_is_read_only_in_the_admin(client):
    rosa = User.objects.create_user("rosa")
    assert client.get("/admin/accounts/userevent/").status_code == 200
    assert client.get("/admin/accounts/userevent/add/").status_code == 403
    assert rosa.history.count() == 0
