"""The policy and deadlines commands, as an operator runs them."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

PUTRIGHT = str(Path(sys.executable).parent / "putright")


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_policy_list_names_all_six_packs():
    listed = {p["id"] for p in json.loads(run("policy", "list", "--json"))}

    assert {
        "hos-code-2024",
        "southern-housing-2020",
        "feedback-policy-2021",
        "south-liverpool-homes-2021",
        "housing-plus-group-2021",
        "rooftop-2023",
    } <= listed


def test_policy_show_reads_the_code_timescales():
    text = run("policy", "show", "hos-code-2024")

    assert "Send the stage 1 response: 10 working days from the acknowledgement" in text
    assert "Extension: at most 20 working days" in text


def test_policy_check_of_the_code_against_itself_finds_no_gaps():
    findings = json.loads(run("policy", "check", "hos-code-2024", "--json"))["findings"]

    assert findings
    assert {f["verdict"] for f in findings} == {"meets"}


def test_deadlines_json_gives_the_design_example():
    out = run("deadlines", "--policy", "hos-code-2024", "--received", "2025-12-19T10:00", "--json")
    rows = json.loads(out)

    acknowledge = next(r for r in rows if r["step"] == "acknowledge")
    assert acknowledge["stage"] == "stage1"
    assert acknowledge["due"] == "2025-12-30"
    assert "Christmas Day" in acknowledge["explanation"]


def test_deadlines_counts_a_stage2_escalation_and_closure_days():
    out = run(
        "deadlines",
        "--policy",
        "hos-code-2024",
        "--received",
        "2026-01-05T09:00",
        "--acknowledged",
        "2026-01-06",
        "--responded",
        "2026-01-16",
        "--escalated",
        "2026-01-26",
        "--closure-day",
        "2026-01-27",
        "--stage",
        "stage2",
        "--json",
    )
    rows = {r["step"]: r for r in json.loads(out)}

    assert rows["acknowledge"]["due"] == "2026-02-03"
    assert any(s["reason"].startswith("closure day") for s in rows["acknowledge"]["skipped"])


def test_an_invalid_pack_file_is_reported_with_its_path_and_field(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'format = 1\nid = "bad"\nversion = "1"\ntitle = "Bad"\nsource = "x"\n'
        'kinds = [{ kind = "complaint", label = "Complaint", starts_at = "stage1" }]\n'
        '[[stages]]\nid = "stage1"\nlabel = "Stage 1"\nlevel = 1\ncolour = "red"\n'
        '[[stages.steps]]\nid = "respond"\nlabel = "Respond"\ndays = -3\n'
    )

    with pytest.raises(CommandError) as raised:
        run("policy", "check", str(bad))

    message = str(raised.value)
    assert str(bad) in message
    assert "stages[0].colour: unknown key" in message
    assert "stages[0].steps[0].days: Input should be greater than or equal to 0" in message
    assert raised.value.returncode == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["deadlines", "--policy", "nope", "--received", "2026-01-05T09:00"],
            "unknown policy pack 'nope'",
        ),
        (
            ["deadlines", "--policy", "hos-code-2024", "--received", "soon"],
            "is not a date and time",
        ),
        (
            [
                "deadlines",
                "--policy",
                "hos-code-2024",
                "--received",
                "2026-01-05T09:00",
                "--acknowledged",
                "31/01",
            ],
            "--acknowledged: '31/01' is not a date",
        ),
        (["policy", "show", "missing"], "unknown policy pack 'missing'"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(args, message):
    result = subprocess.run([PUTRIGHT, *args], capture_output=True, text=True, check=False)

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_every_command_has_an_example_in_its_help():
    for command in ("policy", "deadlines", "serve", "worker", "demo", "bench"):
        result = subprocess.run(
            [PUTRIGHT, command, "--help"], capture_output=True, text=True, check=True
        )
        assert "example:" in result.stdout, command


BROKEN = (
    'format = 1\nid = "broken"\nversion = "1"\ntitle = "Broken"\nsource = "x"\n'
    'kinds = [{ kind = "complaint", label = "Complaint", starts_at = "stage1" }]\n'
    '[[stages]]\nid = "stage1"\nlabel = "Stage 1"\nlevel = 1\n'
    '[[stages.steps]]\nid = "respond"\nlabel = "Respond"\ndays = -3\n'
)


def with_broken_pack(tmp_path):
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "broken.toml").write_text(BROKEN)
    return {**os.environ, "PUTRIGHT_POLICY_DIRS": str(folder)}


def test_a_broken_pack_stops_the_server_naming_its_file_and_field(tmp_path):
    env = with_broken_pack(tmp_path)

    result = subprocess.run(
        [PUTRIGHT, "serve", "--port", "0", "--no-worker"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )

    assert result.returncode != 0
    assert "broken.toml: stages[0].steps[0].days" in result.stderr
    assert "Serving PutRight" not in result.stdout


def test_another_file_is_still_checked_when_a_pack_in_the_folders_is_broken(tmp_path):
    env = with_broken_pack(tmp_path)
    other = str(Path(__file__).parents[2] / "putright/domain/packs/rooftop-2023.toml")

    result = subprocess.run(
        [PUTRIGHT, "policy", "check", other], capture_output=True, text=True, check=False, env=env
    )

    assert result.returncode == 0, result.stderr
    assert "Rooftop Housing Group Complaints Policy" in result.stdout
    assert "broken.toml: stages[0].steps[0].days" in result.stderr
    assert "checked against the built-in Code" in result.stderr


def test_policy_check_reads_as_a_board_report_grouped_by_verdict():
    text = run("policy", "check", "southern-housing-2020")

    headings = [
        "Falls below the Code (a gap to address)",
        "Not stated in the policy (a gap to address)",
        "Goes beyond the Code",
        "Meets the Code",
        "Not expressible in the pack",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    # each finding cites the Code's provision and the policy's clause
    assert "Informal stage before stage 1 (Code 5.2; policy 4.2)" in text
    assert "Policy 4.11.1:" in text
    assert "postcode" in text


def test_policy_check_json_lists_what_the_pack_cannot_express():
    out = json.loads(run("policy", "check", "rooftop-2023", "--json"))

    assert {item["clause"] for item in out["not_expressible"]} >= {"8.6"}
    assert out["summary"]["not_expressible"] == len(out["not_expressible"])
    assert out["summary"]["gaps"] == sum(
        f["verdict"] in ("falls_short", "not_stated") for f in out["findings"]
    )
