"""Settings for the test suite: the database comes from DATABASE_URL as in production."""

import sys

from .base import *  # noqa: F403
from .base import BASE_DIR, INSTALLED_APPS, content_security_policy, logging_config

# A kind of record that exists only in the tests, with a history and clocks of its own. The
# tests' apps live in the checkout beside the project (the installed package holds only
# putright and config), so the checkout is on the path before Django imports them.
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))
INSTALLED_APPS = [*INSTALLED_APPS, "tests.timeline_sample"]

SECRET_KEY = "test-only-secret-key-not-for-use-anywhere-else"
DEBUG = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Tests move the clock by days with one signed-in client; the working-day session is
# tested with its own length (tests/staff/test_sessions.py).
SESSION_COOKIE_AGE = 366 * 24 * 60 * 60
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WHITENOISE_AUTOREFRESH = True  # no collected static folder in tests
LOGGING = logging_config("plain")


def _axe_hashes() -> list[str]:
    """The page tests put axe-core into each page as an inline script (Playwright's
    ``add_script_tag``, from its text or its file, which adds a sourceURL line): those two
    scripts, and no other inline script, may run under the tests' Content-Security-Policy."""
    import base64
    import hashlib
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("putright.staff")
    folders = {BASE_DIR / "putright" / "staff"}
    if spec and spec.origin:
        folders.add(Path(spec.origin).parent)
    hashes: list[str] = []
    for folder in sorted(folders):
        path = folder / "static" / "vendor" / "axe" / "axe.min.js"
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        for script in (text, f"{text}\n//# sourceURL={path}"):
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            if f"'sha256-{digest}'" not in hashes:
                hashes.append(f"'sha256-{digest}'")
    return hashes


CONTENT_SECURITY_POLICY = content_security_policy(inline_styles=False, extra_scripts=_axe_hashes())
CONTENT_SECURITY_POLICY_REPORT_ONLY = content_security_policy(
    inline_styles=False, extra_scripts=_axe_hashes()
)
