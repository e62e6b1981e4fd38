"""The staff pages show personal data only to those who need it, never show a restricted
case through another page, and record every read of one and every letter downloaded."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from putright.accounts.models import AccessLog, Role, User
from putright.cases.models import Case, CaseMember
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_link,
    case_receive,
    case_record_contact,
)
from putright.letters.services import letter_send

from .conftest import give_role

RECEIVED = datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)


@pytest.fixture
def receive_here(code_org, caseworker, vulnerable_customer, clock):
    clock(2026, 3, 10, 10)  # received a week ago; what follows happened since
    person, _representative = vulnerable_customer

    def make(summary: str, **extra) -> Case:
        return case_receive(
            organisation=code_org,
            kind="complaint",
            channel="phone",
            received_at=RECEIVED,
            summary=summary,
            actor=Actor(caseworker),
            customer=person,
            **extra,
        )

    return make


@pytest.fixture
def case(receive_here) -> Case:
    return receive_here("Damp in the bedroom")


@pytest.fixture
def conduct_case(receive_here) -> Case:
    return receive_here("A housing officer was rude on the phone", flags=["conduct"])


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def panel_client(case, code_org) -> Client:
    """Signed in as a resident panel member named on ``case``."""
    panel = give_role(User.objects.create_user("pip"), code_org, Role.PANEL_MEMBER)
    CaseMember.objects.create(case=case, user=panel, role="panel_member")
    return signed_in(panel)


def _letter(case: Case, user: User):
    case = case_acknowledge(
        case=case,
        actor=Actor(user),
        method="letter",
        occurred_at=datetime.datetime(2026, 3, 3, 10, tzinfo=datetime.UTC),
    )
    sequence = max(e.sequence for e in case.events.all())
    return letter_send(case=case, sequence=sequence, actor=Actor(user))


def test_a_panel_member_does_not_see_the_customers_needs(panel_client, case):
    page = panel_client.get(f"/cases/{case.reference}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Robin Clarke" in text  # the customer's name, as on the API
    assert "Large print letters" not in text
    assert "Call before visiting" not in text


def test_the_handler_sees_the_customers_needs(staff_client, case):
    text = staff_client.get(f"/cases/{case.reference}/").content.decode()
    assert "Accessibility needs: Large print letters" in text
    assert "Adjustments: Call before visiting" in text


def test_a_panel_member_does_not_see_what_was_said_in_contacts(panel_client, case, caseworker):
    case_record_contact(
        case=case,
        actor=Actor(caseworker),
        summary="Rang back on 07700 900123",
        direction="outbound",
        occurred_at=datetime.datetime(2026, 3, 4, 10, tzinfo=datetime.UTC),
    )
    path = f"/cases/{case.reference}/?tab=correspondence"
    assert "07700 900123" in signed_in(caseworker).get(path).content.decode()
    assert "07700 900123" not in panel_client.get(path).content.decode()


def test_a_panel_member_cannot_download_a_letter(panel_client, case, complaints_manager):
    letter = _letter(case, complaints_manager)
    page = panel_client.get(f"/cases/{case.reference}/?tab=correspondence")
    assert letter.subject in page.content.decode()
    assert f"/cases/{case.reference}/letter-pdf/{letter.pk}/" not in page.content.decode()
    refused = panel_client.get(f"/cases/{case.reference}/letter-pdf/{letter.pk}/")
    assert refused.status_code == 403
    assert "Your role does not allow you to read the letters sent" in refused.content.decode()


def test_downloading_a_letter_is_recorded(manager_client, case, complaints_manager):
    letter = _letter(case, complaints_manager)
    response = manager_client.get(f"/cases/{case.reference}/letter-pdf/{letter.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    (logged,) = AccessLog.objects.filter(action="downloaded a letter")
    assert (logged.user, logged.case_reference, logged.detail) == (
        complaints_manager,
        case.reference,
        f"letter {letter.pk}",
    )


@pytest.mark.parametrize(
    "page",
    ["remedies/", "note/", "awards/"],
)
def test_reading_a_restricted_case_on_any_of_its_pages_is_recorded(
    manager_client, conduct_case, complaints_manager, page
):
    response = manager_client.get(f"/cases/{conduct_case.reference}/{page}")
    assert response.status_code == 200, response.content[:300]
    assert "A housing officer was rude" in response.content.decode()
    logged = AccessLog.objects.filter(
        action="read restricted case", case_reference=conduct_case.reference
    )
    assert [entry.user for entry in logged] == [complaints_manager]


def test_a_link_never_shows_a_case_the_reader_may_not_see(
    caseworker, case, conduct_case, complaints_manager
):
    handler = signed_in(caseworker)
    case_link(
        case=case,
        actor=Actor(complaints_manager),
        other=conduct_case,
        kind="related",
        occurred_at=datetime.datetime(2026, 3, 5, 10, tzinfo=datetime.UTC),
    )
    path = f"/cases/{case.reference}/?tab=linked"
    assert handler.get(f"/cases/{conduct_case.reference}/").status_code == 404
    handler_view = handler.get(path).content.decode()
    assert "A housing officer was rude" not in handler_view
    assert conduct_case.reference not in handler_view
    manager_view = signed_in(complaints_manager).get(path).content.decode()
    assert "A housing officer was rude" in manager_view


def test_a_search_never_confirms_a_postcode_the_reader_is_not_shown(panel_client, case, caseworker):
    postcode = case.customer.postcode
    for text in (postcode, postcode.replace(" ", "").lower()):
        handler_finds = signed_in(caseworker).get("/search/", {"q": text})
        assert case.reference in handler_finds.content.decode(), text
        assert case.reference not in panel_client.get("/search/", {"q": text}).content.decode()
        queue = panel_client.get("/cases/", {"text": text}).content.decode()
        assert case.reference not in queue
    # What the panel member is shown still finds it: the customer's name, the summary.
    assert case.reference in panel_client.get("/search/", {"q": "Robin Clarke"}).content.decode()
    assert case.reference in panel_client.get("/cases/", {"text": "damp"}).content.decode()


def _attach(case: Case, user: User):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from putright.cases.services import case_attach

    case_attach(
        case=case,
        actor=Actor(user),
        upload=SimpleUploadedFile(
            "boiler.pdf", b"%PDF-1.4 the boiler", content_type="application/pdf"
        ),
    )
    return case.attachments.get()


def test_staff_open_a_file_on_the_case_and_it_is_recorded(case, caseworker):
    kept = _attach(case, caseworker)
    handler = signed_in(caseworker)
    page = handler.get(f"/cases/{case.reference}/").content.decode()
    path = f"/cases/{case.reference}/files/{kept.pk}/"
    assert f'href="{path}"' in page
    opened = handler.get(path)
    assert opened.status_code == 200
    assert opened["Content-Disposition"].startswith("attachment;")  # never shown inline
    assert b"".join(opened.streaming_content) == b"%PDF-1.4 the boiler"
    (logged,) = AccessLog.objects.filter(action="opened a file")
    assert (logged.user, logged.detail) == (caseworker, f"boiler.pdf (file {kept.pk})")


def test_a_panel_member_sees_that_there_is_a_file_but_cannot_open_it(
    panel_client, case, caseworker
):
    kept = _attach(case, caseworker)
    page = panel_client.get(f"/cases/{case.reference}/").content.decode()
    assert "boiler.pdf" in page
    path = f"/cases/{case.reference}/files/{kept.pk}/"
    assert path not in page
    assert panel_client.get(path).status_code == 403
    assert not AccessLog.objects.filter(action="opened a file").exists()


def test_a_file_is_reached_only_through_its_own_case(case, conduct_case, caseworker):
    kept = _attach(conduct_case, caseworker)
    handler = signed_in(caseworker)
    assert handler.get(f"/cases/{case.reference}/files/{kept.pk}/").status_code == 404
    assert handler.get(f"/cases/{conduct_case.reference}/files/{kept.pk}/").status_code == 404
