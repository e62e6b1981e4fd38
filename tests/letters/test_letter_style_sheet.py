"""A letter's look comes from its style sheet (letters/letter.css), linked from the letter, not
written inline: the PDF, the e-mail and the Ombudsman's file still come out styled (A4, the
letter's font, the reference in the footer, large print when asked for)."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from pypdf import PdfReader

from putright.cases.models import EventKind
from putright.cases.services import Actor, case_acknowledge
from putright.letters.rendering import inline_style_sheets
from putright.letters.services import letter_send, ombudsman_bundle

pytestmark = pytest.mark.django_db(transaction=True)

LINK = '<link rel="stylesheet" href="/static/letters/letter.css">'


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def footers(reader: PdfReader) -> list[str]:
    return [page.extract_text().strip().splitlines()[-1] for page in reader.pages]


@pytest.fixture
def acknowledged(receive, clock, handler):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    return case_acknowledge(case=case, actor=Actor(handler))


def send(case, handler, *, large_print: bool):
    sequence = case.events.get(kind=EventKind.ACKNOWLEDGED).sequence
    return letter_send(case=case, sequence=sequence, actor=Actor(handler), large_print=large_print)


def pdf_of(letter) -> PdfReader:
    letter.pdf.open("rb")
    return read(letter.pdf.read())


def test_the_letter_links_its_style_sheet_and_its_pdf_is_styled_by_it(acknowledged, handler):
    letter = send(acknowledged, handler, large_print=False)

    assert LINK in letter.html
    assert "<style" not in letter.html
    assert "style=" not in letter.html
    reader = pdf_of(letter)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4
    assert "Liberation-Sans" in fonts(reader)  # the letter's font, not the default serif
    assert footers(reader) == [f"{acknowledged.reference} - page 1 of 1"]


def test_large_print_is_larger_in_the_pdf(acknowledged, handler):
    letter = send(acknowledged, handler, large_print=True)

    reader = pdf_of(letter)
    assert len(reader.pages) == 2  # the standard letter fits on one page
    assert footers(reader) == [
        f"{acknowledged.reference} - page 1 of 2",
        f"{acknowledged.reference} - page 2 of 2",
    ]


def test_the_e_mail_carries_the_style_sheet_written_in(acknowledged, handler):
    send(acknowledged, handler, large_print=False)

    html, kind = mail.outbox[0].alternatives[0]
    assert kind == "text/html"
    assert LINK not in html  # an e-mail program fetches nothing from PutRight
    assert "<style>" in html
    assert "@page" in html
    assert "Liberation Sans" in html
    assert "Dear Pat Resident," in html


def test_the_ombudsman_file_is_styled_and_names_the_case_on_every_page(acknowledged, handler):
    send(acknowledged, handler, large_print=True)

    reader = read(ombudsman_bundle(acknowledged))

    assert "Liberation-Sans" in fonts(reader)
    assert footers(reader) == [
        f"{acknowledged.reference} - page {n} of {len(reader.pages)}"
        for n in range(1, len(reader.pages) + 1)
    ]


def test_only_putrights_own_style_sheets_are_written_in():
    html = (
        '<link rel="stylesheet" href="/static/letters/letter.css">'
        '<link rel="stylesheet" href="https://example.org/evil.css">'
        '<link rel="stylesheet" href="/static/letters/../../settings.css">'
        '<link rel="stylesheet" href="/static/letters/missing.css">'
    )

    written = inline_style_sheets(html)

    assert written.count("<style>") == 1
    assert "https://example.org/evil.css" in written
    assert "/static/letters/../../settings.css" in written
    assert "/static/letters/missing.css" in written
