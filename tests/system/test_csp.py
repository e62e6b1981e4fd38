"""Every page has a Content-Security-Policy with no inline script; the base templates have
no inline script or style."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

BASES = [
    Path(settings.BASE_DIR) / "putright" / "staff" / "templates" / "staff" / "base.html",
    Path(settings.BASE_DIR) / "putright" / "portal" / "templates" / "portal" / "base.html",
    Path(settings.BASE_DIR) / "putright" / "system" / "templates" / "system" / "home.html",
]


def directives(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/sign-in/", "/resident/follow/", "/healthz"])
def test_every_answer_carries_a_policy_without_inline_script(client, path):
    response = client.get(path)

    policy = directives(response["Content-Security-Policy"])
    # The tests' policy also lets in axe-core, by its hashes, and nothing else inline.
    assert policy["script-src"][0] == "'self'"
    assert all(value.startswith("'sha256-") for value in policy["script-src"][1:])
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    strict = directives(response["Content-Security-Policy-Report-Only"])
    assert strict["style-src"] == ["'self'"]


def test_the_production_policy_allows_no_inline_script_and_reports_inline_styles():
    from config.settings import production

    enforced = production.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert enforced["script-src"] == ["'self'"]
    assert enforced["default-src"] == ["'self'"]
    reported = production.CONTENT_SECURITY_POLICY_REPORT_ONLY["DIRECTIVES"]
    assert reported["style-src"] == ["'self'"]


@pytest.mark.parametrize("template", BASES, ids=lambda p: p.parent.name)
def test_the_base_templates_have_no_inline_script_or_style(template):
    text = template.read_text()
    scripts = re.findall(r"<script\b[^>]*>", text)
    assert all(" src=" in tag for tag in scripts), scripts
    assert "<style" not in text
    assert not re.search(r"\sstyle=", text)
    assert not re.search(r"\son[a-z]+=", text)
