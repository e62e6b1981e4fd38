"""No template carries an inline style, so the Content-Security-Policy can refuse them
(``style-src 'self'``): no ``style="..."`` attribute and no ``<style>`` element in any
template of PutRight. Pages, letters and the Ombudsman's file take their styles from
static style sheets (a letter from ``letters/letter.css``, linked; its PDF and e-mail have
it written in when they are made)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

PUTRIGHT = Path(settings.BASE_DIR) / "putright"
TEMPLATES = sorted(
    path
    for folder in PUTRIGHT.glob("**/templates")
    for path in folder.rglob("*")
    if path.is_file() and path.suffix in {".html", ".txt", ".xml", ".svg"}
)
STYLE_ATTRIBUTE = re.compile(r"""[\s"'/]style\s*=""", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


def inline_styles(text: str) -> list[str]:
    """Each inline style in a template, as ``line N: the line``."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if STYLE_ATTRIBUTE.search(line) or STYLE_ELEMENT.search(line):
            found.append(f"line {number}: {line.strip()[:120]}")
    return found


def test_the_scan_finds_both_kinds_of_inline_style():
    assert inline_styles('<p>\n<span class="a" style="width: 3%">') == [
        'line 2: <span class="a" style="width: 3%">'
    ]
    assert inline_styles("<STYLE>p { color: red }</STYLE>") == [
        "line 1: <STYLE>p { color: red }</STYLE>"
    ]
    assert inline_styles('<link rel="stylesheet" href="/static/letters/letter.css">') == []
    assert inline_styles('<p class="app-stylesheet-note">styled= here</p>') == []


def test_there_are_templates_to_scan():
    names = {path.relative_to(PUTRIGHT).as_posix() for path in TEMPLATES}
    assert "letters/templates/letters/letter.html" in names
    assert "staff/templates/staff/letter.html" in names
    assert len(names) > 50


@pytest.mark.parametrize(
    "template", TEMPLATES, ids=lambda path: path.relative_to(PUTRIGHT).as_posix()
)
def test_no_template_has_an_inline_style(template: Path):
    found = inline_styles(template.read_text(encoding="utf-8"))

    assert not found, (
        f"{template.relative_to(settings.BASE_DIR)} has inline styles, which the "
        f"Content-Security-Policy refuses; move them to a static style sheet:\n" + "\n".join(found)
    )


def test_the_enforced_policy_refuses_inline_styles():
    from config.settings import production

    enforced = production.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert enforced["style-src"] == ["'self'"]
    assert enforced["script-src"] == ["'self'"]
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"] == ["'self'"]  # tests too
