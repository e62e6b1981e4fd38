"""The menu offers only the pages a role may open: no "Reports" for a complaint handler, no
"Record a contact" for an investigator (each would answer 403)."""

from __future__ import annotations

import pytest

from putright.accounts.models import Role, User

from .conftest import PASSWORD, give_role
from .html import parse

pytestmark = pytest.mark.django_db


def menu(client, user) -> list[str]:
    client.force_login(user)
    page = parse(client.get("/organisations/").content)
    return [a.text.strip() for a in page.find("nav", aria_label="Menu").find_all("a")]


@pytest.mark.parametrize(
    ("role", "offered", "not_offered"),
    [
        (Role.COMPLAINT_HANDLER, {"Record a contact"}, {"Reports"}),
        (Role.INVESTIGATING_OFFICER, set(), {"Record a contact", "Reports"}),
        (Role.COMPLAINTS_MANAGER, {"Record a contact", "Reports"}, set()),
    ],
)
def test_the_menu_offers_what_the_role_may_open(client, code_org, role, offered, not_offered):
    user = give_role(User.objects.create_user("someone", password=PASSWORD), code_org, role)
    links = set(menu(client, user))
    assert offered <= links, links
    assert not (not_offered & links), links
    for name, path in (("Record a contact", "/record/"), ("Reports", "/reports/")):
        if name in links:
            assert client.get(path).status_code == 200, path
