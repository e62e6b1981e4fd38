"""The Code's floor, chosen per organisation: by default PutRight applies every Code minimum
on top of the pack; switching one off (or back on) is recorded with who, when and why."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from putright.cases.selectors import case_floor
from putright.domain.floor import FLOOR_RULES
from putright.jobs import CALENDAR_CHANGED_TASKS
from putright.organisations.models import FloorChange, Organisation
from putright.organisations.services import OrganisationError, organisation_floor_change

SLH = "south-liverpool-homes-2021"  # asks for reasons to escalate: Code 6.12 forbids it


def test_by_default_every_code_minimum_applies(organisation_on):
    organisation = organisation_on(SLH)
    assert organisation.code_floor_off == []
    assert not FloorChange.objects.exists()


def test_switching_a_minimum_off_is_recorded_with_who_when_and_why(organisation_on, manager):
    organisation = organisation_on(SLH)

    changes = organisation_floor_change(
        organisation=organisation,
        off=["escalation_reasons", "timescales"],
        recorded_by=manager,
        note="Board decision",
    )

    assert [(c.rule, c.applies) for c in changes] == [
        ("escalation_reasons", False),
        ("timescales", False),
    ]
    assert {c.recorded_by for c in changes} == {manager}
    assert all(c.recorded_at and c.note == "Board decision" for c in changes)
    assert changes[0].recorded_by_name == "Manny Manager"
    organisation.refresh_from_db()
    assert organisation.code_floor_off == ["escalation_reasons", "timescales"]


def test_switching_one_back_on_is_recorded_and_asking_for_what_is_already_so_records_nothing(
    organisation_on,
):
    organisation = organisation_on(SLH)
    organisation_floor_change(organisation=organisation, off=["time_limit"])
    assert organisation_floor_change(organisation=organisation, off=["time_limit"]) == []

    changes = organisation_floor_change(
        organisation=organisation, on=["time_limit"], recorded_by_label="command line (jo)"
    )

    assert [(c.rule, c.applies, c.recorded_by_name) for c in changes] == [
        ("time_limit", True, "command line (jo)")
    ]
    assert Organisation.objects.get(pk=organisation.pk).code_floor_off == []
    assert FloorChange.objects.count() == 2


def test_an_unknown_rule_is_refused_naming_the_known_ones(organisation_on):
    organisation = organisation_on(SLH)
    with pytest.raises(OrganisationError) as refused:
        organisation_floor_change(organisation=organisation, off=["six_months"])
    known = ", ".join(rule.id for rule in FLOOR_RULES)
    assert str(refused.value) == f"There is no Code minimum 'six_months'. Known: {known}."
    with pytest.raises(OrganisationError):
        organisation_floor_change(organisation=organisation, off=["time_limit"], on=["time_limit"])
    assert not FloorChange.objects.exists()


def test_the_field_itself_accepts_only_known_rules(organisation_on):
    organisation = organisation_on(SLH)
    organisation.code_floor_off = ["time_limit", "nonsense"]
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert "There is no Code minimum 'nonsense'" in str(refused.value)
    organisation.code_floor_off = "time_limit"
    with pytest.raises(ValidationError):
        organisation.full_clean()


def test_the_case_pack_follows_the_organisations_choice(receive, clock):
    """Code 6.12: the floor drops the policy's demand for reasons unless switched off."""
    case = receive(SLH, received_at=clock(2026, 3, 2, 10))
    assert any(n.rule == "escalation_reasons" for n in case_floor(case).notes)

    organisation_floor_change(organisation=case.organisation, off=["escalation_reasons"])
    case.refresh_from_db()

    assert not any(n.rule == "escalation_reasons" for n in case_floor(case).notes)


def test_a_change_recomputes_the_open_cases_dates_once_it_commits(
    organisation_on, django_capture_on_commit_callbacks
):
    organisation = organisation_on(SLH)
    with django_capture_on_commit_callbacks() as callbacks:
        organisation_floor_change(organisation=organisation, off=["timescales"])
    assert len(callbacks) == len(CALENDAR_CHANGED_TASKS)
    with django_capture_on_commit_callbacks() as callbacks:
        organisation_floor_change(organisation=organisation, off=["timescales"])
    assert callbacks == []
