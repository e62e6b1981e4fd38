"""A resident finds their landlord's complaints page from the front page, and the page says how
to complain by phone, by letter or in person."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_front_page_lists_each_landlords_complaints_page(client, organisation_on):
    first = organisation_on("hos-code-2024")
    second = organisation_on("south-liverpool-homes-2021")
    page = client.get("/").content.decode()
    for organisation in (first, second):
        link = reverse("portal:start", args=[organisation.slug])
        assert f'href="{link}">Make a complaint to {organisation.name}</a>' in page
    assert f'href="{reverse("portal:follow")}"' in page
    assert "Sign in as staff" in page


def test_the_complaints_page_gives_the_landlords_phone_and_address(client, organisation_on):
    organisation = organisation_on("hos-code-2024")
    organisation.contact_phone = "0161 496 0123"
    organisation.contact_address = "Meadowbank House\n12 Canal Side\nManchester\nM4 9ZZ"
    organisation.save()
    page = client.get(reverse("portal:start", args=[organisation.slug])).content.decode()
    assert "by phone, by letter or in person" in page
    assert '<a class="govuk-link" href="tel:01614960123">0161 496 0123</a>' in page
    assert "Meadowbank House<br>12 Canal Side<br>Manchester<br>M4 9ZZ" in page


def test_without_contact_details_the_page_promises_no_number(client, organisation_on):
    organisation = organisation_on("hos-code-2024")
    page = client.get(reverse("portal:start", args=[organisation.slug])).content.decode()
    assert "by phone, by letter or in person" in page
    assert "By phone" not in page
    assert "Write to us" not in page
