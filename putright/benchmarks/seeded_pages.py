"""Server time of caseworking pages, search and the API's list on a database already seeded
(``putright seed``), at one client and at many at once.

At one client each page is rendered through Django's request handler in this process, so the
time is the server's own: view, queries and template, without network or browser. Many
clients at once ask gunicorn, started on the same database as the README deploys it (a few
processes, one request at a time each), over HTTP on the loopback: their time includes
waiting for a free process, as a person's would.
The reader is a complaints manager of every organisation (``bench-reader``, made if
missing), who sees every case and every contact detail: the widest search there is.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any

ONE_CLIENT_MS = 150.0
MANY_CLIENTS_MS = 500.0
#: Search at 100,000 cases on SQLite (the issue's figure for a landlord on one machine).
SQLITE_SEARCH_MS = 100.0
READER = "bench-reader"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _reader() -> tuple[Any, str]:
    from putright.accounts.models import Membership, Role, User
    from putright.accounts.tokens import token_create
    from putright.organisations.models import Organisation

    user, _ = User.objects.get_or_create(
        username=READER, defaults={"display_name": "Benchmark reader"}
    )
    for organisation in Organisation.objects.all():
        Membership.objects.get_or_create(
            user=user, organisation=organisation, role=Role.COMPLAINTS_MANAGER
        )
    _token, raw = token_create(user=user, name="bench", expires_in_days=1)
    return user, raw


def _samples(rng: random.Random) -> dict[str, list[str]]:
    """Real values to search for: references, postcodes, common surnames, an organisation."""
    from collections import Counter

    from putright.cases.models import Case
    from putright.organisations.models import Organisation
    from putright.people.models import Person

    # In id order throughout, so that the same seed gives the same samples on every database.
    step = max(1, Case.objects.count() // 5000)
    references = list(
        Case.objects.filter(pk__gt=0).order_by("pk").values_list("reference", flat=True)
    )[::step][:5000]
    people = list(
        Person.objects.exclude(postcode="").order_by("pk").values_list("name", "postcode")[:20000]
    )
    surnames = Counter(name.split()[-1] for name, _ in people if name.split())
    postcodes = [p for _, p in people]
    organisation = Organisation.objects.order_by("-pk").values_list("slug", flat=True).first() or ""
    return {
        "reference": references,
        "postcode": postcodes,
        "outward": sorted({p.split()[0] for p in postcodes}),
        "surname": [name for name, _ in surnames.most_common(20)],
        "organisation": [organisation],
    }


def pages(samples: dict[str, list[str]]) -> dict[str, Callable[[random.Random], str]]:
    def pick(kind: str) -> Callable[[random.Random], str]:
        return lambda rng: rng.choice(samples[kind])

    ref, postcode, outward, surname = (
        pick("reference"),
        pick("postcode"),
        pick("outward"),
        pick("surname"),
    )
    org = samples["organisation"][0]
    return {
        "search by postcode district (/search/?q=M1)": lambda r: f"/search/?q={outward(r)}",
        "search by full postcode": lambda r: f"/search/?q={postcode(r).replace(' ', '+')}",
        "search by name": lambda r: f"/search/?q={surname(r)}",
        "search by reference": lambda r: f"/search/?q={ref(r)}",
        "API text search (/api/v1/cases?q=name)": lambda r: f"/api/v1/cases?q={surname(r)}",
        "API list of one organisation": lambda r: f"/api/v1/cases?organisation={org}",
        "queue, first page": lambda r: "/cases/?all=1",
        "queue, overdue complaints": lambda r: "/cases/?kind=complaint&due=overdue",
        "case page": lambda r: f"/cases/{ref(r)}/",
        "my work": lambda r: "/work/",
    }


def _client(user: Any, token: str) -> Any:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    client.force_login(user)
    return client


def _time(client: Any, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    took = (time.perf_counter() - start) * 1000
    if response.status_code not in (200, 302):
        raise RuntimeError(f"{path} answered {response.status_code}")
    return took


def answers(samples: dict[str, list[str]], user: Any, *, each: int = 10) -> dict[str, list[str]]:
    """What search lists (the first 50 references, in the queue's order) for ``each`` samples
    of every kind, and for a name and a district together: to compare databases seeded alike."""
    from putright.cases.queries import CaseFilters, case_list, cases_in_due_order

    texts = [
        *samples["surname"][:each],
        *samples["outward"][:: max(1, len(samples["outward"]) // each)][:each],
        *samples["postcode"][:each],
        *samples["reference"][:each],
        *(f"{s} {o}" for s, o in zip(samples["surname"], samples["outward"][:each], strict=False)),
    ]
    answered = {}
    for text in texts:
        listed = case_list(user=user, filters=CaseFilters(text=text), in_due_order=True)
        found = cases_in_due_order(listed)
        answered[text] = list(found.values_list("reference", flat=True)[:50])
    return answered


def _summary(timings: list[float], target: float) -> dict[str, Any]:
    return {
        "requests": len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1),
        "target_ms": target,
        "met": _percentile(timings, 0.95) < target,
    }


def _many_clients(
    samples: dict[str, list[str]],
    user: Any,
    token: str,
    *,
    opened: list[str],
    clients: int,
    workers: int,
    seconds: float,
    pause: float,
    progress: Callable[[str, int, int], None] | None,
) -> dict[str, Any]:
    """``clients`` clients at once, each asking for a random page in turn, for ``seconds``,
    of gunicorn with ``workers`` processes on this database, as the README deploys it (but
    without ``putright worker``).
    ``opened``: a case of each organisation, opened by every process before timing."""
    import os
    import tempfile
    from pathlib import Path

    from django.conf import settings

    from putright.benchmarks.api import Request, Scenario, drive, serving

    makers = pages(samples)
    names = list(makers)

    def page(rng: random.Random) -> Request:
        name = rng.choice(names)
        # A reference found opens its case: the search answers with a redirect.
        expect = 302 if name == "search by reference" else 200
        return Request("GET", makers[name](rng), expect=expect, kind=name)

    # The reader signed in: a session in the database, signed with this process's key, which
    # the server is given too.
    session = _client(user, token).cookies[settings.SESSION_COOKIE_NAME].value
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}", "Accept": "text/html"}
    with (
        tempfile.TemporaryDirectory(prefix="putright-bench-pages-") as folder,
        serving(
            os.environ["DATABASE_URL"],
            Path(folder),
            threads=1,
            server="gunicorn",
            workers=workers,
            worker_class="sync",  # as config/gunicorn.py deploys it
            # No worker: its periodic jobs (retention, the sweeps) would change the seeded
            # database being measured, and compete with the pages for the processors.
            worker=False,
            environment={"SECRET_KEY": settings.SECRET_KEY},
        ) as server,
    ):
        # Every process opens a case of each organisation first, as one that has been
        # running has (its packs loaded, its calendars built): cases of every
        # organisation in turn, until each process has most likely had each of them.
        def first_cases(rng: random.Random) -> Request:
            return Request("GET", f"/cases/{rng.choice(opened)}/", kind="warm-up")

        drive(
            server,
            Scenario("warm-up", "a case of each organisation", first_cases),
            token=token,
            clients=clients,
            seconds=max(3.0, 2.5 * workers),
            warmup=0.0,
            headers=headers,
        )
        result = drive(
            server,
            Scenario("pages", "every page in turn", page),
            token=token,
            clients=clients,
            seconds=seconds,
            warmup=2.0,
            progress=progress,
            headers=headers,
            pause=pause,
        )
    if result.errors:
        raise RuntimeError(
            f"{result.errors} of the pages answered wrongly under load: {result.error_sample}"
        )
    timings = [t * 1000 for t in result.latencies]
    return {
        "clients": clients,
        "pause_seconds": pause,
        "server": f"gunicorn, {workers} process{'es' if workers > 1 else ''}",
        **_summary(timings, MANY_CLIENTS_MS),
        "requests_per_second": round(result.rps, 1),
        # Cores used on average: gunicorn's processes, the clients, the rest (the database).
        **{
            key: value
            for key, value in result.as_dict().items()
            if key in ("server_cpu_cores", "client_cpu_cores", "other_cpu_cores")
        },
        "pages": {
            name: _summary([t * 1000 for t in result.by_kind[name]], MANY_CLIENTS_MS)
            for name in names
            if result.by_kind.get(name)
        },
    }


def measure(
    *,
    requests: int = 20,
    clients: int = 20,
    pause: float = 0.0,
    workers: int = 4,
    seconds: float = 30.0,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """p50/p95 of each page at one client (``requests`` each after a warm-up), then of every
    page together with ``clients`` clients at once for ``seconds``, through gunicorn with
    ``workers`` processes."""
    from django.db import connection

    from putright.cases.models import Case

    rng = random.Random(7)
    user, token = _reader()
    samples = _samples(rng)
    client = _client(user, token)
    results: dict[str, Any] = {}
    sqlite = connection.vendor == "sqlite"
    # A case of each organisation once first, as a server that has been running has: the
    # first page of an organisation loads its policy pack and builds its working-day calendar.
    from putright.organisations.models import Organisation

    opened = []
    for organisation_id in Organisation.objects.values_list("pk", flat=True):
        first = Case.objects.filter(organisation_id=organisation_id).order_by("pk").first()
        if first is not None:
            opened.append(first.reference)
            _time(client, f"/cases/{first.reference}/")
    for name, url in pages(samples).items():
        _time(client, url(rng))  # warm up: templates compiled, calendars built
        timings = []
        for done in range(requests):
            timings.append(_time(client, url(rng)))
            if progress:
                progress(name, done + 1, requests)
        searching = "search" in name.lower()
        results[name] = _summary(
            timings, SQLITE_SEARCH_MS if sqlite and searching else ONE_CLIENT_MS
        )
    many: dict[str, Any] = {}
    if clients > 1:
        many = _many_clients(
            samples,
            user,
            token,
            opened=opened,
            clients=clients,
            workers=workers,
            seconds=seconds,
            pause=pause,
            progress=progress,
        )
    return {
        "database": connection.vendor,
        "cases": Case.objects.count(),
        "pages": results,
        "many_clients": many,
        "answers": answers(samples, user),
    }
