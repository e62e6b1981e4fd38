"""Settings shared by every environment, read from environment variables.

Variables:
- ``SECRET_KEY``: required wherever sessions or signing are used.
- ``DATABASE_URL``: e.g. ``postgres://user@host:5432/putright``; SQLite under
  ``PUTRIGHT_DATA_DIR`` when unset.
- ``ALLOWED_HOSTS``: comma-separated host names.
- ``PUTRIGHT_DATA_DIR``: where the embedded database and generated files live
  (default ``./var``).
- ``PUTRIGHT_STATIC_ROOT``: where collectstatic gathers static files (default the data
  folder's ``static``).
- ``PUTRIGHT_DEBUG``: ``1`` turns on Django's debug pages (never in production).
- ``PUTRIGHT_TIME_ZONE``: local time zone for deemed receipt (default Europe/London).
- ``PUTRIGHT_POLICY_DIRS``: extra folders of policy packs, separated by ``:``.
- ``PUTRIGHT_WORKER_INTERVAL``: seconds between polls of the task queue (default 1).
- ``PUTRIGHT_WORKER_LOST_AFTER``: seconds of silence after which a worker is taken for dead
  and the tasks it left running are queued again (default 20, at least 15).
- ``PUTRIGHT_LOG_FORMAT``: ``json`` (JSON lines, the default) or ``plain``; ``PUTRIGHT_LOG_LEVEL``.
- ``PUTRIGHT_METRICS``: ``1`` serves Prometheus metrics at ``/metrics``
  (``PUTRIGHT_METRICS_TOKEN``: the bearer token scrapes must send).
- ``PUTRIGHT_CACHE_URL``: e.g. ``redis://127.0.0.1:6379/0`` to share Django's cache between
  server processes (needs the ``redis`` package); each process's memory when unset.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from putright.accounts.sso import SsoConfigError as _SsoConfigError
from putright.accounts.sso import sso_settings_from as _sso_settings_from


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_seconds(name: str, default: float) -> float:
    """Read a number of seconds from the environment, refusing anything else by name."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number of seconds, not {raw!r}") from None
    if not value >= 0 or value == float("inf"):
        raise ImproperlyConfigured(f"{name} must be a finite number of seconds, not {raw!r}")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("PUTRIGHT_DATA_DIR", "var")).resolve()

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("PUTRIGHT_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "putright.system",
    "putright.policies",
    "putright.accounts",
    "putright.organisations",
    "putright.people",
    "putright.cases",
    "putright.search",
    "putright.timeline",
    "putright.staff",
    "putright.letters",
    "putright.portal",
    "putright.remedies",
    "putright.hazards",
    "putright.learning",
    "putright.reports",
    "putright.benchmarks",
    "putright.ombudsman",
    "putright.quality",
    "putright.imports",
    "putright.petitions",
    "putright.meetings",
    "putright.mailbox",
    "putright.webhooks",
    "putright.privacy",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "putright.handover",
]

