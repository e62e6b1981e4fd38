"""An organisation's slug names its resident portal (/resident/<slug>/): it must be free."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from putright.organisations.models import Organisation, validate_slug_free


def create(*args: str) -> str:
    out = io.StringIO()
    call_command("org", "create", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_org_create_makes_an_organisation_on_a_pack():
    create("harbourside-homes", "--name", "Harbourside Homes", "--policy", "hos-code-2024")
    made = Organisation.objects.get(slug="harbourside-homes")
    assert made.policy_pack == "hos-code-2024"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("follow", "is a page of the resident portal"),
        ("Harbourside Homes", "lower-case letters, digits and hyphens"),
    ],
)
def test_org_create_refuses_a_slug_the_portal_cannot_serve(slug, message):
    with pytest.raises(CommandError) as refused:
        create(slug, "--name", "Follow Homes", "--policy", "hos-code-2024")
    assert message in str(refused.value)
    assert not Organisation.objects.exists()


def test_the_model_refuses_a_reserved_slug_in_forms_and_the_admin():
    with pytest.raises(ValidationError) as refused:
        validate_slug_free("follow")
    assert "resident portal" in refused.value.messages[0]
    validate_slug_free("follow-homes")  # only the exact page names are reserved
