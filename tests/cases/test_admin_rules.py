"""The admin does not go round the rules: it shows only the cases the user may see, changes,
adds and deletes nothing (a case, its files and its chronology change only through the
services, with an event), and a restricted case or file opened there is recorded."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from putright.accounts.models import AccessLog, Membership, Role, User
from putright.cases.models import Attachment, Case
from putright.cases.services import Actor, case_attach
from tests.conftest import at

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def restricted(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=at(2026, 3, 2, 9), flags=["conduct"])
    return case


def staff_admin(organisation, *roles: str) -> Client:
    user = User.objects.create_user("it-admin", password="a-long-password-1", is_staff=True)
    user.is_superuser = True
    user.save()
    for role in roles:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_who_may_not_see_a_restricted_case_does_not_see_it_in_the_admin(
    restricted,
):
    client = staff_admin(restricted.organisation, Role.COMPLAINT_HANDLER)
    listing = client.get("/admin/cases/case/")
    assert listing.status_code == 200
    assert restricted.reference not in listing.content.decode()
    assert client.get(f"/admin/cases/case/{restricted.pk}/change/").status_code in (302, 404)


def test_a_restricted_case_read_in_the_admin_is_recorded_and_cannot_be_changed(restricted):
    client = staff_admin(restricted.organisation, Role.COMPLAINTS_MANAGER)
    page = client.get(f"/admin/cases/case/{restricted.pk}/change/")
    assert page.status_code == 200
    assert AccessLog.objects.filter(
        case_reference=restricted.reference, action="read restricted case (admin)"
    ).exists()
    before = Case.objects.get(pk=restricted.pk)
    client.post(
        f"/admin/cases/case/{restricted.pk}/change/",
        {"summary": "Rewritten", "conduct": "", "channel": "email"},
    )
    after = Case.objects.get(pk=restricted.pk)
    assert (after.summary, after.conduct, after.version) == (
        before.summary,
        True,
        before.version,
    )


def test_evidence_is_never_deleted_or_repointed_in_the_admin(restricted, handler):
    client = staff_admin(restricted.organisation, Role.COMPLAINTS_MANAGER)
    kept = case_attach(
        case=restricted,
        actor=Actor(handler),
        upload=SimpleUploadedFile("photo.pdf", PDF, content_type="application/pdf"),
    )
    assert (
        client.post(f"/admin/cases/attachment/{kept.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    client.post(f"/admin/cases/attachment/{kept.pk}/change/", {"case": "999", "name": "x"})
    assert Attachment.objects.get(pk=kept.pk).case_id == restricted.pk
    page = client.get(f"/admin/cases/attachment/{kept.pk}/change/")
    assert page.status_code == 200
    assert "/media/" not in page.content.decode()  # the file is opened from the case page
    assert AccessLog.objects.filter(action="opened a file record (admin)").exists()


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("restricted_case", [False, True])
def test_the_admin_shows_a_case_exactly_to_those_the_pages_show_it_to(
    receive, clock, role, restricted_case
):
    """The authorisation matrix for the admin: every role, an ordinary and a restricted case."""
    from putright.accounts.access import can_see_case

    clock(2026, 3, 2, 9)
    flags = ["conduct"] if restricted_case else []
    case = receive("hos-code-2024", received_at=at(2026, 3, 2, 9), flags=flags)
    client = staff_admin(case.organisation, role)
    user = User.objects.get(username="it-admin")
    may = can_see_case(user, case)
    listed = case.reference in client.get("/admin/cases/case/").content.decode()
    opened = client.get(f"/admin/cases/case/{case.pk}/change/").status_code == 200
    assert (listed, opened) == (may, may)


def test_a_customer_is_shown_in_the_admin_only_to_those_who_may_read_their_record(restricted):
    """A member of staff given the admin's view of people (not a superuser, whose
    administrator role reads every record) sees only the customers their roles may read."""
    from django.contrib.auth.models import Permission

    customer = restricted.customer
    viewer = User.objects.create_user("viewer", password="a-long-password-1", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_person"))
    Membership.objects.create(
        user=viewer, organisation=restricted.organisation, role=Role.BOARD_MEMBER
    )
    client = Client()
    client.force_login(viewer)
    listing = client.get("/admin/people/person/")
    assert listing.status_code == 200
    assert customer.name not in listing.content.decode()
    assert client.get(f"/admin/people/person/{customer.pk}/change/").status_code in (302, 404)
