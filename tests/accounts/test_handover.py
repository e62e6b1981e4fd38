"""Deactivating a member of staff hands their open work to whom the manager chooses, in one step."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from putright.accounts.actors import Actor
from putright.accounts.handover import hand_over, holdings_of
from putright.accounts.history import user_history
from putright.accounts.models import Membership, Role, User
from putright.accounts.services import AccountError
from putright.cases.models import Case, Event, EventKind
from putright.cases.services import case_assign
from putright.learning.services import improvement_raise
from putright.remedies.models import RemedyAction
from putright.remedies.services import action_add
from putright.timeline.models import Entry

from ..conftest import at

SOUTHERN = "southern-housing-2020"

pytestmark = pytest.mark.django_db


def staff(username: str, organisation, *roles: str) -> User:
    user = User.objects.create_user(username, display_name=username.title())
    for role in roles:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def world(receive, clock, handler):
    """Lee handles one case and investigates another, owns an action on it and an
    improvement action; Mo is their manager; Ann a complaint handler; Ivy investigates."""
    clock(2026, 3, 2, 9)
    first = receive(SOUTHERN, received_at=at(2026, 3, 2, 9))
    organisation = first.organisation
    second = receive(SOUTHERN, received_at=at(2026, 3, 2, 9))
    Membership.objects.create(user=handler, organisation=organisation, role=Role.COMPLAINT_HANDLER)
    lee = staff("lee", organisation, Role.COMPLAINT_HANDLER, Role.INVESTIGATING_OFFICER)
    mo = staff("mo", organisation, Role.MANAGER)
    ann = staff("ann", organisation, Role.COMPLAINT_HANDLER)
    ivy = staff("ivy", organisation, Role.INVESTIGATING_OFFICER)
    staff("board", organisation, Role.BOARD_MEMBER)
    case_assign(case=first, actor=Actor(mo), handler=lee)
    case_assign(case=second, actor=Actor(mo), investigator=lee)
    action_add(
        case=Case.objects.get(pk=first.pk),
        actor=Actor(mo),
        description="Fix the gutter",
        owner=lee,
        due_on=datetime.date(2026, 3, 20),
    )
    improvement_raise(
        organisation=organisation,
        actor=Actor(mo),
        source="review",
        text="Call residents back within a day",
        source_reference="Quarterly review Q1",
        owner="lee",
        due_on=datetime.date(2026, 6, 30),
    )
    return {
        "organisation": organisation,
        "first": first,
        "second": second,
        "lee": lee,
        "mo": mo,
        "ann": ann,
        "ivy": ivy,
    }


def run(*args: str) -> str:
    out = StringIO()
    call_command("user", *args, stdout=out)
    return out.getvalue()


def test_everything_a_leaver_holds_is_listed_by_kind(world):
    held = holdings_of(world["lee"])
    assert sorted(held) == [
        "case-handler",
        "case-investigator",
        "improvement-action",
        "remedy-action",
    ]
    assert held["case-handler"][0].label == f"{world['first'].reference} (handler)"
    assert "Fix the gutter" in held["remedy-action"][0].label


def test_handing_over_moves_each_item_records_it_on_its_record_and_deactivates(world):
    lee, ann, ivy, mo = world["lee"], world["ann"], world["ivy"], world["mo"]
    done = hand_over(
        user=lee,
        to={"case-investigator": ivy},
        default=ann,
        actor=Actor(mo),
    )
    assert done.deactivated
    first, second = (Case.objects.get(pk=world[k].pk) for k in ("first", "second"))
    assert (first.handler, second.investigator) == (ann, ivy)
    assert RemedyAction.objects.get().owner == ann
    assert holdings_of(lee) == {}
    lee.refresh_from_db()
    assert not lee.is_active
    # Each move is on the record's own timeline.
    assigned = Event.objects.filter(case=first, kind=EventKind.ASSIGNED).last()
    assert assigned.data == {"handler_id": ann.pk}
    assert assigned.actor == mo
    note = Event.objects.filter(case=first, kind=EventKind.NOTE).last()
    assert note.data["text"].startswith("Action handed from Lee to Ann")
    entry = Entry.objects.get(record_type="improvement_action", kind="handed_over")
    assert entry.data == {"from": lee.pk, "to": ann.pk}
    # And in the leaver's own history.
    kinds = [e.kind for e in user_history(user=lee)]
    assert kinds[-2:] == ["handed_over", "deactivated"]
    handed = list(user_history(user=lee))[-2]
    assert (handed.data["count"], handed.data["to"]) == (4, "ann, ivy")


def test_a_receiver_without_the_needed_role_is_refused_and_nothing_moves(world):
    lee, ann, mo = world["lee"], world["ann"], world["mo"]
    with pytest.raises(AccountError) as refused:
        hand_over(user=lee, to={}, default=ann, actor=Actor(mo))
    # A complaint handler may not investigate.
    assert refused.value.message == (
        f"Ann cannot take on {world['second'].reference} (investigator): it needs one of "
        "these roles there: complaints manager, investigating officer, manager, "
        "senior manager / head of service."
    )
    assert refused.value.field == "case-investigator"
    assert Case.objects.get(pk=world["first"].pk).handler == lee
    lee.refresh_from_db()
    assert lee.is_active
    assert "handed_over" not in [e.kind for e in user_history(user=lee)]


def test_a_crash_half_way_rolls_the_whole_handover_back(world, monkeypatch):
    from putright.accounts import handover

    kind = handover.kind_named("remedy-action")

    def crash(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setitem(
        handover._KINDS,
        "remedy-action",
        handover.HoldingKind(**{**kind.__dict__, "hand_over": crash}),
    )
    with pytest.raises(RuntimeError):
        hand_over(
            user=world["lee"],
            to={"case-investigator": world["ivy"]},
            default=world["ann"],
            actor=Actor(world["mo"]),
        )
    assert Case.objects.get(pk=world["first"].pk).handler == world["lee"]
    assert User.objects.get(username="lee").is_active


def test_the_command_lists_the_work_and_refuses_to_drop_it_silently(world):
    with pytest.raises(CommandError) as refused:
        run("deactivate", "lee")
    assert "lee holds the open work above: hand it over with --hand-to" in str(refused.value)
    assert User.objects.get(username="lee").is_active


def test_the_command_hands_over_per_kind_and_deactivates(world):
    said = run("deactivate", "lee", "--hand-to", "ann", "--hand-case-investigator-to", "ivy")
    assert f"Handed to ivy: {world['second'].reference} (investigator)" in said
    assert f"Handed to ann: {world['first'].reference} (handler)" in said
    assert "Deactivated lee; revoked 0 API token(s)." in said
    assert Case.objects.get(pk=world["second"].pk).investigator == world["ivy"]


def test_the_command_refuses_a_receiver_without_the_role(world):
    with pytest.raises(CommandError) as refused:
        run("deactivate", "lee", "--hand-to", "board")
    assert "Board cannot take on" in str(refused.value)
    assert User.objects.get(username="lee").is_active


def test_leave_work_deactivates_without_handing_over(world):
    said = run("deactivate", "lee", "--leave-work")
    assert "Deactivated lee" in said
    assert Case.objects.get(pk=world["first"].pk).handler == world["lee"]


def test_the_staff_page_lets_a_manager_choose_and_hand_over_in_one_step(world):
    client = Client()
    client.force_login(world["mo"])
    page = client.get("/staff/lee/deactivate/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Cases they investigate (1)" in text
    assert '<option value="ivy">' in text
    # Ann cannot investigate, so she is not offered for that kind.
    investigator_select = text.split('id="case-investigator"')[1].split("</select>")[0]
    assert 'value="ann"' not in investigator_select
    missing = client.post("/staff/lee/deactivate/", {"case-handler": "ann"})
    assert missing.status_code == 400
    assert "Choose who takes on cases they investigate." in missing.content.decode()
    done = client.post(
        "/staff/lee/deactivate/",
        {
            "case-handler": "ann",
            "case-investigator": "ivy",
            "remedy-action": "ann",
            "improvement-action": "mo",
        },
    )
    assert done.status_code == 302
    assert done["Location"] == "/staff/lee/"
    assert not User.objects.get(username="lee").is_active
    history = client.get("/staff/lee/")
    # A manager may hand over but reads no history (administrators do).
    assert history.status_code == 200
    assert "History" not in history.content.decode()


def test_who_may_open_the_staff_pages(world):
    client = Client()
    client.force_login(world["ann"])
    assert client.get("/staff/").status_code == 404
    assert client.get("/staff/lee/").status_code == 404
    assert client.get("/staff/lee/deactivate/").status_code == 404
    client.force_login(world["mo"])
    assert client.get("/staff/mo/deactivate/").status_code == 404  # never oneself
    admin = staff("root", world["organisation"], Role.ADMINISTRATOR)
    client.force_login(admin)
    page = client.get("/staff/lee/")
    assert "History" in page.content.decode()
    assert "Deactivated; 0 API token(s) revoked" not in page.content.decode()
    outsider = User.objects.create_user("outsider")
    assert client.get(f"/staff/{outsider.username}/").status_code == 404


def test_a_hazard_its_clocks_and_its_history_follow_the_new_owner(organisation_on, clock, handler):
    from putright.cases.services import case_receive
    from putright.hazards.models import Hazard
    from putright.hazards.services import hazard_confirm, hazard_raise
    from putright.people.models import Person
    from putright.timeline.models import Clock

    clock(2026, 3, 2, 9)
    organisation = organisation_on(SOUTHERN)
    case = case_receive(
        organisation=organisation,
        kind="complaint",
        channel="phone",
        received_at=at(2026, 3, 2, 9),
        summary="Mould in the bedroom",
        actor=Actor(handler),
        customer=Person.objects.create(
            organisation=organisation, name="Pat Resident", tenure="tenant"
        ),
    )
    Membership.objects.create(user=handler, organisation=organisation, role=Role.COMPLAINT_HANDLER)
    lee = staff("lee", organisation, Role.COMPLAINT_HANDLER)
    ann = staff("ann", organisation, Role.COMPLAINT_HANDLER)
    panel = staff("pat", organisation, Role.PANEL_MEMBER)
    hazard = hazard_raise(
        case=case,
        kind="damp_mould",
        severity="significant",
        description="Black mould in the bedroom",
        actor=Actor(lee),
    )
    hazard = hazard_confirm(hazard=hazard, actor=Actor(lee))
    running = Clock.objects.filter(record_type="hazard", record_id=hazard.pk, completed_at=None)
    assert {c.owner for c in running} == {lee}
    assert [h.kind for h in holdings_of(lee)["hazard"]] == ["hazard"]
    # A panel member may not own a hazard.
    with pytest.raises(AccountError) as refused:
        hand_over(user=lee, to={}, default=panel, actor=Actor(handler))
    assert refused.value.field == "hazard"
    hand_over(user=lee, to={}, default=ann, actor=Actor(handler))
    assert Hazard.objects.get(pk=hazard.pk).owner == ann
    assert {c.owner for c in running.all()} == {ann}
    entry = Entry.objects.get(record_type="hazard", record_id=hazard.pk, kind="handed_over")
    assert (entry.data, entry.actor) == ({"from": lee.pk, "to": ann.pk}, handler)


def test_someone_deactivated_in_the_admin_still_has_their_work_handed_over(world):
    root = User.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    client = Client()
    client.force_login(root)
    lee = world["lee"]
    page = client.get(f"/admin/accounts/user/{lee.pk}/change/")
    assert page.status_code == 200
    from tests.accounts.test_user_admin import form

    saved = client.post(
        f"/admin/accounts/user/{lee.pk}/change/", form(lee, is_active=None), follow=True
    )
    assert (
        "Lee still holds 4 open item(s): hand them over on the staff page" in saved.content.decode()
    )
    lee.refresh_from_db()
    assert not lee.is_active
    member = client.get("/staff/lee/").content.decode()
    assert "Hand over the work they still hold" in member
    done = client.post(
        "/staff/lee/deactivate/",
        {
            "case-handler": "ann",
            "case-investigator": "ivy",
            "remedy-action": "ann",
            "improvement-action": "mo",
        },
    )
    assert done.status_code == 302
    assert holdings_of(lee) == {}
    assert [e.kind for e in user_history(user=lee)][-2:] == ["deactivated", "handed_over"]


def test_any_other_deadline_they_owe_goes_to_someone_who_can_see_its_record(organisation_on, clock):
    from putright.timeline.models import Clock
    from putright.timeline.services import clock_start
    from tests.timeline_sample.models import SampleRecord

    clock(2026, 3, 2, 9)
    southern = organisation_on(SOUTHERN)
    rooftop = organisation_on("rooftop-2023")
    lee = staff("lee", southern, Role.COMPLAINT_HANDLER)
    ann = staff("ann", southern, Role.COMPLAINT_HANDLER)
    outsider = staff("otto", rooftop, Role.COMPLAINT_HANDLER)
    record = SampleRecord.objects.create(organisation=southern, title="A review")
    due = clock_start(
        record_type="sample",
        record_id=record.pk,
        organisation=southern,
        step="review",
        label="Review the record",
        unit="working_days",
        amount=5,
        started_at=at(2026, 3, 2, 9),
        owner=lee,
    )
    [held] = holdings_of(lee)["clock"]
    assert held.label == f"Review the record (Sample record {record.pk}, due 09 Mar 2026)"
    with pytest.raises(AccountError) as refused:
        hand_over(user=lee, to={"clock": outsider}, actor=Actor(ann))
    assert refused.value.message.endswith("they cannot see the record the deadline is on.")
    hand_over(user=lee, to={"clock": ann}, actor=Actor(ann))
    assert Clock.objects.get(pk=due.pk).owner == ann
    entry = Entry.objects.get(record_type="sample", record_id=record.pk, kind="handed_over")
    assert entry.data == {"clock": "review", "from": lee.pk, "to": ann.pk}


def test_approvals_waiting_for_them_are_listed_with_who_else_may_decide(organisation_on, clock):
    from putright.cases.services import case_receive
    from putright.people.models import Person
    from putright.remedies.services import ComponentIn, award_propose

    clock(2026, 3, 9, 12)
    slh = organisation_on("south-liverpool-homes-2021")
    hana = staff("hana", slh, Role.COMPLAINT_HANDLER)
    carla = staff("carla", slh, Role.COMPLAINTS_MANAGER)
    mo = staff("mo", slh, Role.MANAGER)
    case = case_receive(
        organisation=slh,
        kind="complaint",
        channel="phone",
        received_at=at(2026, 3, 9, 9),
        summary="The bin was not collected",
        actor=Actor(hana),
        customer=Person.objects.create(organisation=slh, name="Pat Resident"),
    )
    award_propose(
        case=case,
        actor=Actor(hana),
        components=[ComponentIn(kind="goodwill", amount_pence=30000)],
        reasoning="We are sorry",
    )
    [waiting] = holdings_of(carla)["approval"]
    assert waiting.label == f"Compensation on {case.reference} waiting for approval"
    client = Client()
    client.force_login(mo)
    page = client.get("/staff/carla/deactivate/").content.decode()
    assert "Nobody else active may decide these" in page
    # Once a second complaints manager is there, they are named instead.
    staff("cora", slh, Role.COMPLAINTS_MANAGER)
    page = client.get("/staff/carla/deactivate/").content.decode()
    assert "they stay waiting for Cora, who may also decide them" in page
    # Nothing moves: deactivating needs no receiver for approvals.
    done = client.post("/staff/carla/deactivate/", {})
    assert done.status_code == 302
    assert not User.objects.get(username="carla").is_active
