"""Limits on codes and uploads, odd file names, and what the "sent" page keeps."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from putright.cases.models import Case
from putright.portal.models import OneTimeCode

from .test_portal import code_from, send, text, upload, walk

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4" + b"0" * 1000


def ask_code(reference, contact="pat@example.org", address="198.51.100.1"):
    client = Client(REMOTE_ADDR=address)
    answer = client.post("/resident/follow/", {"reference": reference, "contact": contact})
    return client, answer


# -- one-time codes for one case, from many addresses ---------------------------------------


def test_at_most_five_codes_an_hour_for_one_case_from_any_address(receive, clock):
    case = receive("south-liverpool-homes-2021", received_at=clock(2026, 3, 2, 9))
    answers = [ask_code(case.reference, address=f"198.51.100.{i}")[1] for i in range(30)]
    clock(2026, 3, 2, 10, 1)  # the next hour
    later = ask_code(case.reference, address="198.51.100.99")[1]

    assert [a.status_code for a in answers[:5]] == [302] * 5
    assert {a.status_code for a in answers[5:]} == {429}
    assert "Please try again later" in text(answers[5])
    assert "Please try again in an hour" in text(answers[5])
    assert later.status_code == 302
    assert len(mail.outbox) == 6


def test_the_limit_for_a_reference_does_not_reveal_whether_it_exists(receive, clock):
    case = receive("south-liverpool-homes-2021", received_at=clock(2026, 3, 2, 9))

    def sixth(reference, contact):
        for i in range(5):
            ask_code(reference, contact, address=f"203.0.113.{i}")
        return ask_code(reference, contact, address="203.0.113.50")[1]

    real = sixth(case.reference, "pat@example.org")
    wrong_contact = sixth("SLH-2026-77777", "pat@example.org")
    no_case = sixth("XX-2026-99999", "someone@example.org")

    assert real.status_code == wrong_contact.status_code == no_case.status_code == 429
    assert text(real) == text(wrong_contact) == text(no_case)
    assert len(mail.outbox) == 5


def test_twenty_wrong_codes_in_a_day_stop_codes_for_the_case_until_tomorrow(receive, clock):
    case = receive("south-liverpool-homes-2021", received_at=clock(2026, 3, 2, 9))
    for hour in range(4):  # five codes an hour, five tries each
        clock(2026, 3, 2, 10 + hour)
        for i in range(5):
            client, _ = ask_code(case.reference, address=f"192.0.2.{hour * 5 + i}")
            code = code_from(mail.outbox[-1].body)
            wrong = "111111" if code != "111111" else "222222"
            client.post("/resident/follow/code/", {"code": wrong})
    assert len(mail.outbox) == 20

    clock(2026, 3, 2, 15)
    client, refused = ask_code(case.reference, address="192.0.2.200")
    clock(2026, 3, 3, 9)  # the next day
    client, tomorrow = ask_code(case.reference, address="192.0.2.201")
    code = code_from(mail.outbox[-1].body)
    entered = client.post("/resident/follow/code/", {"code": code})

    assert refused.status_code == 429
    assert "Please try again tomorrow" in text(refused)
    assert len(mail.outbox) == 21  # nothing sent while refused
    assert tomorrow.status_code == 302
    assert entered["Location"] == "/resident/follow/case/"


def test_once_the_day_has_too_many_wrong_codes_the_code_in_hand_is_not_checked(receive, clock):
    case = receive("south-liverpool-homes-2021", received_at=clock(2026, 3, 2, 9))
    resident, _ = ask_code(case.reference, address="203.0.113.7")
    code = code_from(mail.outbox[-1].body)
    attacker, _ = ask_code(case.reference, "nobody@example.org", address="198.51.100.7")
    for n in range(20):
        attacker.post("/resident/follow/code/", {"code": f"{n:06d}"})
    entered = resident.post("/resident/follow/code/", {"code": code})

    assert entered.status_code == 429
    assert "Please try again tomorrow" in text(entered)
    assert OneTimeCode.objects.get(case=case).used_at is None


# -- evidence uploads ------------------------------------------------------------------------


def test_evidence_uploads_are_limited_to_twenty_an_hour_from_one_address(slh, clock):
    clock(2026, 3, 2, 9)
    statuses = []
    for _ in range(5):
        client = Client(REMOTE_ADDR="203.0.113.9")
        walk(client, slh)
        for n in range(5):
            statuses.append(upload(client, slh, f"p{n}.pdf", PDF, "application/pdf").status_code)
    refused = upload(client, slh, "late.pdf", PDF, "application/pdf")
    clock(2026, 3, 2, 10, 1)
    fresh = Client(REMOTE_ADDR="203.0.113.9")
    walk(fresh, slh)
    later = upload(fresh, slh, "later.pdf", PDF, "application/pdf")

    assert statuses == [302] * 20 + [429] * 5
    assert refused.status_code == 429
    assert "Please try again later" in text(refused)
    assert later.status_code == 302


# -- odd file names ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["@@@", "@@@.pdf", "..."])
def test_a_file_name_with_no_usable_characters_is_uploaded_normally(client, slh, clock, name):
    clock(2026, 3, 2, 9)
    walk(client, slh)
    response = upload(client, slh, name, PDF, "application/pdf")
    page = client.get(response["Location"])
    case = send(client, slh)

    assert response.status_code == 302
    assert name in text(page)
    attachment = case.attachments.get()
    assert attachment.file.read() == PDF


# -- the "sent" page --------------------------------------------------------------------------


def test_the_sent_page_shows_the_reference_once(client, slh, clock):
    clock(2026, 3, 2, 9)
    walk(client, slh, who={"for_someone_else": "yes"})
    case = send(client, slh)
    first = client.get(f"/resident/{slh.slug}/make/sent/")
    again = client.get(f"/resident/{slh.slug}/make/sent/")

    assert case.reference in text(first)
    assert "Sam Tenant" in text(first)
    assert again.status_code == 200
    for private in (case.reference, "pat@example.org", "Sam Tenant"):
        assert private not in text(again)
        assert private not in str(dict(client.session))
    assert "Complaint sent" in text(again)
    assert "Follow your complaint" in text(again)


def test_starting_again_forgets_the_last_reference(client, slh, clock):
    clock(2026, 3, 2, 9)
    walk(client, slh)
    case = send(client, slh)
    client.get(f"/resident/{slh.slug}/")
    again = client.get(f"/resident/{slh.slug}/make/sent/")

    assert case.reference not in text(again)
    assert Case.objects.count() == 1


def test_pages_with_a_case_or_personal_details_are_not_kept_by_the_browser(
    client, slh, receive, clock, settings
):
    # The portal's pages say so themselves, whatever middleware a site adds or leaves out.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "NoStoredPages" not in m]
    clock(2026, 3, 2, 9)
    walk(client, slh)
    pages = [
        client.get(f"/resident/{slh.slug}/make/contact/"),
        client.get(f"/resident/{slh.slug}/make/check/"),
    ]
    send(client, slh)
    pages.append(client.get(f"/resident/{slh.slug}/make/sent/"))
    case = receive("south-liverpool-homes-2021", received_at=clock(2026, 3, 2, 10))
    follower = Client()
    follower.post("/resident/follow/", {"reference": case.reference, "contact": "pat@example.org"})
    pages.append(follower.get("/resident/follow/code/"))
    follower.post("/resident/follow/code/", {"code": code_from(mail.outbox[-1].body)})
    pages += [
        follower.get("/resident/follow/case/"),
        follower.get("/resident/follow/case/message/"),
    ]

    for page in pages:
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"], page.request["PATH_INFO"]
