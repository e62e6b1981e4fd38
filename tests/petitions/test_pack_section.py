"""The packs' [petitions] section: what Southern says of a petition's escalation (4.11.3), and
a section naming a role the pack does not have refused on load, naming file and field."""

from __future__ import annotations

import pytest

from putright.domain.errors import PackError
from putright.domain.policy import BUILTIN_DIR, builtin_registry, parse_pack

CODE = (BUILTIN_DIR / "hos-code-2024.toml").read_text(encoding="utf-8")


def test_southern_has_the_area_manager_or_head_of_decide_with_a_representative():
    pack = builtin_registry().get("southern-housing-2020")
    rule = pack.petitions
    assert rule is not None
    assert [pack.role_title(r) for r in rule.escalation_decided_by] == [
        "Area / Contracts Manager",
        "Head of or equivalent Manager",
    ]
    assert rule.representative is True
    assert rule.source == "4.11.3"


def test_only_southern_says_anything_of_petitions():
    said = [p.id for p in builtin_registry().all() if p.petitions is not None]
    assert said == ["southern-housing-2020"]


def test_a_role_the_pack_does_not_have_is_refused_naming_file_and_field():
    text = CODE + '\n[petitions]\nescalation_decided_by = ["area_manager"]\n'
    with pytest.raises(PackError) as refused:
        parse_pack(text, source="tiny.toml")
    assert "tiny.toml" in str(refused.value)
    assert "petitions.escalation_decided_by[0]: no role 'area_manager'" in str(refused.value)


def test_an_unknown_key_is_refused():
    with pytest.raises(PackError) as refused:
        parse_pack(CODE + "\n[petitions]\nrepresentatives = true\n", source="tiny.toml")
    assert "representatives" in str(refused.value)
