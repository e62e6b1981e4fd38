"""The resident portal through Django's test client: make a complaint, follow it, escalate it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from putright.cases.models import Case, Channel, EventKind, Status
from putright.cases.services import (
    Actor,
    case_acknowledge,
    case_close,
    case_respond,
)
from putright.letters.models import Correspondence
from putright.organisations.services import organisation_create
from putright.people.models import Authority, Person
from putright.portal import sms
from putright.portal.models import OneTimeCode, SatisfactionResponse

pytestmark = pytest.mark.django_db

ANSWERS = {
    "what": {"kind": "complaint"},
    "who": {"for_someone_else": "no"},
    "their-details": {"their_name": "Sam Tenant", "relationship": "family"},
    "about": {"summary": "Kitchen tap still leaking", "service_area": ""},
    "what-happened": {
        "details": "The tap has leaked since February. Two visits did not fix it.",
        "occurred_day": "20",
        "occurred_month": "2",
        "occurred_year": "2026",
    },
    "time-limit": {"delay_reason": ""},
    "put-right": {"desired_outcome": "Replace the tap this month."},
    "evidence": {"action": "continue"},
    "contact": {
        "name": "Pat Resident",
        "email": "pat@example.org",
        "phone": "",
        "preferred_contact": "email",
        "contact_times": "",
        "address": "",
        "postcode": "",
    },
    "support": {"other_needs": ""},
}


def step_of(url: str) -> str:
    return url.rstrip("/").split("?")[0].rsplit("/", 1)[-1]


def walk(client: Client, organisation, **overrides) -> list[str]:
    """Answer every page up to check-your-answers; returns the pages visited, in order."""
    answers = {**ANSWERS, **overrides}
    url = f"/resident/{organisation.slug}/make/what/"
    visited: list[str] = []
    for _ in range(20):
        response = client.get(url)
        if response.status_code == 302:
            url = response["Location"]
            continue
        assert response.status_code == 200, (url, response.content.decode()[:500])
        slug = step_of(url)
        if slug == "check":
            return visited
        visited.append(slug)
        response = client.post(url, answers[slug])
        assert response.status_code == 302, (url, response.content.decode())
        url = response["Location"]
    raise AssertionError("the journey did not reach the check page")


def send(client: Client, organisation) -> Case:
    response = client.post(f"/resident/{organisation.slug}/make/check/")
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == f"/resident/{organisation.slug}/make/sent/"
    return Case.objects.order_by("-pk").first()


def text(response) -> str:
    """The page as plain text, whitespace collapsed."""
    html = response.content.decode()
    plain = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return re.sub(r" ([,.])", r"\1", plain)


def code_from(message) -> str:
    return re.search(r"\b(\d{6})\b", message).group(1)


def follow(client: Client, reference: str, contact: str = "pat@example.org"):
    """Ask for a code and enter it; returns the case page."""
    response = client.post("/resident/follow/", {"reference": reference, "contact": contact})
    assert response.status_code == 302
    code = code_from(mail.outbox[-1].body)
    response = client.post("/resident/follow/code/", {"code": code})
    assert response.status_code == 302, text(response)
    assert response["Location"] == "/resident/follow/case/"
    return client.get("/resident/follow/case/")


# -- making a complaint -----------------------------------------------------------------


def test_the_whole_journey_gives_a_reference_and_real_dates(
    client, slh, clock, django_capture_on_commit_callbacks
):
    clock(2026, 3, 2, 9)
    start = client.get(f"/resident/{slh.slug}/")
    assert start.status_code == 200
    assert "Housing Ombudsman" in text(start)
    assert "0300 111 3000" in text(start)

    visited = walk(client, slh)
    check = client.get(f"/resident/{slh.slug}/make/check/")
    with django_capture_on_commit_callbacks(execute=True):
        case = send(client, slh)
    sent = client.get(f"/resident/{slh.slug}/make/sent/")

    assert visited == [
        "what",
        "who",
        "about",
        "what-happened",
        "put-right",
        "evidence",
        "contact",
        "support",
    ]
    assert "Check your answers before sending your complaint" in text(check)
    assert "Fri 20 Feb 2026" in text(check)
    assert (case.kind, case.channel, case.stage) == ("complaint", Channel.WEB_FORM, "stage1")
    assert case.summary == "Kitchen tap still leaking"
    assert case.desired_outcome == "Replace the tap this month."
    assert case.matter_occurred_on == datetime.date(2026, 2, 20)
    assert (case.customer.name, case.customer.email) == ("Pat Resident", "pat@example.org")
    page = text(sent)
    assert case.reference in page
    assert (
        "We will contact you to confirm we have your complaint by Wed 4 Mar 2026, "
        "and send you our response by Mon 16 Mar 2026." in page
    )
    assert mail.outbox[-1].to == ["pat@example.org"]
    assert case.reference in mail.outbox[-1].subject
    # The answers are gone: starting again starts afresh.
    assert client.get(f"/resident/{slh.slug}/make/check/").status_code == 302


def test_kinds_are_those_the_pack_accepts(client, slh, code_org):
    kinds = client.get(f"/resident/{slh.slug}/make/what/")
    skipped = client.get(f"/resident/{code_org.slug}/make/what/")
    refused = client.post(f"/resident/{slh.slug}/make/what/", {"kind": "petition"})

    for label in ("Make a complaint", "Pay a compliment", "Make a comment", "Make a suggestion"):
        assert label in text(kinds)
    assert skipped.status_code == 302  # the Code's pack only takes complaints: no question
    assert skipped["Location"] == f"/resident/{code_org.slug}/make/who/"
    assert refused.status_code == 400


def test_a_compliment_skips_what_would_put_it_right(client, slh, clock):
    clock(2026, 3, 2, 9)
    visited = walk(client, slh, what={"kind": "compliment"})
    case = send(client, slh)
    sent = text(client.get(f"/resident/{slh.slug}/make/sent/"))

    assert "put-right" not in visited
    assert case.kind == "compliment"
    assert "Compliment sent" in sent
    assert "pass on your compliment" in sent


def test_validation_errors_are_shown_beside_their_fields(client, slh, clock):
    clock(2026, 3, 2, 9)
    walk(client, slh)
    about = client.post(f"/resident/{slh.slug}/make/about/", {"summary": ""})
    bad_date = client.post(
        f"/resident/{slh.slug}/make/what-happened/",
        {"details": "x", "occurred_day": "31", "occurred_month": "2", "occurred_year": "2026"},
    )
    part_date = client.post(
        f"/resident/{slh.slug}/make/what-happened/",
        {"details": "x", "occurred_day": "3", "occurred_month": "", "occurred_year": ""},
    )
    future = client.post(
        f"/resident/{slh.slug}/make/what-happened/",
        {"details": "x", "occurred_day": "3", "occurred_month": "3", "occurred_year": "2026"},
    )
    no_contact = client.post(
        f"/resident/{slh.slug}/make/contact/",
        {"name": "Pat", "email": "", "phone": "", "preferred_contact": "email"},
    )
    bad_email = client.post(
        f"/resident/{slh.slug}/make/contact/",
        {"name": "Pat", "email": "pat-at-home", "phone": "", "preferred_contact": "email"},
    )

    assert about.status_code == 400
    html = about.content.decode()
    assert '<a href="#id_summary">Tell us in a few words what it is about.</a>' in html
    assert 'id="id_summary-error"' in html
    assert "<title>Error:" in html
    assert "Enter a real date, for example 27 3 2026." in text(bad_date)
    assert 'href="#id_occurred_day"' in bad_date.content.decode()
    assert "The date must include a month and a year." in text(part_date)
    assert "The date must be today or in the past." in text(future)
    assert "Enter an e-mail address or a phone number" in text(no_contact)
    assert "Enter an e-mail address in the correct format" in text(bad_email)
    assert all(r.status_code == 400 for r in (bad_date, part_date, future, no_contact, bad_email))


def test_the_time_limit_is_explained_kindly_and_does_not_block(client, slh, clock):
    clock(2026, 3, 2, 9)
    old = {  # the policy's six months are the Code's twelve (Code 2.3, the floor)
        **ANSWERS["what-happened"],
        "occurred_day": "1",
        "occurred_month": "1",
        "occurred_year": "2025",
    }
    visited = walk(
        client,
        slh,
        **{"what-happened": old, "time-limit": {"delay_reason": "I was in hospital."}},
    )
    warning = text(client.get(f"/resident/{slh.slug}/make/time-limit/"))
    case = send(client, slh)

    assert "time-limit" in visited
    assert "We may not be able to look into this" in warning
    assert "in the last 12 months" in warning
    assert "You can still send your complaint to us" in warning
    assert case.matter_occurred_on == datetime.date(2025, 1, 1)
    assert "I was in hospital." in case.details
    assert case.status == Status.OPEN  # received as any other: the handler decides


def test_within_the_time_limit_there_is_no_warning(client, slh, clock):
    clock(2026, 3, 2, 9)
    assert "time-limit" not in walk(client, slh)
    response = client.get(f"/resident/{slh.slug}/make/time-limit/")
    assert response.status_code == 302  # not a page of this journey


def test_acting_for_someone_else_asks_for_their_authority(client, slh, clock):
    clock(2026, 3, 2, 9)
    visited = walk(client, slh, who={"for_someone_else": "yes"})
    check = text(client.get(f"/resident/{slh.slug}/make/check/"))
    case = send(client, slh)

    assert "their-details" in visited
    assert "We will ask for Sam Tenant's written permission" in check
    assert case.customer.name == "Sam Tenant"
    representative = case.representative
    assert (representative.name, representative.email) == ("Pat Resident", "pat@example.org")
    assert representative.relationship == "family"
    assert representative.authority == Authority.REQUESTED
    assert representative.person == case.customer
    assert "written permission" in text(client.get(f"/resident/{slh.slug}/make/sent/"))


def test_a_representative_can_follow_but_sees_letters_only_with_authority(client, slh, clock):
    clock(2026, 3, 2, 9)
    walk(
        client,
        slh,
        who={"for_someone_else": "yes"},
        contact={**ANSWERS["contact"], "email": "advocate@example.org"},
    )
    case = send(client, slh)
    page = text(follow(Client(), case.reference, "advocate@example.org"))
    case.representative.authority = Authority.HELD
    case.representative.save()
    with_authority = text(follow(Client(), case.reference, "advocate@example.org"))

    assert OneTimeCode.objects.filter(case=case, role="representative").count() == 2
    assert "We are looking into your complaint" in page
    assert "once we have written permission" in page
    assert "once we have written permission" not in with_authority
    assert "We have not sent you any letters yet." in with_authority


def test_a_legal_representative_needs_no_authority(client, slh, clock):
    clock(2026, 3, 2, 9)
    walk(
        client,
        slh,
        who={"for_someone_else": "yes"},
        **{"their-details": {"their_name": "Sam Tenant", "relationship": "legal_representative"}},
    )
    case = send(client, slh)
    assert case.representative.authority == Authority.NOT_NEEDED


def test_change_links_come_back_to_check_your_answers(client, slh, clock):
    clock(2026, 3, 2, 9)
    walk(client, slh)
    check = client.get(f"/resident/{slh.slug}/make/check/").content.decode()
    change = client.get(f"/resident/{slh.slug}/make/about/?change=1")
    saved = client.post(
        f"/resident/{slh.slug}/make/about/?change=1", {"summary": "Bathroom tap leaking"}
    )
    changed = text(client.get(f"/resident/{slh.slug}/make/check/"))
    # Changing to "for someone else" asks the new question first, then comes back.
    who = client.post(f"/resident/{slh.slug}/make/who/?change=1", {"for_someone_else": "yes"})

    assert f'href="/resident/{slh.slug}/make/about/?change=1"' in check
    assert (
        f'href="/resident/{slh.slug}/make/check/" class="govuk-back-link"'
        in change.content.decode()
    )
    assert saved["Location"] == f"/resident/{slh.slug}/make/check/"
    assert who["Location"] == f"/resident/{slh.slug}/make/their-details/?change=1"
    assert "Bathroom tap leaking" in changed
    assert client.get(f"/resident/{slh.slug}/make/check/")["Location"] == (
        f"/resident/{slh.slug}/make/their-details/"
    )


def test_pages_cannot_be_skipped(client, slh):
    response = client.get(f"/resident/{slh.slug}/make/contact/")
    assert response.status_code == 302
    assert response["Location"] == f"/resident/{slh.slug}/make/what/"


# -- evidence ------------------------------------------------------------------------------


def upload(client, organisation, name, content, content_type, action="upload"):
    return client.post(
        f"/resident/{organisation.slug}/make/evidence/",
        {"action": action, "file": SimpleUploadedFile(name, content, content_type)},
    )


def test_evidence_is_checked_when_uploaded_and_attached_when_sent(client, slh, clock):
    clock(2026, 3, 2, 9)
    walk(client, slh)
    wrong_type = upload(client, slh, "virus.exe", b"MZ\x90\x00", "application/x-msdownload")
    too_big = upload(client, slh, "big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "application/pdf")
    mislabelled = upload(client, slh, "photo.pdf", b"\x89PNG\r\n\x1a\n", "application/pdf")
    good = upload(client, slh, "tap.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")
    letter = upload(client, slh, "letter.pdf", b"%PDF-1.4\n", "application/pdf")
    page = client.get(f"/resident/{slh.slug}/make/evidence/")
    removed = client.post(f"/resident/{slh.slug}/make/evidence/", {"action": "remove-1"})
    case = send(client, slh)

    for refused, message in (
        (wrong_type, "The file must be a PDF, an image, an Office document or plain text."),
        (too_big, "The file must be 10 MB or smaller."),
        (mislabelled, "The file&#x27;s contents do not match its type."),
    ):
        assert refused.status_code == 400
        html = refused.content.decode()
        assert (
            f'<p id="id_file-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {message}</p>'
            in html
        )
    assert good.status_code == letter.status_code == removed.status_code == 302
    assert "tap.png" in text(page)
    assert "letter.pdf" in text(page)
    assert [a.name for a in case.attachments.all()] == ["tap.png"]
    assert case.events.filter(kind=EventKind.ATTACHMENT).count() == 1


def test_evidence_of_journeys_never_sent_is_deleted_once_their_sessions_have_ended(
    slh, clock, settings
):
    from config.settings import base
    from putright.portal.tasks import remove_abandoned_uploads

    settings.SESSION_COOKIE_AGE = base.SESSION_COOKIE_AGE  # ten hours
    clock(2026, 3, 2, 9)
    abandoned = Client()
    walk(abandoned, slh)
    upload(abandoned, slh, "old.pdf", b"%PDF-1.4", "application/pdf")
    old = abandoned.session[f"portal:make:{slh.slug}"]["files"][0]["key"]
    clock(2026, 3, 2, 18)  # an hour before the first session would end
    current = Client()
    walk(current, slh)
    upload(current, slh, "tap.pdf", b"%PDF-1.4", "application/pdf")
    kept = current.session[f"portal:make:{slh.slug}"]["files"][0]["key"]

    remove_abandoned_uploads.enqueue()
    assert default_storage.exists(old)
    assert default_storage.exists(kept)
    clock(2026, 3, 2, 19, 30)  # the first session has now ended
    remove_abandoned_uploads.enqueue()

    assert not default_storage.exists(old)
    assert default_storage.exists(kept)
    case = send(current, slh)
    assert [a.name for a in case.attachments.all()] == ["tap.pdf"]


def test_a_file_lost_before_sending_is_asked_for_again(client, slh, clock):
    clock(2026, 3, 2, 9)
    walk(client, slh)
    upload(client, slh, "tap.pdf", b"%PDF-1.4", "application/pdf")
    kept = client.session[f"portal:make:{slh.slug}"]["files"][0]["key"]
    default_storage.delete(kept)
    response = client.post(f"/resident/{slh.slug}/make/check/")

    assert response.status_code == 400
    assert "We could not keep these files: tap.pdf" in text(response)
    assert Case.objects.count() == 0
    assert send(client, slh).attachments.count() == 0


def test_at_most_five_files(client, slh, clock):
    clock(2026, 3, 2, 9)
    walk(client, slh)
    for n in range(5):
        assert upload(client, slh, f"p{n}.pdf", b"%PDF-1.4", "application/pdf").status_code == 302
    sixth = upload(client, slh, "p6.pdf", b"%PDF-1.4", "application/pdf")
    assert sixth.status_code == 400
    assert "You can upload up to 5 files" in text(sixth)


# -- following a case -------------------------------------------------------------------------


def test_follow_with_a_code_sent_by_email(client, receive, clock):
    received = clock(2026, 3, 2, 9)
    case = receive("south-liverpool-homes-2021", received_at=received)
    page = follow(client, case.reference.lower(), "PAT@Example.org")
    content = text(page)

    assert page.status_code == 200
    assert "We are looking into your complaint" in content
    assert "We will contact you to confirm we have your complaint by Wed 4 Mar 2026." in content
    assert "We have not sent you any letters yet." in content
    assert "Housing Ombudsman" in content
    stored = OneTimeCode.objects.get(case=case)
    assert code_from(mail.outbox[-1].body) not in stored.code_hash
    assert stored.used_at is not None


def test_follow_with_a_code_sent_by_text_message(client, receive, clock):
    received = clock(2026, 3, 2, 9)
    case = receive("south-liverpool-homes-2021", received_at=received)
    Person.objects.filter(pk=case.customer_id).update(phone="07700 900123")

    client.post("/resident/follow/", {"reference": case.reference, "contact": "+44 7700 900 123"})
    code = code_from(sms.outbox[-1].message)
    response = client.post("/resident/follow/code/", {"code": code})

    assert sms.outbox[-1].to == "07700 900123"
    assert response["Location"] == "/resident/follow/case/"
    assert mail.outbox == []


def test_the_answer_never_reveals_whether_a_reference_exists(client, receive, clock):
    received = clock(2026, 3, 2, 9)
    case = receive("south-liverpool-homes-2021", received_at=received)

    def ask(reference, contact):
        fresh = Client()
        answer = fresh.post("/resident/follow/", {"reference": reference, "contact": contact})
        page = fresh.get(answer["Location"])
        wrong = fresh.post("/resident/follow/code/", {"code": "000000"})
        return answer.status_code, answer["Location"], text(page), text(wrong)

    real = ask(case.reference, "pat@example.org")
    wrong_contact = ask(case.reference, "someone@example.org")
    no_case = ask("XX-2026-99999", "pat@example.org")

    assert len(mail.outbox) == 1  # only the real one was sent
    for answer in (wrong_contact, no_case):
        assert answer[:2] == real[:2]
        assert (
            answer[2]
            .replace("someone@example.org", "pat@example.org")
            .replace("XX-2026-99999", case.reference)
            == real[2]
        )
    assert "That code is not right" in no_case[3]
    assert "You have 4 more tries" in no_case[3]
    assert "You have 4 more tries" in real[3]


def test_five_wrong_codes_lock_the_code(client, receive, clock):
    received = clock(2026, 3, 2, 9)
    case = receive("south-liverpool-homes-2021", received_at=received)
    client.post("/resident/follow/", {"reference": case.reference, "contact": "pat@example.org"})
    code = code_from(mail.outbox[-1].body)
    wrong = "111111" if code != "111111" else "222222"

    answers = [client.post("/resident/follow/code/", {"code": wrong}) for _ in range(5)]
    right_too_late = client.post("/resident/follow/code/", {"code": code})

    assert "You have 1 more try" in text(answers[3])
    assert "You have entered a wrong code too many times" in text(answers[4])
    assert "You have entered a wrong code too many times" in text(right_too_late)
    assert client.get("/resident/follow/case/").status_code == 403
    assert OneTimeCode.objects.get(case=case).attempts == 5


def test_a_code_expires_after_fifteen_minutes(client, receive, clock):
    received = clock(2026, 3, 2, 9)
    case = receive("south-liverpool-homes-2021", received_at=received)
    clock(2026, 3, 2, 10, 0)
    client.post("/resident/follow/", {"reference": case.reference, "contact": "pat@example.org"})
    code = code_from(mail.outbox[-1].body)
    clock(2026, 3, 2, 10, 16)
    response = client.post("/resident/follow/code/", {"code": code})

    assert response.status_code == 400
    assert "That code has expired" in text(response)


def test_a_new_code_ends_the_old_one(client, receive, clock):
    received = clock(2026, 3, 2, 9)
    case = receive("south-liverpool-homes-2021", received_at=received)
    client.post("/resident/follow/", {"reference": case.reference, "contact": "pat@example.org"})
    old = code_from(mail.outbox[-1].body)
    other = Client()
    other.post("/resident/follow/", {"reference": case.reference, "contact": "pat@example.org"})
    response = client.post("/resident/follow/code/", {"code": old})

    assert "That code has expired" in text(response)


def test_the_case_can_be_seen_for_thirty_minutes(client, receive, clock):
    received = clock(2026, 3, 2, 9)
    case = receive("south-liverpool-homes-2021", received_at=received)
    clock(2026, 3, 2, 10, 0)
    follow(client, case.reference)
    clock(2026, 3, 2, 10, 29)
    assert client.get("/resident/follow/case/").status_code == 200
    clock(2026, 3, 2, 10, 31)
    expired = client.get("/resident/follow/case/")
    assert expired.status_code == 403
    assert "Ask for a new code" in text(expired)


def test_letters_sent_can_be_downloaded_but_not_another_cases(client, receive, clock, handler):
    received = clock(2026, 3, 2, 9)
    case = receive("south-liverpool-homes-2021", received_at=received)
    other = receive("south-liverpool-homes-2021", received_at=received)
    for each in (case, other):
        Correspondence.objects.create(
            case=each,
            template="stage1_acknowledgement",
            event_sequence=1,
            subject="We have received your complaint",
            channel="email",
            status="sent",
            html="<p>Hello</p>",
            pdf=SimpleUploadedFile("a.pdf", b"%PDF-1.4 letter"),
            created_at=received,
        )
    page = follow(client, case.reference)
    mine = case.correspondence.get()
    theirs = other.correspondence.get()

    download = client.get(f"/resident/follow/case/letters/{mine.pk}/")
    assert "We have received your complaint" in text(page)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert client.get(f"/resident/follow/case/letters/{theirs.pk}/").status_code == 404


# -- taking it further ------------------------------------------------------------------------


def responded_case(receive, clock, handler, pack="south-liverpool-homes-2021"):
    received = clock(2026, 3, 2, 9)
    case = receive(pack, received_at=received)
    case = case_acknowledge(case=case, actor=Actor(handler))
    clock(2026, 3, 10, 11)
    return case_respond(
        case=case, actor=Actor(handler), outcome="not_upheld", text="The tap was fixed."
    )


def test_escalation_inside_the_window_with_reasons_the_policy_requires(
    client, receive, clock, handler
):
    case = responded_case(receive, clock, handler)
    # The Code never requires reasons (6.12); this organisation does not apply that minimum.
    case.organisation.code_floor_off = ["escalation_reasons"]
    case.organisation.save()
    clock(2026, 3, 11, 10)
    page = text(follow(client, case.reference))
    form = client.get("/resident/follow/case/escalate/")
    missing = client.post("/resident/follow/case/escalate/", {"reasons": ""})
    done = client.post("/resident/follow/case/escalate/", {"reasons": "It still leaks."})
    after = text(client.get("/resident/follow/case/"))
    case.refresh_from_db()

    assert "We have made our decision" in page  # no letter has been sent yet
    assert "You can do this until Tue 24 Mar 2026" in page
    assert form.status_code == 200
    assert "(optional)" not in text(form).split("Why are you unhappy")[1][:20]
    assert missing.status_code == 400
    assert "Tell us why you are unhappy with our response." in text(missing)
    assert done["Location"] == "/resident/follow/case/"
    assert "We have your request to take your complaint to" in after
    assert "We are looking at your complaint again" in after
    assert case.stage == "stage2"
    event = case.events.get(kind=EventKind.ESCALATION_REQUESTED)
    assert event.data["reasons"] == "It still leaks."
    assert event.actor_label == "resident portal"


def test_reasons_are_optional_where_the_policy_says_so(client, receive, clock, handler):
    case = responded_case(receive, clock, handler, pack="hos-code-2024")
    clock(2026, 3, 11, 10)
    follow(client, case.reference)
    form = client.get("/resident/follow/case/escalate/")
    done = client.post("/resident/follow/case/escalate/", {"reasons": ""})
    case.refresh_from_db()

    assert "Why are you unhappy with our response? (optional)" in text(form)
    assert done.status_code == 302
    assert case.stage == "stage2"


def test_after_the_window_it_is_explained_and_a_message_can_be_sent(
    client, receive, clock, handler
):
    case = responded_case(receive, clock, handler)
    clock(2026, 3, 26, 10)
    page = text(follow(client, case.reference))
    escalate = client.get("/resident/follow/case/escalate/")
    posted = client.post("/resident/follow/case/escalate/", {"reasons": "Late"})
    message = client.post("/resident/follow/case/message/", {"message": "I was away."})
    case.refresh_from_db()

    assert "The time to ask us to take your complaint further ended on Tue 24 Mar 2026." in page
    assert "A manager will look at it" in page
    assert "Take my complaint further" not in page
    assert escalate["Location"] == posted["Location"] == "/resident/follow/case/"
    assert case.stage == "stage1"
    assert message["Location"] == "/resident/follow/case/"
    contact = case.events.get(kind=EventKind.CONTACTED)
    assert "I was away." in contact.data["summary"]
    assert contact.data["direction"] == "inbound"


# -- feedback after closure ---------------------------------------------------------------------


def test_feedback_after_closure_once(client, receive, clock, handler):
    case = responded_case(receive, clock, handler, pack="hos-code-2024")
    clock(2026, 3, 11, 10)
    follow(client, case.reference)
    before = client.get("/resident/follow/case/feedback/")
    case_close(case=case, actor=Actor(handler), reason="resolved")
    page = text(client.get("/resident/follow/case/"))
    form = text(client.get("/resident/follow/case/feedback/"))
    missing = client.post("/resident/follow/case/feedback/", {"score": "", "comment": "x"})
    sent = client.post("/resident/follow/case/feedback/", {"score": "2", "comment": "Too slow."})
    again = client.post("/resident/follow/case/feedback/", {"score": "5", "comment": "Great"})
    after = text(client.get("/resident/follow/case/"))

    assert before["Location"] == "/resident/follow/case/"  # not closed yet
    assert "Give feedback" in page
    assert "How satisfied or dissatisfied are you with our approach to complaints handling?" in form
    for label in (
        "Very satisfied",
        "Fairly satisfied",
        "Neither satisfied nor dissatisfied",
        "Fairly dissatisfied",
        "Very dissatisfied",
    ):
        assert label in form
    assert missing.status_code == 400
    assert "Choose how satisfied or dissatisfied you are." in text(missing)
    assert sent["Location"] == again["Location"] == "/resident/follow/case/"
    response = SatisfactionResponse.objects.get(case=case)
    assert (response.score, response.comment, response.satisfied) == (2, "Too slow.", False)
    assert SatisfactionResponse.objects.count() == 1
    assert "Give feedback" not in after
    assert "Thank you for telling us how we did." in after


# -- bad input and automated use -------------------------------------------------------------------


def test_a_filled_honeypot_is_silently_dropped(client, slh, receive, clock):
    received = clock(2026, 3, 2, 9)
    step = client.post(
        f"/resident/{slh.slug}/make/what/", {"kind": "complaint", "website": "http://spam"}
    )
    walk(client, slh)
    final = client.post(f"/resident/{slh.slug}/make/check/", {"website": "http://spam"})
    case = receive("south-liverpool-homes-2021", received_at=received)
    code = client.post(
        "/resident/follow/",
        {"reference": case.reference, "contact": "pat@example.org", "website": "x"},
    )

    assert step.status_code == final.status_code == code.status_code == 200
    assert "Thank you" in text(final)
    assert Case.objects.count() == 1  # only the one made by the fixture
    assert mail.outbox == []
    assert OneTimeCode.objects.count() == 0


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(client, slh):
    html = client.get(f"/resident/{slh.slug}/make/what/").content.decode()
    assert '<div class="app-honeypot" aria-hidden="true">' in html
    assert 'name="website" value="" tabindex="-1" autocomplete="off"' in html


def test_code_requests_are_rate_limited(client, receive, clock, settings):
    settings.PUTRIGHT_PORTAL_RATE_LIMITS = {"code": 2}
    received = clock(2026, 3, 2, 9)
    case = receive("south-liverpool-homes-2021", received_at=received)
    data = {"reference": case.reference, "contact": "pat@example.org"}
    answers = [client.post("/resident/follow/", data) for _ in range(3)]
    clock(2026, 3, 2, 10, 1)  # the next hour
    later = client.post("/resident/follow/", data)

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert "Please try again later" in text(answers[2])
    assert "Housing Ombudsman" in text(answers[2])
    assert later.status_code == 302
    assert len(mail.outbox) == 3


def test_submissions_are_rate_limited_by_default_at_ten_an_hour(client, slh, clock):
    clock(2026, 3, 2, 9)
    statuses = []
    for _ in range(11):
        walk(client, slh)
        statuses.append(client.post(f"/resident/{slh.slug}/make/check/").status_code)
    assert statuses == [302] * 10 + [429]
    assert Case.objects.count() == 10


def test_forms_need_the_csrf_token(slh):
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(f"/resident/{slh.slug}/make/what/")
    without = strict.post(f"/resident/{slh.slug}/make/what/", {"kind": "complaint"})
    token = strict.cookies["csrftoken"].value
    with_token = strict.post(
        f"/resident/{slh.slug}/make/what/", {"kind": "complaint", "csrfmiddlewaretoken": token}
    )

    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert without.status_code == 403
    assert with_token.status_code == 302


def test_bad_input_gets_a_page_not_a_stack_trace(client, slh):
    unknown = client.get("/resident/no-such-landlord/")
    assert unknown.status_code == 404
    assert "Page not found" in text(unknown)
    assert "Housing Ombudsman" in text(unknown)
    assert client.get(f"/resident/{slh.slug}/make/no-such-page/").status_code == 302
    assert client.post("/resident/follow/code/", {"code": "123456"}).status_code == 302
    assert client.get("/resident/follow/case/letters/999/").status_code == 403
    long = client.post(f"/resident/{slh.slug}/make/what/", {"kind": "x" * 100000})
    assert long.status_code == 400
    huge = client.post("/resident/follow/", {"reference": "R" * 500, "contact": "\x00"})
    assert huge.status_code == 400


def test_every_page_names_the_organisations_ombudsman(client, clock):
    clock(2026, 3, 2, 9)
    care = organisation_create(
        slug="care-plus", name="Care Plus", policy_pack="hos-code-2024", ombudsman_route="lgsco"
    )
    pages = [
        f"/resident/{care.slug}/",
        f"/resident/{care.slug}/make/who/",
        "/resident/follow/",
        "/resident/follow/?organisation=care-plus",
    ]
    contents = [text(client.get(page)) for page in pages]
    assert all("Local Government and Social Care Ombudsman" in c for c in contents)
    assert all("0300 061 0614" in c for c in contents)
