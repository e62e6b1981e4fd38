"""Every award either needs no approval or waits for a role somebody can decide it with.

South Liverpool Homes (policy 4.1.9): the officer at the first point of contact may award
up to £10, the Complaint Manager up to £500 at stage 1. A more senior proposer has at
least that authority (roles rank as the pack lists them; a manager's authority includes a
complaint handler's), so needs no approval; anyone else waits for the first role at or
above the rule's role that someone allowed to decide awards holds. A pack whose approver
no such role holds is refused when it loads.
"""

from __future__ import annotations

import re

import pytest

from putright.accounts.access import AWARD_APPROVERS
from putright.accounts.models import Membership, Role, User
from putright.cases.services import Actor, case_receive
from putright.domain.errors import PackError
from putright.domain.policy import AWARD_DECIDERS, BUILTIN_DIR, load_pack_file
from putright.people.models import Person
from putright.remedies.access import awards_awaiting, may_decide_award
from putright.remedies.models import AwardStatus
from putright.remedies.services import ComponentIn, award_propose
from tests.conftest import at

pytestmark = pytest.mark.django_db

SLH = "south-liverpool-homes-2021"


@pytest.fixture
def people(organisation_on, clock):
    clock(2026, 3, 9, 12)
    organisation = organisation_on(SLH)
    made = {}
    for role in Role:
        user = User.objects.create_user(role.value)
        Membership.objects.create(user=user, organisation=organisation, role=role.value)
        made[role.value] = user
    return made


def a_case(people, kind: str):
    """A dissatisfaction starts informally (first contact); a complaint at stage 1."""
    organisation = people["complaint_handler"].memberships.get().organisation
    return case_receive(
        organisation=organisation,
        kind=kind,
        channel="phone",
        received_at=at(2026, 3, 9, 9),
        summary="The bin was not collected",
        actor=Actor(people["complaint_handler"]),
        customer=Person.objects.create(organisation=organisation, name="Pat Resident"),
    )


def propose(people, case, proposer: str, pence: int):
    return award_propose(
        case=case,
        actor=Actor(people[proposer]),
        components=[ComponentIn(kind="goodwill", amount_pence=pence)],
        reasoning="We are sorry",
    )


def deciders(people, award) -> set[str]:
    return {role for role, user in people.items() if may_decide_award(user, award)}


@pytest.mark.parametrize(
    "proposer", ["complaint_handler", "manager", "complaints_manager", "senior_manager"]
)
def test_at_first_contact_the_officer_and_anyone_senior_award_up_to_10_pounds(people, proposer):
    award = propose(people, a_case(people, "dissatisfaction"), proposer, 500)

    assert (award.stage, award.status, award.approval_by) == (
        "first_contact",
        AwardStatus.APPROVED,
        "",
    )
    assert award.decided_by == people[proposer]


def test_a_first_contact_award_by_someone_without_the_officers_authority_can_be_decided(people):
    award = propose(people, a_case(people, "dissatisfaction"), "api_client", 500)

    assert (award.status, award.approval_by) == (AwardStatus.PENDING_APPROVAL, "complaint_manager")
    assert deciders(people, award) == {"complaints_manager"}
    assert awards_awaiting(people["complaints_manager"]) == [award]


@pytest.mark.parametrize("proposer", ["manager", "senior_manager", "complaints_manager"])
def test_at_stage_1_a_manager_awards_up_to_500_pounds(people, proposer):
    award = propose(people, a_case(people, "complaint"), proposer, 30000)

    assert (award.stage, award.status, award.approval_by) == ("stage1", AwardStatus.APPROVED, "")


def test_at_stage_1_a_handlers_award_waits_for_the_complaint_manager(people):
    award = propose(people, a_case(people, "complaint"), "complaint_handler", 30000)

    assert (award.status, award.approval_by) == (AwardStatus.PENDING_APPROVAL, "complaint_manager")
    assert deciders(people, award) == {"complaints_manager"}


def test_the_domain_and_the_access_rules_agree_on_who_decides_awards():
    assert set(AWARD_APPROVERS) == AWARD_DECIDERS


def slh_with(tmp_path, *replacements: tuple[str, str]):
    text = (BUILTIN_DIR / f"{SLH}.toml").read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / f"{SLH}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_pack_whose_approver_nobody_may_decide_with_is_refused(tmp_path):
    path = slh_with(tmp_path, ('approval_by = "emt"', 'approval_by = "director_itr"'))

    with pytest.raises(PackError) as refused:
        load_pack_file(path)

    message = str(refused.value)
    assert str(path) in message
    assert "compensation.authority[2].approval_by: role 'director_itr'" in message


def test_a_pack_where_nobody_may_decide_above_a_role_is_refused(tmp_path):
    deciding = (
        r'acts_as = \["(manager|senior_manager|complaints_manager|panel_member|board_member)"\]'
    )
    text = (BUILTIN_DIR / f"{SLH}.toml").read_text(encoding="utf-8")
    path = tmp_path / f"{SLH}.toml"
    path.write_text(re.sub(deciding, "acts_as = []", text), encoding="utf-8")

    with pytest.raises(PackError) as refused:
        load_pack_file(path)

    message = str(refused.value)
    assert str(path) in message
    assert "compensation.authority[0].role: no role the pack lists at or above 'officer'" in message
    assert "compensation.authority[2].approval_by: role 'emt'" in message


def test_the_built_in_packs_still_load():
    assert load_pack_file(BUILTIN_DIR / f"{SLH}.toml").id == SLH


def test_nobody_decides_an_award_they_proposed(people):
    """Four eyes: an award above its proposer's authority is decided by someone else."""
    from putright.cases.errors import PolicyRuleError
    from putright.remedies.services import award_decide

    award = propose(people, a_case(people, "complaint"), "complaint_handler", 20000)
    assert award.approval_by == "complaint_manager"
    award.proposed_by = people["complaints_manager"]  # as if the complaints manager proposed it
    award.save(update_fields=["proposed_by"])

    assert "complaints_manager" not in deciders(people, award)
    assert award not in awards_awaiting(people["complaints_manager"])
    with pytest.raises(PolicyRuleError, match="You proposed this award: another Complaint"):
        award_decide(award=award, actor=Actor(people["complaints_manager"]), approve=True)

    colleague = User.objects.create_user("colleague")
    Membership.objects.create(
        user=colleague,
        organisation=award.case.organisation,
        role=Role.COMPLAINTS_MANAGER,
    )
    assert award in awards_awaiting(colleague)
    decided = award_decide(award=award, actor=Actor(colleague), approve=True)
    assert (decided.status, decided.decided_by) == (AwardStatus.APPROVED, colleague)
