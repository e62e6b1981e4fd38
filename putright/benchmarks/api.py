"""The JSON API under load, each scenario beside a baseline doing comparable work.

``putright bench api`` makes a scratch database (SQLite, or PostgreSQL with ``--postgres``),
loads it (``load``, run in a child process on that database: the demo landlord, then its
cases cloned in bulk up to the requested count), starts the real server (``putright serve``
with its in-process worker, or gunicorn with ``putright worker`` beside it) on a free
loopback port with the baselines added (``putright.benchmarks.bare``), and drives it with
concurrent keep-alive clients for a fixed time per scenario (``drive``):

- ``bare_read``: ``GET /bench/read/{reference}``: the same bearer token authenticated, the
  same case read with its events through the ORM, answered as JSON (read's baseline);
- ``read``: ``GET /api/v1/cases/{reference}`` on random existing cases;
- ``bare_intake``: ``POST /bench/intake``: authenticate, insert a case row and one event
  (intake's baseline);
- ``intake``: ``POST /api/v1/cases``, a new complaint with a new customer;
- ``mixed``: 60% case reads, 20% queue lists (``GET /api/v1/cases?...``), 20% intake,
  with the p95 of each kind.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import json
import math
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from putright.benchmarks.bare import BARE_INTAKE_PATH, BARE_READ_PATH

#: Cloned cases get references of their own, apart from the organisations' numbering.
BULK_PREFIX = "BULK"
#: The targets of issue 16: reading and intake each at least this share of their baseline's
#: requests per second, and the 95th percentile latency of reading, intake and each kind of
#: request under the mixed load under this many milliseconds.
TARGET_RATIO = 0.50
TARGET_P95_MS = 100.0
#: The mixed load: each kind of request and its share.
MIX = (("read", 0.6), ("list", 0.2), ("intake", 0.2))
BENCH_USER = "manager"  # the demo's complaints manager: reads and records in every organisation

Progress = Callable[[str, int, int], None]


def bulk_reference(n: int) -> str:
    return f"{BULK_PREFIX}-{n:07d}"


# -- the data, loaded in the child process -------------------------------------------------


def load(*, cases: int, progress: Progress | None = None) -> dict[str, Any]:
    """Load the demo landlord, clone its cases up to ``cases``, and make a token.

    Runs on the database DATABASE_URL names (a fresh, migrated one). The demo's cases are
    recorded through the services, so their chronologies are real; each clone copies a
    demo case row with its events, issues and named members, under a new reference.
    """
    from django.db import connection, transaction
    from django.db.models import Model

    from putright.accounts.access import ACTION_ROLES, roles_in
    from putright.accounts.models import User
    from putright.accounts.tokens import token_create
    from putright.cases.models import Case, CaseIssue, CaseMember, Event
    from putright.organisations.models import Organisation
    from putright.system.demo import load_demo

    tell = progress or (lambda _what, _done, _total: None)
    tell("loading the demo landlord", 0, 1)
    started = time.perf_counter()
    load_demo()
    tell("loading the demo landlord", 1, 1)
    templates = list(Case.objects.order_by("pk"))
    if not templates:
        raise RuntimeError("the demo landlord has no cases to clone")
    events: dict[int, list[Event]] = {}
    for event in Event.objects.order_by("case_id", "sequence"):
        events.setdefault(event.case_id, []).append(event)
    issues: dict[int, list[CaseIssue]] = {}
    for issue in CaseIssue.objects.order_by("case_id", "number"):
        issues.setdefault(issue.case_id, []).append(issue)
    members: dict[int, list[CaseMember]] = {}
    for member in CaseMember.objects.all():
        members.setdefault(member.case_id, []).append(member)

    def fields(row: Model, *skip: str) -> dict[str, Any]:
        leave = {"id", *skip}
        return {
            f.attname: getattr(row, f.attname)
            for f in type(row)._meta.concrete_fields
            if f.attname not in leave
        }

    case_fields = {t.pk: fields(t, "reference", "created_at", "updated_at") for t in templates}
    event_fields = {pk: [fields(e, "case_id") for e in rows] for pk, rows in events.items()}
    issue_fields = {pk: [fields(i, "case_id") for i in rows] for pk, rows in issues.items()}
    member_fields = {pk: [fields(m, "case_id") for m in rows] for pk, rows in members.items()}

    clones = max(cases - len(templates), 0)
    batch = 5000
    done = 0
    while done < clones:
        size = min(batch, clones - done)
        sources = [templates[(done + i) % len(templates)].pk for i in range(size)]
        with transaction.atomic():
            created = Case.objects.bulk_create(
                [
                    Case(reference=bulk_reference(done + i), **case_fields[source])
                    for i, source in enumerate(sources)
                ],
                batch_size=1000,
            )
            pairs = list(zip(created, sources, strict=True))
            Event.objects.bulk_create(
                [Event(case=c, **f) for c, s in pairs for f in event_fields.get(s, [])],
                batch_size=1000,
            )
            CaseIssue.objects.bulk_create(
                [CaseIssue(case=c, **f) for c, s in pairs for f in issue_fields.get(s, [])],
                batch_size=1000,
            )
            CaseMember.objects.bulk_create(
                [CaseMember(case=c, **f) for c, s in pairs for f in member_fields.get(s, [])],
                batch_size=1000,
            )
        done += size
        tell("cloning cases in bulk", done, clones)

    if connection.vendor == "postgresql":
        # After a bulk load, as PostgreSQL's documentation advises (autovacuum would, later):
        # without statistics it plans the case's one query badly (7.8 ms instead of 1.4).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = User.objects.get(username=BENCH_USER)
    _token, raw = token_create(user=user, name="putright bench api", expires_in_days=1)
    intake = [
        {"slug": o.slug, "id": o.pk, "policy_pack": o.policy_pack}
        for o in Organisation.objects.order_by("slug")
        if roles_in(user, o.pk) & ACTION_ROLES["receive"]
    ]
    return {
        "token": raw,
        "cases": Case.objects.count(),
        "events": Event.objects.count(),
        "clones": clones,
        "intake_organisations": intake,
        "load_seconds": time.perf_counter() - started,
    }


# -- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    base: str  # http://127.0.0.1:PORT
    pids: tuple[int, ...]  # the server, and the worker when it runs apart


#: The servers the benchmark can run: ``putright serve`` (waitress, one process, as the
#: demo and small sites run), or gunicorn as the README deploys it (processes and threads).
SERVERS = ("waitress", "gunicorn")


@contextmanager
def serving(
    database_url: str,
    folder: Path,
    *,
    threads: int,
    server: str = "waitress",
    workers: int = 1,
    wait_seconds: float = 60,
    environment: dict[str, str] | None = None,
    worker_class: str = "gthread",
    worker: bool = True,
) -> Iterator[Server]:
    """The real server, its worker, and the baselines on a free loopback port.

    ``waitress``: ``putright serve`` (one process, ``threads`` threads, the worker and the
    scheduler in the same process, as the embedded default runs).
    ``gunicorn``: ``gunicorn config.wsgi`` with ``workers`` processes of ``threads``
    threads each (the gthread worker, which keeps connections alive; ``worker_class="sync"``:
    gunicorn's default, one request at a time, as ``config/gunicorn.py`` deploys it), after
    ``collectstatic``, and ``putright worker`` beside it, as the README deploys them.
    Either way the baselines and the API are served by the same processes. DEBUG is off,
    as in production; the servers' output goes to ``folder/server.log``. ``environment``
    is added last (a ``SECRET_KEY`` the caller signs sessions with, say). ``worker=False``:
    gunicorn alone, no ``putright worker`` (whose periodic jobs, retention and the deadline
    sweeps, would change a seeded database being measured).
    """
    if server not in SERVERS:
        raise ValueError(f"server must be one of {', '.join(SERVERS)}")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "putright.benchmarks.settings",
        "PUTRIGHT_BENCH_BARE_VIEW": "1",
        "PUTRIGHT_DEBUG": "0",
        "PUTRIGHT_DATA_DIR": str(folder / "data"),
        "PUTRIGHT_LOG_LEVEL": "WARNING",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        **(environment or {}),
    }
    putright = [sys.executable, "-m", "putright.cli"]
    commands = []
    if server == "waitress":
        command = [*putright, "serve", "--host", "127.0.0.1", "--port", str(port)]
        commands.append([*command, "--threads", str(threads)])
    else:
        subprocess.run([*putright, "collectstatic", "--noinput", "-v0"], env=env, check=True)
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
        # gthread keeps connections alive, as waitress does (the sync worker closes each).
        command += ["--workers", str(workers), "--threads", str(threads)]
        command += ["--worker-class", worker_class]
        commands += [command, [*putright, "worker"]] if worker else [command]
    log_path = folder / "server.log"
    base = f"http://127.0.0.1:{port}"
    processes: list[subprocess.Popen[bytes]] = []
    with open(log_path, "wb") as log:
        try:
            for command in commands:
                processes.append(
                    subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
                )
            deadline = time.monotonic() + wait_seconds
            while True:
                if any(process.poll() is not None for process in processes):
                    raise RuntimeError(f"the server stopped before answering:\n{_tail(log_path)}")
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no answer from {base}/healthz in {wait_seconds:g} s")
                time.sleep(0.2)
            yield Server(base, tuple(process.pid for process in processes))
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# -- the load generator --------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    expect: int = 200
    kind: str = ""  # under the mixed load: read, list or intake


@dataclass
class Scenario:
    name: str
    label: str
    make: Callable[[random.Random], Request]
    baseline: str = ""  # the scenario whose throughput this one is compared with


@dataclass
class Result:
    name: str
    label: str
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, of the good answers
    #: The same latencies by kind of request (the mixed load).
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    error_sample: str = ""
    server_cpu: float | None = None  # cores the server (and its worker) used on average
    client_cpu: float | None = None  # cores the load generator (this process) used
    #: CPU the rest of the machine used meanwhile (cores): other work skews the figures.
    other_cpu: float | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile_ms(self, q: float, kind: str = "") -> float:
        """Nearest-rank percentile of the latencies (of one kind), in milliseconds."""
        latencies = self.by_kind.get(kind, []) if kind else self.latencies
        if not latencies:
            return math.nan
        ordered = sorted(latencies)
        return ordered[max(math.ceil(q / 100 * len(ordered)) - 1, 0)] * 1000

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "clients": self.clients,
            "seconds": round(self.seconds, 3),
            "requests": self.requests,
            "errors": self.errors,
            "error_sample": self.error_sample,
            "server_cpu_cores": None if self.server_cpu is None else round(self.server_cpu, 2),
            "client_cpu_cores": None if self.client_cpu is None else round(self.client_cpu, 2),
            "other_cpu_cores": None if self.other_cpu is None else round(self.other_cpu, 2),
            "rps": round(self.rps, 1),
            "p50_ms": _ms(self.percentile_ms(50)),
            "p95_ms": _ms(self.percentile_ms(95)),
            "p99_ms": _ms(self.percentile_ms(99)),
            "max_ms": _ms(max(self.latencies, default=math.nan) * 1000),
            "kinds": {
                kind: {
                    "requests": len(latencies),
                    "rps": round(len(latencies) / self.seconds, 1) if self.seconds else 0.0,
                    "p50_ms": _ms(self.percentile_ms(50, kind)),
                    "p95_ms": _ms(self.percentile_ms(95, kind)),
                    "p99_ms": _ms(self.percentile_ms(99, kind)),
                }
                for kind, latencies in sorted(self.by_kind.items())
            },
        }


def _ms(value: float) -> float | None:
    """Milliseconds for the JSON output: rounded, and null when nothing was measured."""
    return None if math.isnan(value) else round(value, 2)


#: Queue lists under the mixed load: the filters a caseworker's client would send.
LIST_QUERIES = (
    "limit=25",
    "status=open&limit=25",
    "due=overdue&limit=25",
    "due=week&kind=complaint&limit=25",
    "flags=vulnerability&limit=25",
)


def scenarios(
    *, references: Callable[[random.Random], str], organisations: list[dict[str, Any]]
) -> list[Scenario]:
    """Reading a case and recording a complaint, each after its baseline, then the mix."""

    def intake(rng: random.Random) -> Request:
        received = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=5)
        n = rng.randrange(1_000_000)
        body = {
            "organisation": rng.choice(organisations)["slug"],
            "kind": "complaint",
            "channel": rng.choice(["phone", "email", "web_form"]),
            "received_at": received.isoformat(),
            "summary": "The repair never happened and nobody called me back",
            "details": "Recorded by putright bench api.",
            "customer": {"name": f"Bench Customer {n}", "email": f"bench.{n}@example.org"},
        }
        return Request("POST", "/api/v1/cases", json.dumps(body).encode(), 201, "intake")

    def bare_intake(rng: random.Random) -> Request:
        received = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=5)
        organisation = rng.choice(organisations)
        body = {
            "organisation_id": organisation["id"],
            "policy_pack": organisation["policy_pack"],
            "kind": "complaint",
            "channel": rng.choice(["phone", "email", "web_form"]),
            "received_at": received.isoformat(),
            "summary": "The repair never happened and nobody called me back",
            "details": "Recorded by putright bench api.",
        }
        return Request("POST", f"/{BARE_INTAKE_PATH}", json.dumps(body).encode(), 201, "intake")

    def read(rng: random.Random) -> Request:
        return Request("GET", f"/api/v1/cases/{references(rng)}", kind="read")

    def bare_read(rng: random.Random) -> Request:
        return Request("GET", f"/{BARE_READ_PATH}/{references(rng)}", kind="read")

    def listing(rng: random.Random) -> Request:
        query = rng.choice(LIST_QUERIES)
        if rng.random() < 0.5:  # one organisation's queue, or every one the reader sees
            query += f"&organisation={rng.choice(organisations)['slug']}"
        return Request("GET", f"/api/v1/cases?{query}", kind="list")

    makers = {"read": read, "list": listing, "intake": intake}
    kinds = [kind for kind, _share in MIX]
    weights = [share for _kind, share in MIX]

    def mixed(rng: random.Random) -> Request:
        return makers[rng.choices(kinds, weights)[0]](rng)

    return [
        Scenario("bare_read", "baseline: token, case and events by the ORM, JSON", bare_read),
        Scenario("read", "GET /api/v1/cases/{reference}", read, baseline="bare_read"),
        Scenario("bare_intake", "baseline: token, insert a case and an event", bare_intake),
        Scenario("intake", "POST /api/v1/cases", intake, baseline="bare_intake"),
        Scenario("mixed", "mixed: 60% read, 20% list, 20% intake", mixed),
    ]


def _machine_busy_ticks() -> int | None:
    """Clock ticks every CPU of the machine has spent busy since boot (Linux only)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            user, nice, system, _idle, _iowait, irq, softirq, steal = map(
                int, stat.readline().split()[1:9]
            )
    except (OSError, ValueError):
        return None
    return user + nice + system + irq + softirq + steal


def _process_ticks(pid: int) -> int | None:
    """Clock ticks a process has spent on CPU, all its threads together (Linux only)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime, stime


def _tree_ticks(pid: int) -> int | None:
    """Clock ticks a process and its children have spent on CPU (gunicorn's workers)."""
    own = _process_ticks(pid)
    if own is None:
        return None
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                parent = int(stat.read().rpartition(")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    total, waiting = own, list(children.get(pid, []))
    while waiting:
        child = waiting.pop()
        total += _process_ticks(child) or 0
        waiting.extend(children.get(child, []))
    return total


class CpuWatch:
    """The CPU the server, the clients and the rest of the machine used meanwhile."""

    def __init__(self, server_pids: tuple[int, ...]) -> None:
        self.server_pids = server_pids
        self.start = self._sample()
        self.began = time.perf_counter()

    def _sample(self) -> tuple[int, int, int] | None:
        busy = _machine_busy_ticks()
        servers = [_tree_ticks(pid) for pid in self.server_pids]
        clients = _process_ticks(os.getpid())
        if busy is None or None in servers or clients is None:
            return None
        server = sum(ticks or 0 for ticks in servers)
        return busy, server, clients

    def cores(self) -> tuple[float | None, float | None, float | None]:
        """Cores used on average by the server, the clients, and everything else."""
        end = self._sample()
        elapsed = time.perf_counter() - self.began
        if self.start is None or end is None or elapsed <= 0:
            return None, None, None
        busy, server, clients = (b - a for a, b in zip(self.start, end, strict=True))
        per_second = os.sysconf("SC_CLK_TCK") * elapsed
        other = max(busy - server - clients, 0)
        return server / per_second, clients / per_second, other / per_second


def drive(
    server: Server,
    scenario: Scenario,
    *,
    token: str,
    clients: int,
    seconds: float,
    warmup: float,
    progress: Progress | None = None,
    seed: int = 1,
    headers: dict[str, str] | None = None,
    pause: float = 0.0,
) -> Result:
    """``clients`` threads, each on its own keep-alive connection, for ``warmup`` + ``seconds``.

    Only the requests that start and finish inside the measured window count. ``headers`` are
    sent as well as the bearer token's (a session's cookie, say); with ``pause``, each client
    waits that many seconds on average (0.5 to 1.5 times) between its requests.
    """
    tell = progress or (lambda _what, _done, _total: None)
    host, _, port = server.base.removeprefix("http://").partition(":")
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
        **(headers or {}),
    }
    result = Result(scenario.name, scenario.label, clients, seconds)
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)
    clock = time.perf_counter
    window: list[float] = []  # [start, end] of the measured window, set once all are ready

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        latencies: list[float] = []
        by_kind: dict[str, list[float]] = {}
        errors = 0
        sample = ""
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        ready.wait()
        start, end = window
        try:
            while True:
                request = scenario.make(rng)
                began = clock()
                if began >= end:
                    break
                try:
                    connection.request(request.method, request.path, request.body, headers)
                    answer = connection.getresponse()
                    data = answer.read()
                    finished = clock()
                    if answer.will_close:
                        connection.close()
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    errors += began >= start
                    sample = sample or f"{type(error).__name__}: {error}"
                    continue
                if pause:
                    time.sleep(pause * rng.uniform(0.5, 1.5))
                if began < start or finished > end:
                    continue
                if answer.status == request.expect:
                    latencies.append(finished - began)
                    by_kind.setdefault(request.kind, []).append(finished - began)
                else:
                    errors += 1
                    sample = sample or f"{answer.status} {request.path}: {data[:300]!r}"
        finally:
            connection.close()
            with lock:
                result.latencies.extend(latencies)
                for kind, measured in by_kind.items():
                    result.by_kind.setdefault(kind, []).extend(measured)
                result.errors += errors
                result.error_sample = result.error_sample or sample

    threads = [
        threading.Thread(target=client, args=(n,), daemon=True, name=f"client-{n}")
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    now = clock()
    window.extend([now + warmup, now + warmup + seconds])
    ready.wait()
    watch = CpuWatch(server.pids)
    total = math.ceil(warmup + seconds)
    told = -1
    while any(t.is_alive() for t in threads):
        elapsed = min(int(clock() - now), total - 1)
        if elapsed != told:
            tell(f"{scenario.label} (seconds)", elapsed, total)
            told = elapsed
        time.sleep(0.2)
    for thread in threads:
        thread.join()
    tell(f"{scenario.label} (seconds)", total, total)
    result.server_cpu, result.client_cpu, result.other_cpu = watch.cores()
    return result


# -- the whole run -------------------------------------------------------------------------


def run_api_benchmark(
    *,
    cases: int,
    clients: int,
    seconds: float,
    warmup: float,
    threads: int,
    server: str = "waitress",
    workers: int = 1,
    postgres: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Build the database, serve it, drive each scenario; the figures and the targets.

    On a scratch SQLite file, or with ``postgres`` (a server's URL) on a scratch PostgreSQL
    database made there and dropped afterwards.
    """
    from putright.benchmarks.databases import postgres_database, run_child, sqlite_database

    tell = progress or (lambda _what, _done, _total: None)
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="putright-bench-")))
        if postgres:
            url = stack.enter_context(postgres_database(postgres))
        else:
            url = stack.enter_context(sqlite_database())
        tell("migrating and loading the scratch database", 0, 1)
        loaded = run_child(url, ["api", "--cases", str(cases)])
        tell("migrating and loading the scratch database", 1, 1)
        token = loaded.pop("token")
        clones = loaded["clones"]
        if clones < 1:
            raise RuntimeError("no cases were cloned: ask for more --cases than the demo has")

        def reference(rng: random.Random) -> str:
            return bulk_reference(rng.randrange(clones))

        results: dict[str, Result] = {}
        with serving(url, folder, threads=threads, server=server, workers=workers) as running:
            for scenario in scenarios(
                references=reference, organisations=loaded["intake_organisations"]
            ):
                results[scenario.name] = drive(
                    running,
                    scenario,
                    token=token,
                    clients=clients,
                    seconds=seconds,
                    warmup=warmup,
                    progress=tell,
                )
        server_errors = [
            line
            for line in _tail(folder / "server.log", 200).splitlines()
            if " ERROR " in line or "[ERROR]" in line
        ]
    figures = {name: r.as_dict() for name, r in results.items()}
    targets: dict[str, dict[str, Any]] = {}
    for scenario in scenarios(references=lambda _rng: "", organisations=[{}]):
        if not scenario.baseline:
            continue
        name, baseline = scenario.name, results[scenario.baseline].rps
        ratio = results[name].rps / baseline if baseline else 0.0
        figures[name]["ratio_to_baseline"] = round(ratio, 3)
        p95 = results[name].percentile_ms(95)
        targets[name] = {
            "baseline_rps": round(baseline, 1),
            "ratio_to_baseline": round(ratio, 3),
            "ratio_met": ratio >= TARGET_RATIO,
            "p95_ms": _ms(p95),
            "p95_met": p95 < TARGET_P95_MS,  # False when nothing was measured (NaN)
            "no_errors": results[name].errors == 0,
        }
    for kind, _share in MIX:
        p95 = results["mixed"].percentile_ms(95, kind)
        targets[f"mixed {kind}"] = {
            "p95_ms": _ms(p95),
            "p95_met": p95 < TARGET_P95_MS,
            "no_errors": results["mixed"].errors == 0,
        }
    return {
        "database": "PostgreSQL" if postgres else "SQLite",
        "cases": loaded["cases"],
        "events": loaded["events"],
        "load_seconds": round(loaded["load_seconds"], 1),
        "clients": clients,
        "server": server,
        "server_workers": workers if server == "gunicorn" else 1,
        "server_threads": threads,
        "seconds_per_scenario": seconds,
        "warmup_seconds": warmup,
        "target_ratio": TARGET_RATIO,
        "target_p95_ms": TARGET_P95_MS,
        "results": figures,
        "targets": targets,
        "met": all(all(t.values()) for t in targets.values())
        and not any(results[name].errors for name in ("bare_read", "bare_intake")),
        "server_errors": server_errors[:10],
    }
