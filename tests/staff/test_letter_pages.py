"""Letters from the case page: preview, send as the customer prefers, download, the bundle."""

import pytest
from django.core import mail

from putright.accounts.models import AccessLog, Role
from putright.cases.models import EventKind
from putright.cases.services import Actor, case_acknowledge
from putright.letters.models import Correspondence

from .conftest import give_role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def acknowledged(receive, clock, caseworker):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    return case_acknowledge(case=case, actor=Actor(caseworker))


def test_the_correspondence_tab_lists_the_letter_due_and_the_preview_shows_it(
    staff_client, acknowledged
):
    page = staff_client.get(f"/cases/{acknowledged.reference}/?tab=correspondence")
    sequence = acknowledged.events.get(kind=EventKind.ACKNOWLEDGED).sequence

    assert "Letters the policy calls for, not sent yet" in page.content.decode()
    assert f"/cases/{acknowledged.reference}/letters/{sequence}/" in page.content.decode()
    preview = staff_client.get(f"/cases/{acknowledged.reference}/letters/{sequence}/")
    assert preview.status_code == 200
    assert "We have received your complaint" in preview.content.decode()
    assert acknowledged.reference in preview.content.decode()


def test_sending_e_mails_the_customer_keeps_the_pdf_and_it_can_be_downloaded(
    staff_client, acknowledged
):
    sequence = acknowledged.events.get(kind=EventKind.ACKNOWLEDGED).sequence

    sent = staff_client.post(f"/cases/{acknowledged.reference}/letters/{sequence}/", follow=True)

    assert "E-mailed to pat@example.org" in sent.content.decode()
    letter = Correspondence.objects.get(case=acknowledged)
    assert len(mail.outbox) == 1
    download = staff_client.get(f"/cases/{acknowledged.reference}/letter-pdf/{letter.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    again = staff_client.post(f"/cases/{acknowledged.reference}/letters/{sequence}/")
    assert again.status_code == 400
    assert "already sent" in again.content.decode()


def test_the_ombudsman_bundle_downloads_and_the_export_is_logged(
    staff_client, acknowledged, caseworker
):
    response = staff_client.get(f"/cases/{acknowledged.reference}/ombudsman-bundle/")

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert (
        AccessLog.objects.filter(user=caseworker, action="exported the ombudsman bundle").count()
        == 1
    )


def test_someone_who_may_see_but_not_contact_cannot_send(client, acknowledged, django_user_model):
    officer = django_user_model.objects.create_user("officer")
    give_role(officer, acknowledged.organisation, Role.INVESTIGATING_OFFICER)
    acknowledged.investigator = officer
    acknowledged.save(update_fields=["investigator"])
    client.force_login(officer)
    sequence = acknowledged.events.get(kind=EventKind.ACKNOWLEDGED).sequence

    assert client.get(f"/cases/{acknowledged.reference}/letters/{sequence}/").status_code == 403
    assert client.post(f"/cases/{acknowledged.reference}/letters/{sequence}/").status_code == 403
    assert Correspondence.objects.count() == 0
