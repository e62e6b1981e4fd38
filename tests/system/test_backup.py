import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from putright.system.models import Heartbeat

pytestmark = pytest.mark.django_db(transaction=True)

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="putright backup copies the embedded SQLite"
)


@sqlite_only
def test_backup_writes_a_checked_copy_that_opens(tmp_path, capsys):
    from django.utils import timezone

    Heartbeat.objects.create(beat_at=timezone.now(), worker="w")
    target = tmp_path / "copy.sqlite3"

    call_command("backup", str(target))

    assert "checked" in capsys.readouterr().out
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM system_heartbeat").fetchone() == (1,)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert target.stat().st_mode & 0o077 == 0
    assert not list(tmp_path.glob(".*partial"))


@sqlite_only
def test_backup_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "copy.sqlite3"
    target.write_text("precious")

    with pytest.raises(CommandError, match="--force"):
        call_command("backup", str(target))
    assert target.read_text() == "precious"

    call_command("backup", str(target), "--force")
    assert target.read_bytes().startswith(b"SQLite format 3")


@sqlite_only
def test_backup_into_a_missing_folder_says_so(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("backup", str(tmp_path / "nowhere" / "copy.sqlite3"))


@pytest.mark.skipif(connection.vendor == "sqlite", reason="checks the PostgreSQL refusal")
def test_backup_on_postgresql_points_to_pg_dump(tmp_path):
    with pytest.raises(CommandError, match="pg_dump"):
        call_command("backup", str(tmp_path / "copy"))