MIDDLEWARE = [
    "putright.system.logs.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "putright.system.middleware.NoStoredPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "putright.accounts.second_factor.EnrolFirstMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # locks out after repeated failures
    "putright.accounts.backends.LocalPasswordBackend",  # refuses when passwords are off
    "putright.accounts.oidc.PutRightOIDCBackend",  # single sign-on (OpenID Connect)
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
# Five failures lock the address that sent them out of that account (a stranger's guesses
# lock out only the stranger); a higher ceiling per account, wherever the attempts come
# from, stops guessing from many addresses (putright/accounts/lockout.py). The account's
# owner is told by e-mail once per lock.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "putright.accounts.lockout.PerAddressThenAccountHandler"
PUTRIGHT_SIGN_IN_CEILING = int(os.environ.get("PUTRIGHT_SIGN_IN_CEILING", "30"))
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "putright.staff.views.auth.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
LOGIN_URL = "staff:sign-in"
LOGIN_REDIRECT_URL = "staff:work"
LOGOUT_REDIRECT_URL = "staff:sign-in"

# Signing in (README "Signing in"): single sign-on with OpenID Connect from the
# PUTRIGHT_OIDC_* variables, roles from the provider's groups by PUTRIGHT_OIDC_ROLE_MAP(_FILE),
# local passwords off with PUTRIGHT_LOCAL_PASSWORDS=0 (putright/accounts/sso.py checks them);
# a second factor (TOTP) for local passwords: off, offered or required.
try:
    PUTRIGHT_SSO = _sso_settings_from(os.environ)
except _SsoConfigError as _error:
    raise ImproperlyConfigured(str(_error)) from None
PUTRIGHT_SECOND_FACTOR = os.environ.get("PUTRIGHT_SECOND_FACTOR", "offered").strip().lower()
if PUTRIGHT_SECOND_FACTOR not in ("off", "offered", "required"):
    raise ImproperlyConfigured(
        f"PUTRIGHT_SECOND_FACTOR must be off, offered or required, not {PUTRIGHT_SECOND_FACTOR!r}"
    )
OTP_TOTP_ISSUER = os.environ.get("PUTRIGHT_OTP_ISSUER", "PutRight")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_env() -> dict[str, object]:
    """The default database from DATABASE_URL, or SQLite in the data folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        url = f"sqlite:///{DATA_DIR / 'putright.sqlite3'}"
    # Connections are kept for a minute and reused by the next request in the same
    # thread (opening one costs about 1 ms on SQLite, more on PostgreSQL); a connection
    # that broke meanwhile is noticed before it is reused.
    config: dict[str, object] = dict(
        dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while the in-process worker writes;
        # IMMEDIATE transactions take the write lock up front instead of failing mid-way;
        # reading the file through memory mapping (up to 1 GiB, shared by every connection
        # through the operating system's cache) spares a system call for each page read.
        pragmas = ("journal_mode=WAL", "synchronous=NORMAL", f"mmap_size={1024**3}")
        config["OPTIONS"] = {
            "init_command": " ".join(f"PRAGMA {pragma};" for pragma in pragmas),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    if config["ENGINE"] == "django.db.backends.postgresql":
        # A page's statements each run in its connection's own process, without parallel
        # workers: starting them costs more than they save on a statement that reads a page
        # of cases (80 ms a search here), and with many requests at once every core is busy
        # anyway (docs/benchmarks.md). Reports ask for them again (putright.database). A
        # DATABASE_URL whose ?options= sets max_parallel_workers_per_gather keeps its own.
        given = config.get("OPTIONS")
        options: dict[str, object] = dict(given) if isinstance(given, dict) else {}
        startup = str(options.get("options", ""))
        if "max_parallel_workers_per_gather" not in startup:
            options["options"] = f"{startup} -c max_parallel_workers_per_gather=0".strip()
        config["OPTIONS"] = options
    return config


DATABASES = {"default": database_from_env()}


def caches_from_env() -> dict[str, dict[str, object]]:
    """Django's cache (the portal's rate-limit counters): in this process's memory, or on
    Redis when PUTRIGHT_CACHE_URL names one, shared by every server process."""
    url = os.environ.get("PUTRIGHT_CACHE_URL", "").strip()
    if url:
        backend = "django.core.cache.backends.redis.RedisCache"
        return {"default": {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": "putright"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "default",
        }
    }


CACHES = caches_from_env()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("PUTRIGHT_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
#: Where collectstatic gathers static files: the data folder's ``static``, or a folder of its own
#: (the container image collects them at build, outside the data volume).
STATIC_ROOT = Path(os.environ.get("PUTRIGHT_STATIC_ROOT", "") or DATA_DIR / "static").resolve()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

# Secure by default; the demo relaxes only what a plain-HTTP localhost needs.
SESSION_COOKIE_HTTPONLY = True
# A session lasts a working day from signing in, and ends when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("PUTRIGHT_SESSION_HOURS", "10")) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_FAILURE_VIEW = "putright.portal.views.common.csrf_failure"  # a page that says what to do
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def content_security_policy(
    *, inline_styles: bool, extra_scripts: Sequence[str] = ()
) -> dict[str, object]:
    """Every page's Content-Security-Policy (django-csp): scripts, styles, fonts and images from
    PutRight itself only, no inline script, no plugin, no framing by another site.
    ``extra_scripts``: hashes of inline scripts the tests add (config/settings/test.py)."""
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, *extra_scripts],
            "style-src": [SELF, UNSAFE_INLINE] if inline_styles else [SELF],
            "img-src": [SELF, "data:"],
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [NONE],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        }
    }


# Enforced: no inline script and no inline style anywhere (tests/test_no_inline_style.py keeps
# the templates free of them). The same policy is also sent as "Report Only", so a browser's
# console names any inline style that comes back.
CONTENT_SECURITY_POLICY = content_security_policy(inline_styles=False)
CONTENT_SECURITY_POLICY_REPORT_ONLY = content_security_policy(inline_styles=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DEFAULT_FROM_EMAIL = os.environ.get("PUTRIGHT_FROM_EMAIL", "complaints@localhost")
#: Where staff reach PutRight, for the links in the e-mails that tell them of chases and
#: alerts (e.g. https://complaints.example.org); without it the e-mails name the case only.
SITE_URL = os.environ.get("PUTRIGHT_SITE_URL", "").strip().rstrip("/")
EMAIL_BACKEND = os.environ.get(
    "PUTRIGHT_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("PUTRIGHT_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PUTRIGHT_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PUTRIGHT_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PUTRIGHT_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PUTRIGHT_EMAIL_TLS", False)

PUTRIGHT_POLICY_DIRS = [p for p in os.environ.get("PUTRIGHT_POLICY_DIRS", "").split(":") if p]
PUTRIGHT_WORKER_INTERVAL = env_seconds("PUTRIGHT_WORKER_INTERVAL", 1.0)
#: E-mail in: the complaints mailboxes the worker polls (putright/mailbox/config.py), and the
#: secret the inbound e-mail webhook is signed with (blank: the webhook is off).
PUTRIGHT_IMAP_MAILBOXES = os.environ.get("PUTRIGHT_IMAP_MAILBOXES", "")
PUTRIGHT_MAIL_WEBHOOK_SECRET = os.environ.get("PUTRIGHT_MAIL_WEBHOOK_SECRET", "").strip()
#: Events out: webhook subscriptions may name an http:// address (only for a test system).
PUTRIGHT_WEBHOOKS_ALLOW_HTTP = env_bool("PUTRIGHT_WEBHOOKS_ALLOW_HTTP", False)
#: Seconds a worker may be silent (it beats every 5) before the tasks it left running are
#: queued again for another worker.
PUTRIGHT_WORKER_LOST_AFTER = env_seconds("PUTRIGHT_WORKER_LOST_AFTER", 20.0)
if PUTRIGHT_WORKER_LOST_AFTER < 15:
    raise ImproperlyConfigured(
        "PUTRIGHT_WORKER_LOST_AFTER must be at least 15 seconds (three of a worker's beats)"
    )

#: Prometheus metrics at /metrics (README, "Watching it"); off by default. With a token set,
#: scrapes must send it as ``Authorization: Bearer <token>``.
PUTRIGHT_METRICS = env_bool("PUTRIGHT_METRICS", False)
PUTRIGHT_METRICS_TOKEN = os.environ.get("PUTRIGHT_METRICS_TOKEN", "").strip()


def logging_config(default_format: str = "json") -> dict[str, object]:
    """Logs on standard error: JSON lines with the request or task id (``json``), or plain
    text (``plain``), from ``PUTRIGHT_LOG_FORMAT``; the level from ``PUTRIGHT_LOG_LEVEL``."""
    chosen = os.environ.get("PUTRIGHT_LOG_FORMAT", "").strip().lower() or default_format
    if chosen not in {"json", "plain"}:
        raise ImproperlyConfigured(f"PUTRIGHT_LOG_FORMAT must be json or plain, not {chosen!r}")
    level = os.environ.get("PUTRIGHT_LOG_LEVEL", "INFO").strip().upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ImproperlyConfigured(
            f"PUTRIGHT_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {level!r}"
        )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"ids": {"()": "putright.system.logs.RequestIdFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            "json": {"()": "putright.system.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": chosen,
                "filters": ["ids"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django_tasks_db": {"level": "WARNING"},
            "django_tasks": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
            # Django's own line for each 4xx/5xx is said again by putright.request.
            "django.request": {"level": "ERROR"},
        },
    }


LOGGING = logging_config()
