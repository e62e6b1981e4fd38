"""Defences against automated use of the portal: rate limits and a honeypot field.

Rate limits count requests per client address per hour in Django's cache (so several
server processes need a shared cache, such as the database cache or Redis, for the
limits to hold across them). Settings:

- ``PUTRIGHT_PORTAL_RATE_LIMITS``: a dict overriding the limits below, e.g.
  ``{"submit": 20}``. Per client address, each hour: ``submit``: complaints,
  escalation requests, feedback and messages sent; ``code``: one-time codes asked
  for; ``verify``: codes entered; ``upload``: evidence files uploaded. Per case
  reference, whatever the address: ``case_code``: codes asked for each hour;
  ``case_wrong``: wrong codes entered each day, after which no more codes are sent
  or checked for that reference until the next day.

The per-reference limits count every request for the reference, whether or not it
matched a case or contact, so that hitting them reveals nothing.

The client address is ``REMOTE_ADDR``. Behind a proxy, have the proxy set it (for
example with gunicorn's ``--forwarded-allow-ips``); ``X-Forwarded-For`` is not trusted.

The honeypot is a text field hidden from people and from assistive technology; a
form that comes back with it filled in was filled in by a program, and is dropped
without saying so.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

HONEYPOT_FIELD = "website"
WINDOW_SECONDS = 60 * 60
DAY_SECONDS = 24 * 60 * 60
DEFAULT_LIMITS = {
    "submit": 10,
    "code": 10,
    "verify": 30,
    "upload": 20,
    "case_code": 5,
    "case_wrong": 20,
}


def limit_for(scope: str) -> int:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "PUTRIGHT_PORTAL_RATE_LIMITS", {})}
    return int(limits[scope])


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _key(scope: str, subject: str, window: int) -> str:
    bucket = int(time.time() // window)
    who = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"portal:rate:{scope}:{who}:{bucket}"


def _count(scope: str, subject: str, window: int) -> int:
    """Add one to the counter for this subject in the current window; the new count."""
    key = _key(scope, subject, window)
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def allow(request: HttpRequest, scope: str) -> bool:
    """Count one request of this kind from this address; False once over the hour's limit."""
    return _count(scope, client_address(request), WINDOW_SECONDS) <= limit_for(scope)


def allow_for(subject: str, scope: str, *, window: int = WINDOW_SECONDS) -> bool:
    """Count one request of this kind about a subject (a case reference, say), from any
    address; False once over the window's limit."""
    return _count(scope, subject, window) <= limit_for(scope)


def note(subject: str, scope: str, *, window: int = WINDOW_SECONDS) -> None:
    """Count one event of this kind about a subject (a wrong code, say)."""
    _count(scope, subject, window)


def exhausted(subject: str, scope: str, *, window: int = WINDOW_SECONDS) -> bool:
    """Whether events of this kind about a subject have reached the window's limit."""
    return int(cache.get(_key(scope, subject, window), 0)) >= limit_for(scope)


def honeypot_filled(request: HttpRequest) -> bool:
    return bool(request.POST.get(HONEYPOT_FIELD, "").strip())
