"""Recording a contact offers each organisation's own service areas, under its name, and
refuses an area of another organisation's policy beside the field."""

from __future__ import annotations

import pytest

from .conftest import contact_form
from .html import parse

pytestmark = pytest.mark.django_db


def test_service_areas_are_grouped_by_organisation(staff_client, code_org, southern_org):
    page = parse(staff_client.get("/record/").content)
    select = page.find("select", id="id_service_area")
    groups = {
        g.attrs["label"]: [o.text for o in g.find_all("option")]
        for g in select.find_all("optgroup")
    }
    assert set(groups) == {code_org.name, southern_org.name}
    assert "Repairs and Maintenance" in groups[southern_org.name]
    assert "Repairs and Maintenance" not in groups[code_org.name]


def test_an_area_of_another_policy_is_refused_beside_the_field(staff_client, code_org):
    form = contact_form(organisation=code_org.slug, service_area="Repairs and Maintenance")
    page = staff_client.post("/record/", form)
    assert page.status_code in (200, 400)
    error = parse(page.content).find("select", id="id_service_area").closest(cls="govuk-form-group")
    assert "is not one of" in error.text


def test_staff_record_someone_acting_for_the_customer_and_their_authority(staff_client, code_org):
    from putright.cases.models import Case

    form = contact_form(
        organisation=code_org.slug,
        representative_name="Cllr Rhys Jones",
        representative_relationship="mp_councillor",
        representative_authority="held",
        representative_contact="rhys@example.org",
        record="1",
    )
    page = staff_client.post("/record/", form)
    assert page.status_code == 302, parse(page.content).text[:600]
    case = Case.objects.get()
    assert case.representative is not None
    assert (case.representative.name, case.representative.relationship) == (
        "Cllr Rhys Jones",
        "mp_councillor",
    )
    assert (case.representative.authority, case.representative.email) == (
        "held",
        "rhys@example.org",
    )


def test_a_representative_needs_to_say_who_they_are(staff_client, code_org):
    form = contact_form(organisation=code_org.slug, representative_name="Sam", record="1")
    page = staff_client.post("/record/", form)
    assert page.status_code == 400
    group = parse(page.content).find("select", id="id_representative_relationship")
    assert "Say who they are to the customer." in group.closest(cls="govuk-form-group").text
