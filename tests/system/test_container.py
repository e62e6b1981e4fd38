"""The container's entrypoint script, Dockerfile and compose file. This machine runs no
containers, so the entrypoint is run here directly: with stand-ins for `putright` and gunicorn
that record how they were called, and once for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"


@pytest.fixture
def stand_ins(tmp_path: Path) -> tuple[dict[str, str], Path]:
    calls = tmp_path / "calls"
    for name in ("putright", "gunicorn"):
        script = tmp_path / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{calls}"\n')
        script.chmod(0o755)
    env = {
        "PATH": f"{tmp_path}:/usr/bin:/bin",
        "PUTRIGHT": str(tmp_path / "putright"),
        "GUNICORN": str(tmp_path / "gunicorn"),
    }
    return env, calls


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(ENTRYPOINT), *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_web_waits_for_the_database_migrates_then_runs_gunicorn(stand_ins):
    env, calls = stand_ins
    assert run(env, "web", "--workers", "2").returncode == 0
    assert calls.read_text().splitlines() == [
        "putright dbready --wait 60",
        "putright migrate --noinput",
        "gunicorn -c python:config.gunicorn config.wsgi --workers 2",
    ]


def test_no_arguments_means_web_and_migrating_can_be_left_to_another(stand_ins):
    env, calls = stand_ins
    assert run({**env, "PUTRIGHT_MIGRATE": "0", "PUTRIGHT_DB_WAIT": "5"}).returncode == 0
    assert calls.read_text().splitlines() == [
        "putright dbready --wait 5",
        "gunicorn -c python:config.gunicorn config.wsgi",
    ]


def test_web_empties_the_metrics_folder_of_a_previous_run(stand_ins, tmp_path):
    env, _ = stand_ins
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_1.db").write_text("old")
    assert run({**env, "PROMETHEUS_MULTIPROC_DIR": str(folder)}, "web").returncode == 0
    assert list(folder.iterdir()) == []


def test_worker_waits_for_the_database_then_runs_the_worker(stand_ins):
    env, calls = stand_ins
    assert run(env, "worker", "--no-scheduler").returncode == 0
    assert calls.read_text().splitlines() == [
        "putright dbready --wait 60",
        "putright worker --no-scheduler",
    ]


def test_anything_else_is_a_putright_subcommand(stand_ins):
    env, calls = stand_ins
    assert run(env, "backup", "/backups/x.sqlite3").returncode == 0
    assert calls.read_text().splitlines() == ["putright backup /backups/x.sqlite3"]


def test_a_database_that_never_answers_stops_the_web_role(stand_ins, tmp_path):
    env, calls = stand_ins
    (tmp_path / "putright").write_text(
        f'#!/bin/sh\necho "putright $*" >> "{calls}"\n[ "$1" != dbready ]\n'
    )
    result = run(env, "web")
    assert result.returncode != 0
    assert calls.read_text().splitlines() == ["putright dbready --wait 60"]


def test_the_real_command_behind_the_entrypoint(tmp_path):
    """The entrypoint runs the real `putright`: a check of the database, then a subcommand."""
    env = {
        **os.environ,
        "PUTRIGHT": str(Path(sys.executable).parent / "putright"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "entrypoint-test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PUTRIGHT_DATA_DIR": str(tmp_path),
    }
    result = run(env, "dbready", "--wait", "1")
    assert result.returncode == 0, result.stderr
    assert "The database (sqlite) answers." in result.stdout
    result = run(env, "dbready", "--wait", "-1")
    assert result.returncode != 0
    assert "--wait must be 0 or more seconds" in result.stderr


def test_the_dockerfile_builds_a_non_root_image_with_static_files_and_the_entrypoint():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "\nUSER putright\n" in dockerfile
    assert "putright collectstatic --noinput" in dockerfile
    assert 'ENTRYPOINT ["putright-entrypoint"]' in dockerfile
    assert "COPY docker/entrypoint.sh /usr/local/bin/putright-entrypoint" in dockerfile
    assert dockerfile.index("collectstatic") < dockerfile.index("USER putright")


def test_compose_runs_postgresql_the_web_server_and_a_worker():
    yaml = pytest.importorskip("yaml")
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert set(services) == {"db", "web", "worker"}
    assert services["web"]["command"] == ["web"]
    assert services["worker"]["command"] == ["worker"]
    assert services["db"]["image"].startswith("docker.io/library/postgres:")
    for name in ("web", "worker"):
        assert services[name]["environment"]["DATABASE_URL"].endswith("@db:5432/putright")
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
