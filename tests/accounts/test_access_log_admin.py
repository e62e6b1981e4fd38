"""The access log can be read in the admin, and never changed there."""

from __future__ import annotations

import pytest
from django.test import Client

from putright.accounts.access import record_access
from putright.accounts.models import AccessLog, User


@pytest.fixture
def admin_client(db) -> Client:
    admin = User.objects.create_superuser("dpo-admin", "dpo@example.org", "a-long-password-1")
    client = Client()
    client.force_login(admin)
    return client


def test_the_access_log_lists_who_read_what_and_when(admin_client):
    reader = User.objects.create_user("casey", display_name="Casey Reader")
    record_access(reader, "read restricted case", "NH-2026-00042")
    record_access(reader, "downloaded a letter", "NH-2026-00007", "letter 3")
    page = admin_client.get("/admin/accounts/accesslog/", {"q": "NH-2026-00042"})
    assert page.status_code == 200
    text = page.content.decode()
    start = text.index('id="result_list"')
    rows = text[start : text.index("</table>", start)]
    assert "read restricted case" in rows
    assert "Casey Reader" in rows
    assert "downloaded a letter" not in rows  # another case


def test_no_one_adds_changes_or_deletes_an_entry(admin_client):
    record_access(None, "read restricted case", "NH-2026-00042")
    entry = AccessLog.objects.get()
    assert admin_client.get("/admin/accounts/accesslog/add/").status_code == 403
    change = admin_client.post(
        f"/admin/accounts/accesslog/{entry.pk}/change/", {"action": "nothing to see"}
    )
    assert change.status_code == 403
    delete = admin_client.post(f"/admin/accounts/accesslog/{entry.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    assert AccessLog.objects.get().action == "read restricted case"
