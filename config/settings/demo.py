"""The demo landlord on this machine: plain HTTP on localhost, e-mails printed on the console.

Django's debug pages are off, as anyone trying the demo should see the product's own error
pages (a debug page lists every address); ``PUTRIGHT_DEBUG=1`` turns them on.
"""

import os

from .base import *  # noqa: F403
from .base import DATA_DIR, env_bool, logging_config

DEBUG = env_bool("PUTRIGHT_DEBUG", False)


def _demo_secret_key() -> str:
    """A key kept in the data folder, so demo sessions survive a restart."""
    path = DATA_DIR / "demo_secret_key"
    if path.exists():
        return path.read_text().strip()
    from django.utils.crypto import get_random_string

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = get_random_string(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = os.environ.get("SECRET_KEY") or _demo_secret_key()
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
LOGGING = logging_config("plain")
