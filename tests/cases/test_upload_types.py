"""Uploads are stored under the extension of the type their contents were recognised as.

Text is always stored as ``.txt`` and a PDF as ``.pdf``, whatever the name said, and text
that opens with markup (a web page, SVG or XML) is refused: a file declared as plain text
must never be kept where a browser could take it for a page.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from putright.accounts.models import Role
from putright.cases.errors import CaseInputError
from putright.cases.models import Attachment
from putright.cases.services import Actor, case_attach, check_attachment
from tests.api.conftest import api_for, make_user
from tests.conftest import at

pytestmark = pytest.mark.django_db

HOS = "hos-code-2024"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100
MARKUP_REFUSED = "The file is a web page or other markup, not plain text."


@pytest.fixture
def complaint(receive, clock):
    clock(2026, 3, 2, 9)
    return receive(HOS, received_at=at(2026, 3, 2, 9))


def stored_as(attachment: Attachment) -> str:
    return attachment.file.name.rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(document.cookie)</script>",
        b"<!DOCTYPE html><p>hello</p>",
        b"  \r\n\t<script>alert(1)</script>",
        b"\xef\xbb\xbf<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b'<?xml version="1.0"?><x/>',
        b"\n" * 600 + b"<html>",  # the markup starts after the first 512 bytes
    ],
    ids=["html", "doctype", "blank-then-script", "bom-then-svg", "xml", "late-markup"],
)
def test_markup_declared_as_plain_text_is_refused(complaint, handler, content):
    upload = SimpleUploadedFile("evil.html", content, "text/plain")

    with pytest.raises(CaseInputError) as refused:
        case_attach(case=complaint, actor=Actor(handler), upload=upload)

    assert refused.value.message == MARKUP_REFUSED
    assert set(refused.value.fields) == {"file"}
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type", "stored"),
    [
        ("evil.html", b"Called at 9am; nobody came.", "text/plain", "evil.txt"),
        ("notes", b"No extension at all", "text/plain", "notes.txt"),
        ("page.svg", b"Not < an image", "text/plain; charset=utf-8", "page.txt"),
        ("report.html", PDF, "application/pdf", "report.pdf"),
        ("photo.pdf.html", PNG, "image/png", "photo_pdf.png"),
        ("tap.jpeg", b"\xff\xd8\xff\xe0" + b"0" * 50, "image/jpeg", "tap.jpg"),
        ("../../etc/passwd", b"root", "text/plain", "passwd.txt"),
        (".html", b"hidden", "text/plain", "attachment.txt"),
    ],
)
def test_the_stored_extension_is_the_one_of_the_recognised_type(
    complaint, handler, name, content, content_type, stored
):
    upload = SimpleUploadedFile(name, content, content_type)

    attachment = case_attach(case=complaint, actor=Actor(handler), upload=upload)

    # The storage may add a suffix to a name already taken (``notes_Hc7OEVU.txt``).
    stem, extension = stored.rsplit(".", 1)
    assert re.fullmatch(rf"{re.escape(stem)}(_\w{{7}})?\.{extension}", stored_as(attachment))
    assert attachment.file.name.startswith(f"cases/{complaint.reference}/{stem}")
    attachment.file.open("rb")
    assert attachment.file.read() == content


def test_check_attachment_names_the_file_it_accepts():
    upload = SimpleUploadedFile("statement.HTML", b"I rang on Monday.", "text/plain")

    assert check_attachment(upload) == "statement.txt"
    assert upload.read() == b"I rang on Monday."  # left at the start for whoever stores it


def test_the_api_refuses_markup_as_text_with_the_field(complaint, clock):
    clock(2026, 3, 16, 10)
    user = make_user("api_handler", complaint.organisation, Role.COMPLAINT_HANDLER)
    response = api_for(user).upload(
        f"/cases/{complaint.reference}/attach",
        {"file": SimpleUploadedFile("evil.html", b"<script>alert(1)</script>", "text/plain")},
    )

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("invalid", MARKUP_REFUSED)
    assert set(error["fields"]) == {"file"}
    assert not Attachment.objects.exists()


def test_the_portal_refuses_markup_as_text_beside_the_field(organisation_on, clock):
    from tests.portal.test_portal import upload, walk

    cache.clear()  # no rate-limit counts from other tests
    slh = organisation_on("south-liverpool-homes-2021")
    clock(2026, 3, 2, 9)
    client = Client()
    walk(client, slh)

    response = upload(client, slh, "evil.html", b"<html><script>x</script>", "text/plain")

    assert response.status_code == 400
    assert (
        '<p id="id_file-error" class="govuk-error-message"><span class="govuk-visually-hidden">'
        "Error:</span> The file is a web page or other markup, not plain text.</p>"
    ) in response.content.decode()


def test_the_portal_keeps_evidence_under_the_type_it_really_is(db):
    from putright.portal.uploads import keep

    kept = keep(SimpleUploadedFile("notes.html", b"Just words", content_type="text/plain"), "t")
    assert kept["key"].endswith("-notes.txt")
    assert kept["name"] == "notes.html"  # the resident still sees the name they gave


# -- what the security probe found (downloads, polyglots, empty files) ------------------------


def test_an_empty_file_is_refused():
    with pytest.raises(CaseInputError, match="The file is empty"):
        check_attachment(SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"))


def test_a_pdf_carrying_a_script_after_its_header_is_refused():
    polyglot = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>"
    with pytest.raises(CaseInputError, match="web page or script inside it"):
        check_attachment(
            SimpleUploadedFile("statement.html", polyglot, content_type="application/pdf")
        )


def test_a_file_downloads_under_the_extension_of_what_it_is(complaint, handler):
    kept = case_attach(
        case=complaint,
        actor=Actor(handler),
        upload=SimpleUploadedFile("statement.html", PDF, content_type="application/pdf"),
    )
    assert kept.download_name == "statement.pdf"
    notes = case_attach(
        case=kept.case,
        actor=Actor(handler),
        upload=SimpleUploadedFile("notes.svg", b"Just some notes.", content_type="text/plain"),
    )
    assert notes.download_name == "notes.txt"


def test_invisible_characters_that_reverse_a_name_are_removed(complaint, handler):
    kept = case_attach(
        case=complaint,
        actor=Actor(handler),
        upload=SimpleUploadedFile("invoice\u202efdp.exe", PDF, content_type="application/pdf"),
    )
    assert kept.name == "invoicefdp.exe"
    assert kept.download_name == "invoicefdp.pdf"


def test_staff_download_the_file_under_its_safe_name(complaint, handler, client):
    from putright.accounts.models import Membership

    Membership.objects.get_or_create(
        user=handler, organisation=complaint.organisation, role=Role.COMPLAINT_HANDLER
    )
    kept = case_attach(
        case=complaint,
        actor=Actor(handler),
        upload=SimpleUploadedFile("statement.html", PDF, content_type="application/pdf"),
    )
    client.force_login(handler)
    response = client.get(f"/cases/{complaint.reference}/files/{kept.pk}/")
    assert response.status_code == 200, response.content
    assert 'filename="statement.pdf"' in response["Content-Disposition"]
