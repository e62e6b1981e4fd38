"""A pack's roles can name the team that holds them and the independence they require."""

from __future__ import annotations

import pytest

from putright.domain.errors import PackError
from putright.domain.policy import builtin_registry, load_pack_file

PACK = """\
format = 1
id = "{id}"
version = "1"
title = "A pack naming staff"
source = "Example Homes, Complaints Policy"

[[roles]]
id = "complaints_officer"
title = "Complaints Officer"
source = "3.1"

[[roles]]
id = "reviewer"
title = "Senior manager from another directorate"
{extra}
source = "3.2"

[[kinds]]
kind = "complaint"
label = "Complaint"
starts_at = "stage1"

[[stages]]
id = "stage1"
label = "Stage 1"
level = 1
handled_by = "complaints_officer"

  [[stages.steps]]
  id = "respond"
  label = "Respond"
  days = 10
"""


def write_pack(tmp_path, extra=""):
    path = tmp_path / "example-homes.toml"
    path.write_text(PACK.format(id="example-homes", extra=extra), encoding="utf-8")
    return path


def role(pack, role_id):
    return next(r for r in pack.roles if r.id == role_id)


def test_a_role_names_no_team_and_asks_no_independence_unless_the_pack_says_so(tmp_path):
    pack = load_pack_file(write_pack(tmp_path))

    officer = role(pack, "complaints_officer")
    assert officer.team is None
    assert officer.independence == "none"


def test_a_role_can_be_held_by_a_team_and_ask_for_another_directorate(tmp_path):
    extra = 'team = "customer-relations"\nindependence = "other_directorate"'
    pack = load_pack_file(write_pack(tmp_path, extra))

    reviewer = role(pack, "reviewer")
    assert reviewer.team == "customer-relations"
    assert reviewer.independence == "other_directorate"


def test_a_role_can_ask_only_for_someone_not_involved_in_the_case(tmp_path):
    pack = load_pack_file(write_pack(tmp_path, 'independence = "not_involved"'))

    assert role(pack, "reviewer").independence == "not_involved"


def test_an_unknown_independence_is_refused_naming_the_file_and_the_field(tmp_path):
    path = write_pack(tmp_path, 'independence = "another_service"')

    with pytest.raises(PackError) as refused:
        load_pack_file(path)

    assert str(refused.value) == (
        f"{path}: roles[1].independence: Input should be 'none', 'other_directorate' "
        "or 'not_involved'"
    )


def test_a_team_that_is_not_a_slug_is_refused_naming_the_file_and_the_field(tmp_path):
    path = write_pack(tmp_path, 'team = "Repairs Team"')

    with pytest.raises(PackError) as refused:
        load_pack_file(path)

    assert refused.value.problems == [
        ("roles[1].team", "String should match pattern '^[a-z0-9][a-z0-9_-]*$'")
    ]
    assert str(refused.value).startswith(f"{path}: roles[1].team: ")


def test_a_misspelt_role_key_is_still_refused(tmp_path):
    path = write_pack(tmp_path, 'independant = "not_involved"')

    with pytest.raises(PackError) as refused:
        load_pack_file(path)

    assert refused.value.problems == [
        ("roles[1].independant", "unknown key (not part of the pack format)")
    ]


def test_the_built_in_packs_say_only_what_their_policies_say_about_independence():
    asked = {
        (pack.id, r.id): r.independence
        for pack in builtin_registry().all()
        for r in pack.roles
        if r.independence != "none"
    }

    assert asked == {
        # HPG 14.14.4: "a senior manager from a different Directorate".
        ("housing-plus-group-2021", "appeal_reviewer"): "other_directorate",
        # Rooftop Appendix 3: early involvement "may jeopardise your impartiality".
        ("rooftop-2023", "board_member"): "not_involved",
    }


def test_the_built_in_packs_name_the_teams_their_policies_name():
    teams = {
        (pack.id, r.id): r.team for pack in builtin_registry().all() for r in pack.roles if r.team
    }

    assert teams == {
        ("feedback-policy-2021", "customer_service_team"): "customer-service",
        ("housing-plus-group-2021", "customer_services_team"): "customer-services",
        ("housing-plus-group-2021", "complaints_officer"): "customer-complaints-and-feedback",
        ("housing-plus-group-2021", "development_team"): "development",
        ("rooftop-2023", "governance_team"): "governance",
        ("southern-housing-2020", "service_improvement_team"): "service-improvement",
    }
