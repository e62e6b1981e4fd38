"""The packs' Ombudsman casework: what each policy says of it, checked on load."""

from __future__ import annotations

import pytest

from putright.domain.errors import PackError
from putright.domain.policy import BUILTIN_DIR, builtin_registry, parse_pack

#: The Code's own pack, with a governance team, to add a section to.
MINIMAL = (BUILTIN_DIR / "hos-code-2024.toml").read_text(encoding="utf-8") + (
    '\n[[roles]]\nid = "governance"\ntitle = "Governance team"\n'
)


def test_rooftop_tells_the_five_named_roles_of_every_contact_through_governance():
    pack = builtin_registry().get("rooftop-2023")
    casework = pack.ombudsman_casework
    assert casework is not None
    assert casework.contacts_through == "governance_team"
    assert [pack.role_title(r) for r in casework.tell_on_contact] == [
        "Head of Performance",
        "Head of Risk and Assurance",
        "Head of Service (relevant)",
        "Customer Experience Manager",
        "Executive Director (relevant)",
    ]
    assert "triage_by" in casework.silent
    assert casework.source == "6.6; 6.7; 12.4"


def test_southern_triages_through_the_customer_relations_manager_and_reports_six_monthly():
    pack = builtin_registry().get("southern-housing-2020")
    casework = pack.ombudsman_casework
    assert casework is not None
    assert pack.role_title(casework.triage_by or "") == "Customer Relations Manager"
    assert pack.role_title(casework.orders_owned_by or "") == "Service owner"
    assert casework.reporting == "six_monthly"
    assert "Chief Executive" in [pack.role_title(r) for r in casework.tell_on_determination]
    assert casework.silent == ("tell_on_contact",)


@pytest.mark.parametrize(
    "pack_id", ["hos-code-2024", "feedback-policy-2021", "housing-plus-group-2021"]
)
def test_a_policy_that_says_nothing_of_ombudsman_casework_has_no_section(pack_id):
    assert builtin_registry().get(pack_id).ombudsman_casework is None


def test_a_role_not_in_the_pack_is_refused_naming_the_file_and_field():
    text = MINIMAL + '\n[ombudsman_casework]\ntell_on_contact = ["nobody"]\n'
    with pytest.raises(PackError) as raised:
        parse_pack(text, source="tiny.toml")
    assert "tiny.toml" in str(raised.value)
    assert "ombudsman_casework.tell_on_contact[0]: no role 'nobody'" in str(raised.value)


def test_a_part_said_silent_that_the_pack_sets_is_refused():
    text = (
        MINIMAL
        + '\n[ombudsman_casework]\ncontacts_through = "governance"\nsilent = ["contacts_through"]\n'
    )
    with pytest.raises(PackError) as raised:
        parse_pack(text, source="tiny.toml")
    assert "'contacts_through' is said silent but the pack sets it" in str(raised.value)


def test_an_unknown_key_in_the_section_is_refused():
    text = MINIMAL + '\n[ombudsman_casework]\ntold = ["governance"]\n'
    with pytest.raises(PackError) as raised:
        parse_pack(text, source="tiny.toml")
    assert "ombudsman_casework.told" in str(raised.value)


def test_the_section_accepts_a_pack_role():
    text = MINIMAL + '\n[ombudsman_casework]\ncontacts_through = "governance"\nsource = "6.7"\n'
    pack = parse_pack(text, source="tiny.toml")
    assert pack.ombudsman_casework is not None
    assert pack.ombudsman_casework.contacts_through == "governance"
