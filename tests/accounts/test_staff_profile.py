"""What packs know of staff: directorate, line manager and teams, found by the selectors."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.db import IntegrityError, transaction

from putright.accounts.models import Membership, Role, Team, TeamMembership, User
from putright.accounts.selectors import (
    line_manager_of,
    staff_entry,
    staff_list,
    staff_with_roles,
    team_members,
)

SOUTHERN = "southern-housing-2020"
ROOFTOP = "rooftop-2023"

pytestmark = pytest.mark.django_db


def staff(username, *, organisation=None, roles=(), directorate="", active=True, teams=()):
    user = User.objects.create_user(
        username,
        display_name=username.title(),
        directorate=directorate,
        is_active=active,
    )
    for role in roles:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    for slug in teams:
        team, _ = Team.objects.get_or_create(
            organisation=organisation, slug=slug, defaults={"name": slug.title()}
        )
        TeamMembership.objects.create(user=user, team=team)
    return user


@pytest.fixture
def southern(organisation_on):
    return organisation_on(SOUTHERN)


@pytest.fixture
def rooftop(organisation_on):
    return organisation_on(ROOFTOP)


def test_a_senior_manager_from_another_directorate_is_found_and_not_one_from_the_same(southern):
    same = staff(
        "rosa",
        organisation=southern,
        roles=[Role.SENIOR_MANAGER],
        directorate="Property Services",
    )
    other = staff(
        "sam",
        organisation=southern,
        roles=[Role.SENIOR_MANAGER],
        directorate="Housing Management",
    )

    found = staff_with_roles(
        organisation=southern,
        roles=[Role.SENIOR_MANAGER],
        exclude_directorate="Property Services",
    )

    assert found == [other]
    assert same not in found


def test_the_directorate_is_compared_ignoring_case_and_spaces(southern):
    staff(
        "rosa",
        organisation=southern,
        roles=[Role.SENIOR_MANAGER],
        directorate=" property services ",
    )

    assert (
        staff_with_roles(
            organisation=southern,
            roles=[Role.SENIOR_MANAGER],
            exclude_directorate="Property Services",
        )
        == []
    )


def test_someone_whose_directorate_is_not_recorded_is_not_from_another_directorate(southern):
    staff("unknown", organisation=southern, roles=[Role.SENIOR_MANAGER])

    assert (
        staff_with_roles(
            organisation=southern,
            roles=[Role.SENIOR_MANAGER],
            exclude_directorate="Property Services",
        )
        == []
    )
    assert [u.username for u in staff_with_roles(organisation=southern, roles=["senior_manager"])]


def test_staff_with_roles_leaves_out_other_organisations_other_roles_and_the_deactivated(
    southern, rooftop
):
    wanted = staff("ann", organisation=southern, roles=[Role.MANAGER, Role.SENIOR_MANAGER])
    staff("bob", organisation=rooftop, roles=[Role.SENIOR_MANAGER])
    staff("cat", organisation=southern, roles=[Role.COMPLAINT_HANDLER])
    staff("dan", organisation=southern, roles=[Role.SENIOR_MANAGER], active=False)
    also = staff("eve", organisation=southern, roles=[Role.COMPLAINTS_MANAGER])

    found = staff_with_roles(
        organisation=southern, roles=[Role.SENIOR_MANAGER, Role.COMPLAINTS_MANAGER]
    )

    assert found == [wanted, also]  # by name, each once though Ann holds two of the roles


def test_staff_with_roles_leaves_out_the_people_already_involved(southern):
    proposer = staff("ann", organisation=southern, roles=[Role.SENIOR_MANAGER])
    other = staff("bob", organisation=southern, roles=[Role.SENIOR_MANAGER])

    assert staff_with_roles(
        organisation=southern, roles=[Role.SENIOR_MANAGER], exclude_users=[proposer]
    ) == [other]


def test_the_repairs_team_is_found_in_its_own_organisation_only(southern, rooftop):
    fixer = staff("fixer", organisation=southern, teams=["repairs"])
    planner = staff("planner", organisation=southern, teams=["repairs", "governance"])
    staff("elsewhere", organisation=rooftop, teams=["repairs"])
    staff("gone", organisation=southern, teams=["repairs"], active=False)
    staff("clerk", organisation=southern, teams=["governance"])

    assert team_members(organisation=southern, team="repairs") == [fixer, planner]
    repairs = Team.objects.get(organisation=southern, slug="repairs")
    assert team_members(organisation=southern, team=repairs) == [fixer, planner]
    assert team_members(organisation=southern, team="lettings") == []


def test_a_line_manager_is_found_while_they_are_active():
    boss = User.objects.create_user("boss")
    report = User.objects.create_user("report", line_manager=boss)

    assert line_manager_of(report) == boss
    assert list(boss.reports.all()) == [report]
    assert line_manager_of(boss) is None

    boss.is_active = False
    boss.save()
    report.refresh_from_db()
    assert line_manager_of(report) is None


def test_removing_a_line_manager_leaves_their_reports_without_one():
    boss = User.objects.create_user("boss")
    report = User.objects.create_user("report", line_manager=boss)

    boss.delete()

    report.refresh_from_db()
    assert report.line_manager is None


def test_nobody_can_be_their_own_line_manager_in_the_database():
    user = User.objects.create_user("loner")
    user.line_manager = user

    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_a_team_slug_is_used_once_per_organisation(southern, rooftop):
    Team.objects.create(organisation=southern, slug="repairs", name="Repairs")
    Team.objects.create(organisation=rooftop, slug="repairs", name="Repairs")

    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.create(organisation=southern, slug="repairs", name="Repairs again")


def test_staff_list_gives_roles_and_teams_per_organisation(southern, rooftop):
    ann = staff("ann", organisation=southern, roles=[Role.MANAGER], teams=["repairs"])
    Membership.objects.create(user=ann, organisation=rooftop, role=Role.PANEL_MEMBER)
    staff("bob", organisation=rooftop, roles=[Role.COMPLAINT_HANDLER])

    entry = staff_entry(user=ann)
    assert entry.roles == {ROOFTOP: ["panel_member"], SOUTHERN: ["manager"]}
    assert entry.teams == {SOUTHERN: ["repairs"]}
    listed = staff_list(organisation=southern)
    assert [e.user.username for e in listed] == ["ann"]
    assert listed[0].roles == {SOUTHERN: ["manager"]}


# The admin


class FormValues(HTMLParser):
    """The values a browser would submit from a page's form (no button pressed).

    One value per name: enough for these forms, whose multiple choices are left empty.
    """

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values[name] = a.get("value", "on" if a.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self.select = name
            if "multiple" not in a:  # an empty multiple choice is not sent at all
                self.values.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select] = a.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        if tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.values[self.textarea] += data.lstrip("\n")


def form_values(client, url: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200
    form = FormValues()
    form.feed(page.content.decode())
    return form.values


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    client.force_login(admin)
    return client


def test_the_admin_sets_a_users_directorate_line_manager_and_teams(admin_client, southern):
    boss = staff("boss", organisation=southern, roles=[Role.SENIOR_MANAGER])
    repairs = Team.objects.create(organisation=southern, slug="repairs", name="Repairs")
    user = staff("fixer", organisation=southern, roles=[Role.COMPLAINT_HANDLER])
    url = f"/admin/accounts/user/{user.pk}/change/"
    data = form_values(admin_client, url)
    assert "directorate" in data
    assert "line_manager" in data
    data["directorate"] = "Property Services"
    data["line_manager"] = str(boss.pk)
    data["team_memberships-TOTAL_FORMS"] = "1"
    data["team_memberships-0-team"] = str(repairs.pk)
    data["team_memberships-0-user"] = str(user.pk)

    saved = admin_client.post(url, data)

    assert saved.status_code == 302, [
        line for line in saved.content.decode().splitlines() if "error" in line
    ]
    user.refresh_from_db()
    assert user.directorate == "Property Services"
    assert line_manager_of(user) == boss
    assert team_members(organisation=southern, team="repairs") == [user]


def test_the_admin_refuses_a_user_as_their_own_line_manager(admin_client):
    user = User.objects.create_user("loner")
    url = f"/admin/accounts/user/{user.pk}/change/"
    data = form_values(admin_client, url)
    data["line_manager"] = str(user.pk)

    refused = admin_client.post(url, data)

    assert refused.status_code == 200
    assert "Nobody can be their own line manager." in refused.content.decode()
    user.refresh_from_db()
    assert user.line_manager is None


def test_the_line_manager_is_chosen_by_searching_for_them(admin_client):
    User.objects.create_user("rkhan", display_name="Rosa Khan")
    User.objects.create_user("sjones", display_name="Sam Jones")

    found = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "accounts",
            "model_name": "user",
            "field_name": "line_manager",
            "term": "rosa",
        },
    )

    assert found.status_code == 200
    assert [r["text"] for r in found.json()["results"]] == ["Rosa Khan"]


def test_a_team_is_made_in_the_admin_with_its_members(admin_client, southern):
    fixer = staff("fixer", organisation=southern)
    data = form_values(admin_client, "/admin/accounts/team/add/")
    data.update(
        {
            "organisation": str(southern.pk),
            "slug": "repairs",
            "name": "Repairs",
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-user": str(fixer.pk),
        }
    )

    saved = admin_client.post("/admin/accounts/team/add/", data)

    assert saved.status_code == 302, saved.content.decode()[:3000]
    assert team_members(organisation=southern, team="repairs") == [fixer]
    listing = admin_client.get("/admin/accounts/team/").content.decode()
    assert "Repairs" in listing
    assert southern.name in listing
