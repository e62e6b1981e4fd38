"""Who may open the staff pages and the account pages: every role, every page.

A member of staff of the organisation is listed, read and deactivated only by those whose
role lets them (managers and administrators; the history only by administrators); anyone
else gets 404, which does not reveal whether the person exists.
"""

from __future__ import annotations

import pytest
from django.test import Client

from putright.accounts.models import Membership, Role, User

pytestmark = pytest.mark.django_db

HANDOVER = {Role.MANAGER, Role.SENIOR_MANAGER, Role.COMPLAINTS_MANAGER, Role.ADMINISTRATOR}
HISTORY = {Role.ADMINISTRATOR}


@pytest.fixture
def subject(organisation_on):
    organisation = organisation_on("southern-housing-2020")
    user = User.objects.create_user("subject", display_name="Sam Subject")
    Membership.objects.create(user=user, organisation=organisation, role=Role.COMPLAINT_HANDLER)
    return user


def client_for(role: str, organisation) -> Client:
    user = User.objects.create_user(f"as-{role}")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", Role.values)
def test_each_role_on_the_staff_pages(role, subject, organisation_on):
    organisation = organisation_on("southern-housing-2020")
    client = client_for(role, organisation)
    listing = client.get("/staff/")
    member = client.get("/staff/subject/")
    deactivate = client.get("/staff/subject/deactivate/")
    posted = client.post("/staff/subject/deactivate/", {})
    may_hand_over = role in HANDOVER
    may_read = may_hand_over or role in HISTORY
    assert listing.status_code == (200 if may_hand_over else 404)
    assert member.status_code == (200 if may_read else 404)
    assert ('<h2 class="govuk-heading-m">History</h2>' in member.content.decode()) == (
        role in HISTORY
    )
    assert deactivate.status_code == (200 if may_hand_over else 404)
    assert posted.status_code == (302 if may_hand_over else 404)
    assert User.objects.get(username="subject").is_active == (not may_hand_over)


@pytest.mark.parametrize("role", sorted(HANDOVER))
def test_nobody_reaches_the_staff_of_another_organisation(role, subject, organisation_on):
    other = organisation_on("rooftop-2023")
    client = client_for(role, other)
    for path in ("/staff/subject/", "/staff/subject/deactivate/"):
        assert client.get(path).status_code == 404
    assert client.post("/staff/subject/deactivate/", {}).status_code == 404
    assert User.objects.get(username="subject").is_active


def test_signed_out_visitors_are_sent_to_sign_in(subject):
    client = Client()
    for path in (
        "/staff/",
        "/staff/subject/",
        "/staff/subject/deactivate/",
        "/account/two-factor/",
    ):
        answer = client.get(path)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/sign-in/?next=")


def test_everyone_reads_their_own_history_but_no_one_deactivates_themselves(subject):
    client = Client()
    client.force_login(subject)
    assert client.get("/staff/subject/").status_code == 200
    assert client.get("/staff/subject/deactivate/").status_code == 404


def test_a_superuser_sees_everyone(subject):
    root = User.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    client = Client()
    client.force_login(root)
    assert client.get("/staff/").status_code == 200
    assert "History" in client.get("/staff/subject/").content.decode()
