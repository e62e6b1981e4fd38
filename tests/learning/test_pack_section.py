"""The ``[learning]`` section of a policy pack: validated on load with errors naming the file and
the field, and each built-in pack saying only what its policy says."""

from __future__ import annotations

from pathlib import Path

import pytest

from putright.domain.errors import PackError
from putright.domain.policy import BUILTIN_DIR, DEFAULT_CAUSES, load_pack_file


def _pack_with(tmp_path: Path, section: str) -> Path:
    text = (BUILTIN_DIR / "hos-code-2024.toml").read_text(encoding="utf-8")
    start = text.index("[learning]")
    path = tmp_path / "hos-code-2024.toml"
    path.write_text(text[:start] + section, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("section", "where", "problem"),
    [
        ('[learning]\nlessons_by = ["nobody"]\n', "", "learning.lessons_by[0]: no role 'nobody'"),
        (
            "[learning]\nreport_closes = true\n",
            "learning",
            "report_closes: set, but no report_kinds",
        ),
        ('[learning]\nreport_kinds = ["grumble"]\n', "learning.report_kinds[0]", "Input should be"),
        ('[learning]\nscrutiny_report = "weekly"\n', "learning.scrutiny_report", "Input should be"),
        ("[learning]\neffectiveness_days = 0\n", "learning", "at least 1 day on"),
        (
            '[learning]\npublished = true\nsilent = ["published"]\n',
            "learning",
            "'published' is said silent",
        ),
        (
            '[learning]\ntold = "yes"\n',
            "learning.told",
            "unknown key (not part of the pack format)",
        ),
        (
            '[learning]\n[[learning.causes]]\nid = "delay"\nlabel = "Delay"\n',
            "learning",
            "causes[0].id: 'delay' is one of the default causes already",
        ),
    ],
)
def test_a_bad_learning_section_is_refused_naming_the_file_and_field(
    tmp_path, section, where, problem
):
    path = _pack_with(tmp_path, section)
    with pytest.raises(PackError) as refused:
        load_pack_file(path)
    text = str(refused.value)
    assert str(path) in text
    assert problem in text
    assert where in text


def test_a_pack_adds_its_own_causes_before_other(tmp_path):
    path = _pack_with(
        tmp_path, '[learning]\n[[learning.causes]]\nid = "damp"\nlabel = "Damp and mould"\n'
    )
    causes = [c.id for c in load_pack_file(path).learning.all_causes()]
    assert causes[-2:] == ["damp", "other"]
    assert causes[:3] == [c for c, _ in DEFAULT_CAUSES[:3]]


def test_each_built_in_pack_says_only_what_its_policy_says():
    packs = {p.stem: load_pack_file(p) for p in BUILTIN_DIR.glob("*.toml")}
    rooftop = packs["rooftop-2023"].learning
    assert rooftop.report_closes
    assert rooftop.report_kinds == ("complaint",)
    assert rooftop.report_source.startswith("11.2")
    assert rooftop.lessons_by == ("complaints_investigating_officer",)
    assert "effectiveness_review" in rooftop.silent

    southern = packs["southern-housing-2020"].learning
    assert not southern.report_closes
    assert southern.review_upheld_by == "complaint_handler"
    assert len(southern.deep_dive_areas) == 8
    assert set(southern.deep_dive_areas) == set(packs["southern-housing-2020"].service_areas)

    slh = packs["south-liverpool-homes-2021"].learning
    assert slh.complainant_letter == "improvement_made"
    assert slh.complainant_source == "4.1.8"
    assert slh.scrutiny_report == "monthly"

    for pack in packs.values():
        rules = pack.learning
        assert rules.source, pack.id
        for part in rules.silent:
            assert not rules.said(part), (pack.id, part)
        for template in filter(None, [rules.complainant_letter]):
            assert (
                Path(__file__).parents[2]
                / "putright/letters/templates/letters/default"
                / f"{template}.html"
            ).exists()
