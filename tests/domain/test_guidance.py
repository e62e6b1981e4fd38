"""The Housing Ombudsman's remedies guidance as a pack, and the figure it gives for losses.

The figures are those of the Housing Ombudsman's Guidance on remedies as it applies to the
compensation it orders from 1 April 2026 (the pack ``hos-remedies-2026``): £15 a day for a
complete loss of heating, £8 a day for a loss of heating or hot water only, £10 a day for a
complete loss of power, £10 a week for a loss of lighting only and £15 for each missed
appointment. Its levels for distress and inconvenience are NOT EXPRESSIBLE in the pack.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from putright.domain.errors import PackError
from putright.domain.guidance import (
    BUILTIN_DIR,
    Loss,
    RemediesRegistry,
    load_remedies_file,
    ombudsman_figure,
    parse_remedies_pack,
)

D = datetime.date
TODAY = D(2026, 12, 7)
GUIDANCE = "Housing Ombudsman Service, Guidance on remedies"


@pytest.fixture(scope="module")
def pack():
    return load_remedies_file(BUILTIN_DIR / "hos-remedies-2026.toml")


def figure(pack, *losses):
    return ombudsman_figure(pack, losses, today=TODAY)


def test_the_pack_cites_the_guidance_by_name_and_date(pack):
    assert pack.source.startswith(GUIDANCE)
    assert "1 April 2026" in pack.source
    assert pack.effective_from == D(2026, 4, 1)
    assert pack.ombudsman == "housing_ombudsman"
    for item in pack.fixed_sums:
        assert "Guidance on remedies (from 1 April 2026)" in item.source, item.id


def test_the_fixed_sums_are_the_guidances():
    sums = {
        s.id: (s.per.value, s.pence) for s in RemediesRegistry().get("hos-remedies-2026").fixed_sums
    }
    assert sums == {
        "heating_complete": ("day", 1500),
        "heating_or_hot_water": ("day", 800),
        "power_complete": ("day", 1000),
        "lighting": ("week", 1000),
        "missed_appointment": ("occasion", 1500),
    }


def test_distress_and_inconvenience_levels_are_not_expressible_with_the_reason(pack):
    entries = {e.clause: e for e in pack.not_expressible}
    distress = entries["Distress and inconvenience"]
    assert "cannot be stated with certainty" in distress.reason
    assert "does not guess" in distress.reason
    assert "Loss of lighting only: part weeks" in entries


def test_six_days_without_heating_and_a_missed_appointment_is_105_pounds(pack):
    """The guidance: 6 x £15 a day for the complete loss of heating, plus £15 for the
    missed appointment."""
    found = figure(
        pack,
        Loss("heating_complete", D(2026, 11, 1), D(2026, 11, 6)),
        Loss("missed_appointment", D(2026, 11, 3)),
    )
    assert (found.total_pence, found.total) == (10500, "£105")
    assert [line.text for line in found.lines] == [
        "Complete loss of heating: 6 days at £15 = £90",
        "Missed appointment: 1 occasion at £15 = £15",
    ]
    assert found.lines[0].detail == "6 days: 1 November 2026 to 6 November 2026"
    assert found.rule == "hos-remedies-2026: fixed_sums"
    assert found.source.startswith(GUIDANCE)


def test_a_day_counts_once_however_many_records_cover_it(pack):
    found = figure(
        pack,
        Loss("heating_complete", D(2026, 11, 1), D(2026, 11, 4)),
        Loss("heating_complete", D(2026, 11, 3), D(2026, 11, 6)),
    )
    assert found.total_pence == 6 * 1500


def test_within_heating_a_day_is_paid_at_the_higher_sum_only(pack):
    """ "Loss of heating or hot water only" (£8) does not also pay the days of a complete loss."""
    found = figure(
        pack,
        Loss("heating_or_hot_water", D(2026, 11, 1), D(2026, 11, 10)),
        Loss("heating_complete", D(2026, 11, 4), D(2026, 11, 6)),
    )
    assert found.total_pence == 3 * 1500 + 7 * 800
    assert (
        "Loss of heating or hot water only: 3 days already paid as complete loss of heating."
        in found.notes
    )


def test_heating_and_power_are_each_paid(pack):
    found = figure(
        pack,
        Loss("heating_complete", D(2026, 11, 1), D(2026, 11, 2)),
        Loss("power_complete", D(2026, 11, 1), D(2026, 11, 2)),
    )
    assert found.total_pence == 2 * 1500 + 2 * 1000


def test_lighting_counts_complete_weeks_and_says_what_was_left(pack):
    found = figure(pack, Loss("lighting", D(2026, 11, 1), D(2026, 11, 10)))
    assert found.total_pence == 1000
    assert found.lines[0].text == "Loss of lighting only: 1 week at £10 = £10"
    assert any("3 days beyond the complete weeks not counted" in n for n in found.notes)


def test_a_loss_still_going_on_counts_to_today(pack):
    found = figure(pack, Loss("power_complete", D(2026, 12, 5)))
    assert found.total_pence == 3 * 1000
    assert "Complete loss of power: still going on, counted to 7 December 2026." in found.notes


def test_no_losses_no_figure(pack):
    found = figure(pack)
    assert (found.total_pence, found.lines) == (0, ())


def test_the_guidance_is_in_force_from_1_april_2026_for_the_housing_ombudsman():
    registry = RemediesRegistry()
    assert registry.in_force("housing_ombudsman", D(2026, 3, 31)) is None
    assert registry.in_force("housing_ombudsman", D(2026, 4, 1)).id == "hos-remedies-2026"
    assert registry.in_force("lgsco", D(2026, 12, 1)) is None


# -- validated on load, naming the file and the field ------------------------------------

GOOD = (BUILTIN_DIR / "hos-remedies-2026.toml").read_text(encoding="utf-8")


def problems(text: str) -> str:
    with pytest.raises(PackError) as error:
        parse_remedies_pack(text, source="/tmp/r.toml")
    return str(error.value)


def test_a_sum_in_pounds_as_text_is_refused_naming_the_field():
    text = GOOD.replace(
        'pence = 1500\nsource = "Housing Ombudsman, Guidance on remedies (from 1 April 2026): complete',
        'pence = "15"\nsource = "Housing Ombudsman, Guidance on remedies (from 1 April 2026): complete',
        1,
    )
    assert problems(text) == "/tmp/r.toml: fixed_sums[0].pence: Input should be a valid integer"


def test_an_unknown_key_and_a_bad_period_are_refused():
    text = GOOD.replace('per = "day"', 'per = "fortnight"', 1).replace(
        'group = "heating"', 'grup = "heating"', 1
    )
    found = problems(text)
    assert "/tmp/r.toml: fixed_sums[0].per: Input should be 'day', 'week' or 'occasion'" in found
    assert (
        "/tmp/r.toml: fixed_sums[0].grup: unknown key (not part of the remedies pack format)"
        in found
    )


def test_two_sums_with_one_id_are_refused():
    text = GOOD.replace('id = "heating_or_hot_water"', 'id = "heating_complete"')
    assert "fixed_sums[1].id: two fixed sums share the id 'heating_complete'" in problems(text)


def test_a_missing_source_is_refused():
    text = GOOD.replace(
        'source = "Housing Ombudsman Service, Guidance on remedies, applying to compensation ordered from 1 April 2026"\n',
        "",
    )
    assert problems(text) == "/tmp/r.toml: source: required, but missing"


def test_the_file_name_must_be_the_id(tmp_path: Path):
    path = tmp_path / "other.toml"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(PackError) as error:
        load_remedies_file(path)
    assert str(error.value) == f"{path}: id: 'hos-remedies-2026' does not match the file name"


def test_a_broken_remedies_pack_fails_the_system_check(monkeypatch, tmp_path):
    from putright.remedies import checks, guidance

    (tmp_path / "hos-remedies-2026.toml").write_text(GOOD.replace("pence = 800", "pence = -8"))
    guidance.remedies_registry.cache_clear()
    monkeypatch.setattr(guidance, "RemediesRegistry", lambda: RemediesRegistry((tmp_path,)))
    try:
        found = checks.remedies_packs_load()
    finally:
        guidance.remedies_registry.cache_clear()
    assert [e.id for e in found] == ["remedies.E001"]
    assert (
        "hos-remedies-2026.toml: fixed_sums[1].pence: Input should be greater than or equal to 0"
        in found[0].msg
    )
