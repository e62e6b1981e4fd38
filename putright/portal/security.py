"""Defences against automated use of the portal: rate limits and a honeypot field.

Rate limits count requests per client address per hour in Django's cache (so several
server processes need a shared cache, such as the database cache or Redis, for the
limits to hold across them). Settings:

- ``PUTRIGHT_PORTAL_RATE_LIMITS``: a dict overriding the limits below, e.g.
  ``{"submit": 20}``. ``submit``: complaints, escalation requests, feedback and
  messages sent; ``code``: one-time codes asked for; ``verify``: codes entered.

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
DEFAULT_LIMITS = {"submit": 10, "code": 10, "verify": 30}


def limit_for(scope: str) -> int:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "PUTRIGHT_PORTAL_RATE_LIMITS", {})}
    return int(limits[scope])


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def allow(request: HttpRequest, scope: str) -> bool:
    """Count one request of this kind from this address; False once over the hour's limit."""
    bucket = int(time.time() // WINDOW_SECONDS)
    who = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"portal:rate:{scope}:{who}:{bucket}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= limit_for(scope)


def honeypot_filled(request: HttpRequest) -> bool:
    return bool(request.POST.get(HONEYPOT_FIELD, "").strip())
