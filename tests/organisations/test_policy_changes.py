"""Policies change: an organisation moves to a pack from a date; cases received before keep
the pack they started under, new ones take the pack in force on the day they are deemed
received, and a change scheduled for a date takes effect on it by itself."""

from __future__ import annotations

import datetime

import pytest

from putright.organisations.models import Organisation, PolicyAdoption
from putright.organisations.selectors import (
    pack_for,
    pack_for_contact,
    policy_changes_between,
    policy_history,
    policy_in_force,
)
from putright.organisations.services import (
    OrganisationError,
    adoption_refusal,
    organisation_adopt_policy,
    organisation_withdraw_adoption,
)
from tests.conftest import at

D = datetime.date
OLD, NEW, OTHER = "south-liverpool-homes-2021", "hos-code-2024", "rooftop-2023"
JANUARY = D(2027, 1, 4)


@pytest.fixture
def landlord(organisation_on, clock):
    clock(2026, 12, 7, 9)
    return organisation_on(OLD)


def _adopt(organisation, pack=NEW, on=JANUARY, **extra):
    return organisation_adopt_policy(
        organisation=organisation, policy_pack=pack, from_date=on, **extra
    )


def test_before_any_change_every_day_is_under_the_organisations_pack(landlord):
    assert pack_for(landlord, D(2020, 1, 1)) == OLD
    assert pack_for(landlord, D(2030, 1, 1)) == OLD
    assert policy_in_force(landlord) == OLD


def test_a_change_from_a_date_takes_effect_on_that_date_and_is_recorded(landlord, handler):
    adoption = _adopt(landlord, recorded_by=handler, note="Board approved the revision")

    assert pack_for(landlord, D(2027, 1, 3)) == OLD
    assert pack_for(landlord, D(2027, 1, 4)) == NEW
    assert pack_for(landlord, D(2028, 6, 1)) == NEW
    assert adoption.replaces == OLD
    assert adoption.recorded_by == handler
    assert adoption.recorded_by_name == "Hana Handler"
    assert adoption.note == "Board approved the revision"
    assert adoption.recorded_at is not None
    # Scheduled, so today's pack is still the old one, in memory and when read again.
    assert landlord.policy_pack == OLD
    assert Organisation.objects.get(pk=landlord.pk).policy_pack == OLD


def test_a_scheduled_change_takes_effect_on_its_day_without_anyone_running_anything(
    landlord, clock
):
    _adopt(landlord, on=D(2027, 1, 4))
    clock(2027, 1, 3, 23, 59)
    assert Organisation.objects.get(pk=landlord.pk).policy_pack == OLD
    clock(2027, 1, 4, 0, 1)
    loaded = Organisation.objects.get(pk=landlord.pk)
    assert loaded.policy_pack == NEW
    assert policy_in_force(loaded) == NEW
    # Related loads see it too (a case's organisation).
    assert (
        Organisation.objects.filter(pk=landlord.pk)
        .only("policy_pack", "policy_schedule")[0]
        .policy_pack
        == NEW
    )


def test_a_change_from_today_takes_effect_at_once(landlord):
    _adopt(landlord, on=D(2026, 12, 7))
    assert landlord.policy_pack == NEW
    assert Organisation.objects.get(pk=landlord.pk).policy_pack == NEW
    assert pack_for(landlord, D(2026, 12, 6)) == OLD


def test_new_cases_take_the_new_pack_and_cases_received_before_keep_theirs(
    landlord, receive, clock
):
    before = receive(OLD, received_at=clock(2027, 1, 1, 10))  # Fri 1 Jan: a bank holiday
    _adopt(landlord, on=D(2027, 1, 5))
    clock(2027, 1, 5, 10)
    after = receive(OLD, received_at=at(2027, 1, 5, 10))  # receive() names the organisation

    before.refresh_from_db()
    assert before.policy_pack == OLD
    assert after.policy_pack == NEW
    assert after.events.get(sequence=1).data["pack"] == NEW


def test_a_contact_after_the_cut_off_the_day_before_is_deemed_received_under_the_new_pack(
    landlord, receive, clock
):
    _adopt(landlord, on=D(2027, 1, 5))
    clock(2027, 1, 4, 18)
    late = receive(OLD, received_at=at(2027, 1, 4, 17, 30))  # after the 17:00 cut-off
    early = receive(OLD, received_at=at(2027, 1, 4, 9, 30))

    assert late.deemed_received_on == D(2027, 1, 5)
    assert late.policy_pack == NEW
    assert early.policy_pack == OLD
    assert pack_for_contact(landlord, at(2027, 1, 4, 17, 30)) == NEW


def test_an_unknown_pack_is_refused_naming_the_known_ones(landlord):
    with pytest.raises(OrganisationError) as refused:
        _adopt(landlord, pack="southern-2027")
    assert str(refused.value).startswith("There is no policy pack 'southern-2027'. Known packs: ")
    assert NEW in str(refused.value)
    assert not PolicyAdoption.objects.exists()


