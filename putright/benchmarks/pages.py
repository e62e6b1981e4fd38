"""Server time of the staff queue and case pages with 100,000 cases in the database.

Runs in a child process on a fresh SQLite database (see ``databases.py``): the demo
landlord's cases are cloned to the size asked for (``api.load``), then each page is
rendered through Django's request handler in this process, so the time measured is the
server's own (view, queries, template), without network or browser.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from putright.benchmarks.api import load

TARGET_MS = 150.0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure(
    *, cases: int, requests: int = 60, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, Any]:
    """Milliseconds per request for the queue (first page, a filtered page), the case page and
    My work, as the demo's complaints manager and (queue, My work) its complaint handler."""
    from django.test import Client

    from putright.accounts.models import User
    from putright.cases.access import cases_visible_to

    loaded = load(cases=cases, progress=progress)
    clients = {}
    for username in ("manager", "handler"):
        clients[username] = Client(HTTP_HOST="127.0.0.1")
        clients[username].force_login(User.objects.get(username=username))
    manager = User.objects.get(username="manager")
    references = list(cases_visible_to(manager).values_list("reference", flat=True)[:5000])
    rng = random.Random(7)

    # The demo's complaints manager sees every case; its complaint handler sees every case
    # but those about staff conduct (unless named on them), and handles many of them.
    pages: dict[str, tuple[str, Callable[[], str]]] = {
        "queue, first page": ("manager", lambda: "/cases/?all=1"),
        "queue, overdue complaints": ("manager", lambda: "/cases/?kind=complaint&due=overdue"),
        "case page": ("manager", lambda: f"/cases/{rng.choice(references)}/"),
        "my work": ("manager", lambda: "/work/"),
        "queue, first page, as a complaint handler": ("handler", lambda: "/cases/?all=1"),
        "my work, as a complaint handler": ("handler", lambda: "/work/"),
    }
    results = {}
    for name, (username, url) in pages.items():
        client = clients[username]
        client.get(url())  # warm up: templates compiled, calendars built
        timings = []
        for done in range(requests):
            path = url()
            start = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            if progress:
                progress(name, done + 1, requests)
        results[name] = {
            "requests": requests,
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(_percentile(timings, 0.95), 1),
            "max_ms": round(max(timings), 1),
            "target_ms": TARGET_MS,
            "met": _percentile(timings, 0.95) < TARGET_MS,
        }
    return {"cases": loaded["cases"], "events": loaded["events"], "pages": results}
