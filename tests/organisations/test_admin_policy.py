"""The organisation's admin page: the Code minimums as checkboxes and the changes of policy,
each recorded through the same services as the command line."""

from __future__ import annotations

import datetime

import pytest

from putright.domain.floor import FLOOR_RULES
from putright.organisations.models import FloorChange, Organisation, PolicyAdoption
from putright.organisations.services import organisation_adopt_policy
from tests.organisations.test_admin import FormValues

SLH, CODE = "south-liverpool-homes-2021", "hos-code-2024"
ALL = [rule.id for rule in FLOOR_RULES]  # every box ticked


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser(
        "root", "root@example.org", "pw-long-enough", display_name="Ada Administrator"
    )


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def landlord(organisation_on, clock):
    clock(2026, 12, 7, 9)
    return organisation_on(SLH)


def _page(admin_client, organisation):
    url = f"/admin/organisations/organisation/{organisation.pk}/change/"
    page = admin_client.get(url).content.decode()
    form = FormValues()
    form.feed(page)
    return url, page, form.values


def _inline(data, word):
    return next(k for k in data if k.endswith("TOTAL_FORMS") and word in k).split("-")[0]


def test_the_page_lists_each_code_minimum_ticked_by_default_with_its_provisions(
    admin_client, landlord
):
    _, page, data = _page(admin_client, landlord)
    assert "Never require reasons to escalate (Code 6.12)" in page
    assert "A different person answers stage 2 (Code 6.13)" in page
    assert "the Code binds the landlord regardless" in page
    assert "code_floor" in data  # ticked


def test_unticking_a_minimum_records_who_switched_it_off(admin_client, landlord, admin_user):
    url, _, data = _page(admin_client, landlord)
    ticked = [rule for rule in ALL if rule != "escalation_reasons"]
    post = {k: v for k, v in data.items() if k != "code_floor"}
    post["code_floor_note"] = "Board decision"
    saved = admin_client.post(url, {**post, "code_floor": ticked})

    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert Organisation.objects.get(pk=landlord.pk).code_floor_off == ["escalation_reasons"]
    change = FloorChange.objects.get()
    assert (change.rule, change.applies, change.recorded_by, change.note) == (
        "escalation_reasons",
        False,
        admin_user,
        "Board decision",
    )
    _, page, _ = _page(admin_client, landlord)
    assert "changes to the code minimums applied" in page.lower()
    assert "Ada Administrator" in page


def test_saving_without_touching_the_minimums_records_nothing(admin_client, landlord):
    url, _, data = _page(admin_client, landlord)
    post = {**data, "code_floor": ALL}
    assert admin_client.post(url, post).status_code == 302
    assert not FloorChange.objects.exists()


def test_a_change_of_policy_added_in_the_admin_goes_through_the_service(
    admin_client, landlord, admin_user
):
    url, _, data = _page(admin_client, landlord)
    prefix = _inline(data, "adoption")
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-policy_pack": CODE,
            f"{prefix}-0-from_date": "2027-01-04",
            f"{prefix}-0-note": "Revised policy",
            f"{prefix}-0-organisation": str(landlord.pk),
            "code_floor": ALL,
        }
    )
    saved = admin_client.post(url, data)

    assert saved.status_code == 302, saved.content.decode()[:3000]
    adoption = PolicyAdoption.objects.get()
    assert (adoption.policy_pack, adoption.replaces, adoption.recorded_by) == (
        CODE,
        SLH,
        admin_user,
    )
    landlord.refresh_from_db()
    assert landlord.policy_schedule == [[None, SLH], ["2027-01-04", CODE]]
    assert landlord.policy_pack == SLH  # scheduled


def test_a_change_the_service_would_refuse_is_refused_beside_the_form(admin_client, landlord):
    organisation_adopt_policy(
        organisation=landlord, policy_pack=CODE, from_date=datetime.date(2027, 4, 1)
    )
    url, _, data = _page(admin_client, landlord)
    prefix = _inline(data, "adoption")
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(total + 1),
            f"{prefix}-{total}-policy_pack": "rooftop-2023",
            f"{prefix}-{total}-from_date": "2027-01-04",
            f"{prefix}-{total}-organisation": str(landlord.pk),
            "code_floor": ALL,
        }
    )
    refused = admin_client.post(url, data)

    assert refused.status_code == 200
    assert "a new change takes effect after the last one" in refused.content.decode()
    assert PolicyAdoption.objects.count() == 1


def test_a_recorded_change_of_policy_is_read_only(admin_client, landlord):
    organisation_adopt_policy(
        organisation=landlord, policy_pack=CODE, from_date=datetime.date(2027, 4, 1)
    )
    _, page, data = _page(admin_client, landlord)
    prefix = _inline(data, "adoption")
    assert f"{prefix}-0-policy_pack" not in data
    assert f"{prefix}-0-from_date" not in data
    assert "Thu 1 Apr 2027" in page or "April 1, 2027" in page or "1 Apr 2027" in page


def test_the_complaints_page_contact_details_are_set_in_the_admin(admin_client, landlord):
    url, _, data = _page(admin_client, landlord)
    post = dict(data)
    post["contact_phone"] = "0161 496 0000"
    post["contact_address"] = "1 Example Street\nManchester\nM1 1AE"
    saved = admin_client.post(url, post)

    assert saved.status_code == 302, saved.content.decode()[:2000]
    landlord.refresh_from_db()
    assert landlord.contact_phone == "0161 496 0000"
    assert landlord.contact_address.splitlines()[-1] == "M1 1AE"