def test_the_pack_already_in_force_on_that_day_is_refused(landlord):
    with pytest.raises(OrganisationError) as refused:
        _adopt(landlord, pack=OLD)
    assert str(refused.value) == (
        "south-liverpool-homes-2021 is already the policy in force on Mon 4 Jan 2027; "
        "nothing to change."
    )
    _adopt(landlord, pack=NEW, on=D(2027, 1, 4))
    with pytest.raises(OrganisationError):
        _adopt(landlord, pack=NEW, on=D(2027, 6, 1))


def test_a_change_before_or_on_the_last_ones_date_is_refused_so_history_is_never_reordered(
    landlord,
):
    _adopt(landlord, pack=NEW, on=D(2027, 4, 1))
    for day in (D(2027, 3, 1), D(2027, 4, 1)):
        with pytest.raises(OrganisationError) as refused:
            _adopt(landlord, pack=OTHER, on=day)
        assert str(refused.value).startswith(
            "A change to hos-code-2024 from Thu 1 Apr 2027 is already recorded; a new change "
            "takes effect after the last one"
        )
    later = _adopt(landlord, pack=OTHER, on=D(2027, 9, 1))
    assert later.replaces == NEW
    assert [pack_for(landlord, d) for d in (D(2027, 3, 31), D(2027, 4, 1), D(2027, 9, 1))] == [
        OLD,
        NEW,
        OTHER,
    ]


def test_a_change_cannot_reach_back_past_a_case_already_received(landlord, receive, clock):
    receive(OLD, received_at=clock(2026, 12, 3, 10))
    clock(2026, 12, 7, 9)
    problem = adoption_refusal(organisation=landlord, policy_pack=NEW, from_date=D(2026, 12, 1))
    assert problem == (
        "1 case(s) were received on or after Tue 1 Dec 2026 under south-liverpool-homes-2021; "
        "a change cannot reach back past them (they keep the pack they started under). Take it "
        "from Fri 4 Dec 2026 or later; putright org policy-impact shows what moving the open "
        "cases would do."
    )
    with pytest.raises(OrganisationError):
        _adopt(landlord, on=D(2026, 12, 1))
    assert _adopt(landlord, on=D(2026, 12, 4)).from_date == D(2026, 12, 4)
    assert landlord.policy_pack == NEW


def test_a_scheduled_change_can_be_withdrawn_and_stays_in_the_history(landlord, manager):
    first = _adopt(landlord, pack=NEW, on=D(2027, 1, 4))
    second = _adopt(landlord, pack=OTHER, on=D(2027, 6, 1))
    with pytest.raises(OrganisationError) as refused:
        organisation_withdraw_adoption(adoption=first)
    assert (
        str(refused.value) == "Withdraw the later change to rooftop-2023 from Tue 1 Jun 2027 first."
    )

    organisation_withdraw_adoption(adoption=second, recorded_by=manager)
    organisation_withdraw_adoption(adoption=first, recorded_by=manager)

    landlord.refresh_from_db()
    assert pack_for(landlord, D(2027, 7, 1)) == OLD
    assert landlord.policy_schedule == []
    assert [(a.policy_pack, a.withdrawn_by) for a in policy_history(landlord)] == [
        (NEW, manager),
        (OTHER, manager),
    ]
    # The same date can then be taken again.
    assert _adopt(landlord, pack=OTHER, on=D(2027, 1, 4)).replaces == OLD


def test_a_change_in_force_is_not_withdrawn(landlord):
    adoption = _adopt(landlord, on=D(2026, 12, 7))
    with pytest.raises(OrganisationError) as refused:
        organisation_withdraw_adoption(adoption=adoption)
    assert str(refused.value).startswith(
        "The change to hos-code-2024 took effect on Mon 7 Dec 2026"
    )


def test_policy_changes_between_lists_the_changes_taking_effect_within_a_period(landlord):
    january = _adopt(landlord, pack=NEW, on=D(2027, 1, 4))
    april = _adopt(landlord, pack=OTHER, on=D(2027, 4, 1))

    assert policy_changes_between(landlord, D(2026, 4, 1), D(2027, 3, 31)) == [january]
    assert policy_changes_between(landlord, D(2026, 4, 1), D(2027, 4, 1)) == [january, april]
    # A period that starts on the change's day was handled under one pack throughout.
    assert policy_changes_between(landlord, D(2027, 4, 1), D(2028, 3, 31)) == []
    assert policy_changes_between(landlord, D(2025, 4, 1), D(2026, 3, 31)) == []
    organisation_withdraw_adoption(adoption=april)
    assert policy_changes_between(landlord, D(2026, 4, 1), D(2027, 4, 1)) == [january]


def test_the_schedule_on_the_organisation_matches_the_recorded_changes(landlord):
    _adopt(landlord, pack=NEW, on=D(2027, 1, 4))
    _adopt(landlord, pack=OTHER, on=D(2027, 4, 1))
    landlord.refresh_from_db()
    assert landlord.policy_schedule == [
        [None, OLD],
        ["2027-01-04", NEW],
        ["2027-04-01", OTHER],
    ]
