"""The policy page says what the policy says: an extension with no cap stated is shown as
such, never as "at most None working days" (Housing Plus Group 7.4.3)."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_extension_with_no_limit_stated_says_so(staff_client):
    page = staff_client.get("/policies/housing-plus-group-2021/").content.decode()
    assert "allowed, no limit stated" in page
    assert "None" not in page
