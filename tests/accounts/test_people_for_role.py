"""The people who may hold a pack role on a case: by system role or team, and independence."""

from __future__ import annotations

import pytest

from putright.accounts.models import Membership, Role, Team, TeamMembership, User
from putright.accounts.selectors import UNKNOWN_PACK_ROLE, people_for_role
from putright.domain.policy import Pack, builtin_registry

HPG = "housing-plus-group-2021"
ROOFTOP = "rooftop-2023"

pytestmark = pytest.mark.django_db


def staff(username, *, organisation, roles=(), directorate="", active=True, teams=()):
    user = User.objects.create_user(
        username, display_name=username.title(), directorate=directorate, is_active=active
    )
    for role in roles:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    for slug in teams:
        team, _ = Team.objects.get_or_create(
            organisation=organisation, slug=slug, defaults={"name": slug.title()}
        )
        TeamMembership.objects.create(user=user, team=team)
    return user


def pack_with_roles(base: Pack, **changes: dict[str, object]) -> Pack:
    """The pack with some of its roles changed, as another landlord's pack might say."""
    roles = tuple(
        role.model_copy(update=changes[role.id]) if role.id in changes else role
        for role in base.roles
    )
    return base.model_copy(update={"roles": roles})


@pytest.fixture
def hpg(organisation_on):
    return organisation_on(HPG)


@pytest.fixture
def hpg_pack():
    # HPG 14.14.4: the appeal is reviewed by "a senior manager from a different Directorate".
    return builtin_registry().get(HPG)


def test_a_senior_manager_from_another_directorate_is_found_and_not_one_from_the_same(
    hpg, hpg_pack
):
    decided = staff(
        "dana", organisation=hpg, roles=[Role.SENIOR_MANAGER], directorate="Property Services"
    )
    same = staff(
        "rosa", organisation=hpg, roles=[Role.SENIOR_MANAGER], directorate="property services "
    )
    other = staff(
        "sam", organisation=hpg, roles=[Role.SENIOR_MANAGER], directorate="Housing Management"
    )

    found = people_for_role(
        organisation=hpg, pack=hpg_pack, role_id="appeal_reviewer", case_handlers=[decided]
    )

    assert found == [other]
    assert same not in found
    assert decided not in found


def test_someone_with_no_directorate_recorded_is_not_from_another_directorate(hpg, hpg_pack):
    decided = staff(
        "dana", organisation=hpg, roles=[Role.SENIOR_MANAGER], directorate="Property Services"
    )
    staff("nora", organisation=hpg, roles=[Role.SENIOR_MANAGER])

    found = people_for_role(
        organisation=hpg, pack=hpg_pack, role_id="appeal_reviewer", case_handlers=[decided]
    )

    assert found == []


def test_a_role_without_independence_finds_everyone_holding_it(hpg, hpg_pack):
    decided = staff(
        "dana", organisation=hpg, roles=[Role.SENIOR_MANAGER], directorate="Property Services"
    )
    nora = staff("nora", organisation=hpg, roles=[Role.SENIOR_MANAGER])
    pack = pack_with_roles(hpg_pack, appeal_reviewer={"independence": "none"})

    found = people_for_role(
        organisation=hpg, pack=pack, role_id="appeal_reviewer", case_handlers=[decided]
    )

    assert found == [decided, nora]


def test_a_team_role_finds_the_members_of_that_team_of_the_organisation(hpg, organisation_on):
    pack = builtin_registry().get(HPG)  # 7.2: the Customer Complaints and Feedback Team
    officer = staff("olga", organisation=hpg, teams=["customer-complaints-and-feedback"])
    colleague = staff("carl", organisation=hpg, teams=["customer-complaints-and-feedback"])
    staff("rick", organisation=hpg, roles=[Role.COMPLAINT_HANDLER], teams=["repairs"])
    elsewhere = organisation_on(ROOFTOP)
    staff("eve", organisation=elsewhere, teams=["customer-complaints-and-feedback"])

    found = people_for_role(organisation=hpg, pack=pack, role_id="complaints_officer")

    assert found == [colleague, officer]


def test_inactive_staff_are_never_found(hpg, hpg_pack):
    staff(
        "gone", organisation=hpg, roles=[Role.SENIOR_MANAGER], directorate="Finance", active=False
    )
    staff(
        "left",
        organisation=hpg,
        directorate="Finance",
        active=False,
        teams=["customer-complaints-and-feedback"],
    )

    assert people_for_role(organisation=hpg, pack=hpg_pack, role_id="appeal_reviewer") == []
    assert people_for_role(organisation=hpg, pack=hpg_pack, role_id="complaints_officer") == []


def test_not_involved_leaves_out_only_those_who_handled_the_case(organisation_on):
    rooftop = organisation_on(ROOFTOP)
    # Rooftop Appendix 3: a Board Member involved early "may jeopardise your impartiality".
    pack = builtin_registry().get(ROOFTOP)
    involved = staff("ivy", organisation=rooftop, roles=[Role.BOARD_MEMBER], directorate="Board")
    fresh = staff("finn", organisation=rooftop, roles=[Role.BOARD_MEMBER], directorate="Board")

    found = people_for_role(
        organisation=rooftop, pack=pack, role_id="board_member", case_handlers=[involved]
    )

    assert found == [fresh]


def test_staff_holding_the_role_in_another_organisation_are_not_found(
    hpg, hpg_pack, organisation_on
):
    staff(
        "olly", organisation=organisation_on(ROOFTOP), roles=[Role.SENIOR_MANAGER], directorate="X"
    )

    assert people_for_role(organisation=hpg, pack=hpg_pack, role_id="appeal_reviewer") == []


def test_a_role_naming_neither_a_system_role_nor_a_team_finds_nobody(hpg):
    staff("sam", organisation=hpg, roles=[Role.SENIOR_MANAGER], directorate="Housing")

    found = people_for_role(
        organisation=hpg, pack=builtin_registry().get(HPG), role_id="group_board"
    )

    assert found == []


def test_a_role_the_pack_does_not_name_is_refused(hpg):
    pack = builtin_registry().get(HPG)

    with pytest.raises(ValueError, match="names no role") as refused:
        people_for_role(organisation=hpg, pack=pack, role_id="customer")

    known = ", ".join(r.id for r in pack.roles)
    assert str(refused.value) == UNKNOWN_PACK_ROLE.format(pack=HPG, role="customer", known=known)


def test_the_people_are_found_in_one_query_whatever_their_number(
    hpg, hpg_pack, django_assert_num_queries
):
    decided = staff("dana", organisation=hpg, roles=[Role.SENIOR_MANAGER], directorate="Property")
    for n in range(12):
        staff(f"sm{n}", organisation=hpg, roles=[Role.SENIOR_MANAGER], directorate=f"D{n % 3}")

    with django_assert_num_queries(1):
        found = people_for_role(
            organisation=hpg, pack=hpg_pack, role_id="appeal_reviewer", case_handlers=[decided]
        )

    assert len(found) == 12
