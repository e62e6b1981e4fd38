"""Settings for the test suite: the database comes from DATABASE_URL as in production."""

import sys

from .base import *  # noqa: F403
from .base import BASE_DIR, INSTALLED_APPS, logging_config

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
