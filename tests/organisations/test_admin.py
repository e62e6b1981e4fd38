"""Closure days changed in the admin move the open cases' dates, like the service does."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest

from putright.organisations.models import ClosureDay


class FormValues(HTMLParser):
    """The values a browser would submit from the page's main form (no button pressed)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values[name] = a.get("value", "on" if a.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self.select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select] = a.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        if tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.values[self.textarea] += data.lstrip("\n")


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-long-enough")
    client.force_login(admin)
    return client


def test_a_closure_day_added_in_the_admin_moves_open_cases_dates(
    admin_client, receive, clock, django_capture_on_commit_callbacks
):
    clock(2026, 3, 2, 9)
    case = receive("hos-code-2024", received_at=clock(2026, 3, 2, 9))
    assert case.next_due_on == datetime.date(2026, 3, 9)
    organisation = case.organisation
    url = f"/admin/organisations/organisation/{organisation.pk}/change/"
    form = FormValues()
    form.feed(admin_client.get(url).content.decode())
    data = form.values
    prefix = next(k for k in data if k.endswith("TOTAL_FORMS") and "closure" in k).split("-")[0]
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    data[f"{prefix}-0-date"] = "2026-03-04"
    data[f"{prefix}-0-name"] = "Staff training day"
    data[f"{prefix}-0-organisation"] = str(organisation.pk)

    with django_capture_on_commit_callbacks(execute=True):
        saved = admin_client.post(url, data)

    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert ClosureDay.objects.filter(organisation=organisation).count() == 1
    version = organisation.calendar_version
    organisation.refresh_from_db()
    assert organisation.calendar_version != version
    case.refresh_from_db()
    assert case.next_due_on == datetime.date(2026, 3, 10)
