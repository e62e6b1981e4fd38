"""A batch is one transaction: a failure inside it leaves none of it, and running again
carries on from where the file stopped."""

from __future__ import annotations

import pytest

from putright.cases.models import Case, Event
from putright.imports import services
from putright.imports.models import ImportedCase
from putright.imports.rows import read_row
from putright.people.models import Person

from .conftest import row


def test_a_failure_rolls_back_its_batch_only_and_a_second_run_carries_on(
    today, org, mapping, export, monkeypatch
):
    path = export(
        [
            row("B1", Date_Closed="30/06/2025"),
            row("B2", Tenant_ID="T-other", Date_Closed="30/06/2025"),
        ]
    )
    real_refresh = services.index.refresh
    calls = []

    def failing(ids):
        calls.append(ids)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return real_refresh(ids)

    monkeypatch.setattr(services.index, "refresh", failing)
    with pytest.raises(RuntimeError):
        services.import_cases(
            organisation=org, path=path, mapping=mapping, dry_run=False, batch_size=1
        )
    assert list(ImportedCase.objects.values_list("source_reference", flat=True)) == ["B1"]
    assert Case.objects.count() == 1
    assert Person.objects.count() == 1
    assert Event.objects.count() == 2  # received and closed, of B1 only
    monkeypatch.setattr(services.index, "refresh", real_refresh)
    again = services.import_cases(organisation=org, path=path, mapping=mapping, dry_run=False)
    assert (again.created, again.unchanged) == (1, 1)
    assert Case.objects.count() == 2


def test_a_row_reports_every_problem_not_only_the_first(today, mapping):
    problems = read_row(
        mapping,
        7,
        row(
            "E1",
            Date_Logged="yesterday",
            Stage_1_Outcome="Upheld",
            Stage_2_Outcome="Not Upheld",
            Email="nobody@",
        ),
        now=today,
    )
    assert [(p.column, p.why) for p in problems] == [
        (
            "Date Logged",
            "'yesterday' is not a date in the mapping's formats (%d/%m/%Y %H:%M, %d/%m/%Y).",
        ),
        ("Email", "'nobody@' is not an e-mail address."),
        ("Stage 1 Outcome", "an outcome with no date of the response."),
        ("Stage 2 Requested", "empty, but the row has dates or an outcome of the escalation."),
        ("Stage 2 Outcome", "an outcome with no date of the response."),
    ]
    assert str(problems[1]) == "line 7, column 'Email': 'nobody@' is not an e-mail address."


def test_two_runs_at_once_end_in_a_message_not_a_stack_trace(
    today, org, mapping, export, monkeypatch
):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from putright.cases.services import Actor, case_receive

    other = case_receive(
        organisation=org,
        kind="complaint",
        channel="phone",
        received_at=today,
        summary="Recorded by hand",
        actor=Actor.system("test"),
        flags=["anonymous"],
    )
    number = services._number

    def meanwhile(organisation, cases):
        # Another run takes K1 between this run's reading and its writing.
        run = services.ImportRun.objects.create(
            organisation=org, file_name="x", file_sha256="", mapping_name="x", started_at=today
        )
        ImportedCase.objects.create(
            organisation=org, source_reference="K1", case=other, run=run, line=2, row_hash=""
        )
        return number(organisation, cases)

    monkeypatch.setattr(services, "_number", meanwhile)
    path = export([row("K1")])
    with pytest.raises(CommandError) as caught:
        call_command("import", "cases", str(path), "--mapping", str(mapping_file()))
    assert caught.value.returncode == 2
    assert str(caught.value).startswith(
        "Rows from line 2 were imported by another run at the same time; nothing of this batch"
    )
    assert not ImportedCase.objects.filter(source_reference="K1").exists()


def mapping_file():
    from .conftest import SAMPLE_MAPPING

    return SAMPLE_MAPPING
