"""Check a running PutRight in Debian's Chromium: every page styled by GOV.UK and MOJ Frontend
(their CSS, JavaScript, fonts and images served), no request failing, nothing refused by the
Content-Security-Policy (no inline script or style), a letter's preview styled in its sandboxed
frame by the letter's own style sheet, and axe-core finding no WCAG 2.2 AA violation. Used by
.ci/installed against the installed wheel.

usage: python .ci/pages.py BASE_URL USERNAME PASSWORD AXE_JS
"""

from __future__ import annotations

import sys

from playwright.sync_api import ConsoleMessage, Page, sync_playwright

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

STYLED = """() => {
  const container = document.querySelector('.govuk-width-container');
  const sheets = [...document.styleSheets].map(s => ({href: s.href, rules: s.cssRules.length}));
  return {
    maxWidth: container ? getComputedStyle(container).maxWidth : null,
    frontend: document.body.classList.contains('govuk-frontend-supported'),
    sheets,
  };
}"""


# Every page has GOV.UK Frontend's styles; the staff pages MOJ Frontend's too. A stylesheet
# that failed to load has no rules, and is reported for any page.
VENDOR_SHEETS = ("/static/vendor/govuk/govuk-frontend.min.css",)


def check(page: Page, axe: str, label: str, problems: list[str], *, govuk: bool = True) -> None:
    page.wait_for_load_state("load")
    styled = page.evaluate(STYLED)
    for sheet in styled["sheets"]:
        if not sheet["rules"]:
            problems.append(f"{label}: empty stylesheet {sheet['href']}")
    if govuk:
        loaded = {
            s["href"].split("//", 1)[-1].split("/", 1)[-1]
            for s in styled["sheets"]
            if s["href"] and s["rules"] > 100
        }
        for sheet in VENDOR_SHEETS:
            if sheet.lstrip("/") not in loaded:
                problems.append(f"{label}: {sheet} not loaded ({styled['sheets']})")
        if styled["maxWidth"] in (None, "none"):
            problems.append(f"{label}: not laid out by GOV.UK Frontend ({styled})")
        if not styled["frontend"]:
            problems.append(f"{label}: GOV.UK Frontend's JavaScript is not supported/loaded")
    # Through the browser's developer protocol, not an inline script: the page's policy
    # refuses those, and is checked as it is.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(f"{axe}\n;true")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    for violation in result["violations"]:
        targets = [node["target"] for node in violation["nodes"]][:3]
        problems.append(f"{label}: axe {violation['id']} ({violation['help']}) at {targets}")
    print(f"checked {label}: {page.url}")


def main(base: str, username: str, password: str, axe_path: str) -> int:
    with open(axe_path, encoding="utf-8") as file:
        axe = file.read()
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
        page = browser.new_page()
        page.on(
            "response",
            lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        reported: list[str] = []

        def console(message: ConsoleMessage) -> None:
            text = f"{page.url}: {message.text}"
            if "[Report Only]" in message.text:
                reported.append(text)
            elif message.type == "error" or "Content Security Policy" in message.text:
                problems.append(f"console {message.type} on {text}")

        page.on("console", console)
        page.goto(base + "/")
        check(page, axe, "front page", problems, govuk=False)
        for path, label in (
            ("/sign-in/", "sign-in"),
            ("/resident/meadowbank/", "portal: complain"),
            ("/resident/follow/", "portal: follow a case"),
        ):
            page.goto(base + path)
            check(page, axe, label, problems)
        page.goto(base + "/sign-in/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/sign-in/" not in url)
        check(page, axe, "my work", problems)
        for path, label in (
            ("/cases/", "cases"),
            ("/organisations/", "organisations and policies"),
            ("/record/", "record a contact"),
        ):
            page.goto(base + path)
            check(page, axe, label, problems)
        page.goto(base + "/cases/")
        href = page.locator("a[href^='/cases/MBH-']").first.get_attribute("href")
        page.goto(base + str(href))
        check(page, axe, "a case", problems)
        # The letter preview: the letter in a sandboxed frame, styled by its own style sheet.
        page.goto(base + "/cases/")
        cases = page.locator("a[href^='/cases/'][href$='/']").evaluate_all(
            "links => [...new Set(links.map(a => a.getAttribute('href')))]"
        )
        preview = None
        for case in [str(h) for h in cases if str(h).count("/") == 3][:20]:
            page.goto(base + case + "?tab=correspondence")
            link = page.get_by_role("link", name="Preview and send").first
            if link.count():
                preview = link.get_attribute("href")
                break
        if preview is None:
            problems.append("no letter to preview in the demo's first cases")
        else:
            page.goto(base + str(preview))
            frame = page.frame_locator("iframe.app-letter-preview")
            font = frame.locator("body").evaluate("b => getComputedStyle(b).fontFamily")
            if "Liberation Sans" not in font:
                problems.append(f"the letter preview is not styled (font {font})")
            check(page, axe, "a letter's preview", problems)
        browser.close()
    for line in sorted(set(reported)):
        print(f"report-only policy: {line}")
    for problem in problems:
        print(f"PROBLEM {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
