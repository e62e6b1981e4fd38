"""``putright org floor | set-policy | policies | policy-impact`` as an operator runs them."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from putright.cases.services import Actor, case_acknowledge
from putright.organisations.models import FloorChange, Organisation, PolicyAdoption

SLH, CODE = "south-liverpool-homes-2021", "hos-code-2024"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("org", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as failed:
        run(*args)
    assert failed.value.returncode == 2
    return str(failed.value)


@pytest.fixture
def landlord(organisation_on, clock):
    clock(2026, 12, 7, 9)
    return organisation_on(SLH)


def test_floor_shows_each_code_minimum_on_by_default(landlord):
    out = run("floor", landlord.slug)
    assert "the Code binds the landlord either way" in out
    for line in ("time_limit          on       Code 2.3", "different_handler   on       Code 6.13"):
        assert line in out


def test_floor_switches_off_and_on_and_records_the_command_line(landlord):
    out = run(
        "floor", landlord.slug, "--off", "escalation_reasons", "--off", "timescales", "--note", "x"
    )
    assert "escalation_reasons: no longer applied by PutRight" in out
    assert "escalation_reasons  off" in out
    assert Organisation.objects.get(pk=landlord.pk).code_floor_off == [
        "escalation_reasons",
        "timescales",
    ]
    assert FloorChange.objects.first().recorded_by_label.startswith("command line")

    out = run("floor", landlord.slug, "--on", "timescales")
    assert "timescales: applies again" in out
    assert Organisation.objects.get(pk=landlord.pk).code_floor_off == ["escalation_reasons"]


def test_floor_names_a_user_with_by(landlord, manager):
    run("floor", landlord.slug, "--off", "time_limit", "--by", "manager")
    assert FloorChange.objects.get().recorded_by == manager
    assert "there is no user 'nobody'" in fails(
        "floor", landlord.slug, "--off", "time_limit", "--by", "nobody"
    )


def test_floor_fails_clearly_for_an_unknown_rule_or_organisation(landlord):
    assert fails("floor", landlord.slug, "--off", "six_months").startswith(
        "There is no Code minimum 'six_months'. Known: time_limit, escalation_reasons"
    )
    assert fails("floor", "nowhere") == (
        f"There is no organisation 'nowhere'. Known: {landlord.slug}."
    )
    assert not FloorChange.objects.exists()


def test_set_policy_schedules_a_change_and_policies_lists_it(landlord):
    out = run(
        "set-policy", landlord.slug, "--policy", CODE, "--from", "2027-01-04", "--note", "revised"
    )
    assert out.startswith(
        "Landlord on south-liverpool-homes-2021: hos-code-2024 scheduled from Mon 4 Jan 2027, "
        "replacing south-liverpool-homes-2021."
    )
    assert f"putright org policy-impact {landlord.slug} --policy {CODE}" in out
    history = run("policies", landlord.slug)
    assert "south-liverpool-homes-2021 in force today" in history
    assert "Mon 4 Jan 2027  hos-code-2024  south-liverpool-homes-2021  scheduled" in history


def test_set_policy_fails_clearly(landlord):
    assert fails(
        "set-policy", landlord.slug, "--policy", "nope", "--from", "2027-01-04"
    ).startswith("There is no policy pack 'nope'. Known packs: ")
    assert fails("set-policy", landlord.slug, "--policy", CODE, "--from", "4/1/27") == (
        "--from '4/1/27' is not a date: use YYYY-MM-DD"
    )
    assert "already the policy in force" in fails(
        "set-policy", landlord.slug, "--policy", SLH, "--from", "2027-01-04"
    )
    assert fails("set-policy", "nowhere", "--policy", CODE, "--from", "2027-01-04").startswith(
        "There is no organisation 'nowhere'"
    )
    assert not PolicyAdoption.objects.exists()


def test_set_policy_withdraw(landlord):
    run("set-policy", landlord.slug, "--policy", CODE, "--from", "2027-01-04")
    assert "is to hos-code-2024, not rooftop-2023" in fails(
        "set-policy",
        landlord.slug,
        "--policy",
        "rooftop-2023",
        "--from",
        "2027-01-04",
        "--withdraw",
    )
    out = run("set-policy", landlord.slug, "--from", "2027-01-04", "--withdraw")
    assert out.startswith("Withdrawn: hos-code-2024 from Mon 4 Jan 2027.")
    assert "withdrawn 07 Dec 2026" in run("policies", landlord.slug)
    assert "No change of policy from 2027-01-04 to withdraw." in fails(
        "set-policy", landlord.slug, "--from", "2027-01-04", "--withdraw"
    )


def _open_cases(receive, clock, handler):
    """Two open cases: one received (its acknowledgement moves under the Code's 5 days), one
    acknowledged (its response is due 10 working days after the acknowledgement under both)."""
    received = receive(SLH, received_at=clock(2026, 12, 1, 10))
    acknowledged = receive(SLH, received_at=clock(2026, 12, 2, 10))
    case_acknowledge(case=acknowledged, actor=Actor(handler))
    clock(2026, 12, 7, 9)
    return received, acknowledged


def test_policy_impact_shows_each_open_deadline_under_both_packs(receive, clock, handler):
    received, acknowledged = _open_cases(receive, clock, handler)
    out = run("policy-impact", received.organisation.slug, "--policy", CODE)
    assert out.splitlines()[0] == (
        "Landlord on south-liverpool-homes-2021: 2 open case(s) on south-liverpool-homes-2021; "
        "1 whose open deadlines would change if moved to hos-code-2024 (nothing is moved)."
    )
    assert "due under hos-code-2024" in out
    assert received.reference in out
    assert acknowledged.reference not in out
    everything = run("policy-impact", received.organisation.slug, "--policy", CODE, "--all")
    assert acknowledged.reference in everything
    assert "same day" in everything
    received.refresh_from_db()
    assert received.policy_pack == SLH


def test_policy_impact_as_csv(receive, clock, handler):
    received, _acknowledged = _open_cases(receive, clock, handler)
    rows = list(
        csv.DictReader(
            io.StringIO(
                run(
                    "policy-impact", received.organisation.slug, "--policy", CODE, "--format", "csv"
                )
            )
        )
    )
    acknowledge = next(
        r for r in rows if r["case"] == received.reference and r["step"].startswith("Acknowledge")
    )
    assert acknowledge["pack_now"] == SLH
    assert acknowledge["pack_then"] == CODE
    assert datetime.date.fromisoformat(acknowledge["due_then"]) > datetime.date.fromisoformat(
        acknowledge["due_now"]
    )
    assert acknowledge["change"].endswith("later")
    assert {r["case"] for r in rows} == {received.reference}


def test_policy_impact_fails_clearly(landlord):
    assert fails("policy-impact", landlord.slug, "--policy", "nope").startswith(
        "There is no policy pack 'nope'. Known packs: "
    )
    assert fails("policy-impact", "nowhere", "--policy", CODE).startswith(
        "There is no organisation 'nowhere'"
    )


def test_list_shows_a_scheduled_change_of_policy(landlord):
    run("set-policy", landlord.slug, "--policy", CODE, "--from", "2027-01-04")
    out = run("list")
    assert "hos-code-2024 from 2027-01-04" in out
    [row] = json.loads(run("list", "--json"))
    assert row["policy"] == SLH
    assert row["scheduled"] == "hos-code-2024 from 2027-01-04"
    assert row["floor_off"] == []
