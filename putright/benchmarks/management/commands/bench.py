"""``putright bench calendar|lifecycle|api|pages|reports``: measure PutRight against a bare baseline, side by side."""

from __future__ import annotations

import argparse
import json
import os
import platform
from typing import Any

from django.core.management.base import CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from putright.benchmarks.databases import DEFAULT_POSTGRES
from putright.console import PutRightCommand


def _differences(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The searches whose answers differ between the databases measured."""
    if len(results) < 2:
        return []
    first = results[0].get("answers", {})
    different = []
    for text, listed in first.items():
        others = [r.get("answers", {}).get(text) for r in results[1:]]
        if any(other != listed for other in others):
            different.append({"text": text, "listed": [listed, *others]})
    return different


def describe_machine() -> str:
    """CPU model, cores and Python version, for the record beside the figures."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()}, Python {platform.python_version()}"


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


class Command(PutRightCommand):
    help = (
        "Run a benchmark and print PutRight's figures beside a bare baseline measured in the "
        "same run, with the ratio and the target. Record results in docs/benchmarks.md."
    )
    example = (
        "putright bench calendar\n"
        "putright bench calendar --bulk-size 1000000 --json\n"
        "putright bench lifecycle --skip-postgres\n"
        "putright bench api\n"
        "putright bench api --cases 10000 --seconds 5 --json"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_subparsers(
            dest="benchmark", required=True, metavar="calendar|lifecycle|api|pages|reports"
        )
        calendar = which.add_parser("calendar", help="working-day arithmetic against numpy")
        calendar.add_argument("--scalar-size", type=int, default=100_000)
        calendar.add_argument("--bulk-size", type=int, default=1_000_000)
        calendar.add_argument("--repeats", type=int, default=5)
        calendar.add_argument("--json", action="store_true")
        lifecycle = which.add_parser(
            "lifecycle", help="intake and the deadline sweep, on SQLite and PostgreSQL"
        )
        lifecycle.add_argument("--cases", type=int, default=100_000, help="open cases to sweep")
        lifecycle.add_argument("--intake", type=int, default=2_000, help="cases to record")
        lifecycle.add_argument(
            "--postgres",
            default=os.environ.get("PUTRIGHT_BENCH_POSTGRES", DEFAULT_POSTGRES),
            help="PostgreSQL server to create a scratch database on",
        )
        lifecycle.add_argument("--skip-postgres", action="store_true")
        lifecycle.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
        lifecycle.add_argument("--json", action="store_true")
        api = which.add_parser(
            "api",
            help="the JSON API under load, each scenario beside a comparable baseline",
            description=(
                "Serve a scratch database holding --cases cases with `putright serve` (or\n"
                "gunicorn and `putright worker`) and drive it with --clients concurrent\n"
                "keep-alive clients for --seconds per scenario: reading a case and recording a\n"
                "complaint, each after a baseline doing comparable work with the plain ORM in\n"
                "the same server (authenticate the same token; read the case and its events,\n"
                "or insert a case and one event), then a mixed load (60% reads, 20% queue\n"
                "lists, 20% intake). Prints requests per second, latency percentiles (per kind\n"
                "under the mixed load) and the targets."
            ),
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog=(
                "example:\n  putright bench api\n"
                "  putright bench api --cases 10000 --seconds 5 --clients 20 --json\n"
                "  putright bench api --server gunicorn --workers 2\n"
                "  putright bench api --postgres postgres://postgres@127.0.0.1:5432/postgres"
            ),
        )
        api.add_argument("--cases", type=int, default=100_000, help="cases in the database")
        api.add_argument("--clients", type=int, default=20, help="concurrent clients")
        api.add_argument(
            "--seconds", type=float, default=20.0, help="measured seconds per scenario"
        )
        api.add_argument(
            "--warmup", type=float, default=3.0, help="unmeasured seconds before each scenario"
        )
        api.add_argument(
            "--threads",
            type=int,
            default=None,
            help=(
                "request threads: default 8 with waitress (as `putright serve`), 1 per process "
                "with gunicorn (as the README deploys it: one request at a time per process)"
            ),
        )
        api.add_argument(
            "--server",
            choices=("waitress", "gunicorn"),
            default="waitress",
            help="waitress: `putright serve`, one process; gunicorn: as the README deploys it",
        )
        api.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="gunicorn's worker processes (default: one per CPU)",
        )
        api.add_argument(
            "--postgres",
            metavar="URL",
            default=None,
            help="measure on a scratch database on this PostgreSQL server (default: SQLite)",
        )
        api.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
        api.add_argument("--json", action="store_true")
        pages = which.add_parser("pages", help="server time of the queue and case pages")
        pages.add_argument("--cases", type=int, default=100_000, help="cases in the database")
        pages.add_argument("--requests", type=int, default=40, help="requests per page")
        pages.add_argument(
            "--database",
            metavar="URL",
            action="append",
            default=None,
            help=(
                "measure on this database, already seeded with `putright seed` (e.g. "
                "postgres://postgres@127.0.0.1:5432/putright_big): search, the queue, a case, "
                "My work and the API's list, at one client and at --clients at once; given "
                "twice (e.g. a SQLite file and a PostgreSQL database seeded alike), each is "
                "measured and their search results compared"
            ),
        )
        pages.add_argument(
            "--clients", type=int, default=20, help="clients at once, with --database"
        )
        pages.add_argument(
            "--pause",
            type=float,
            default=0.0,
            help=(
                "seconds each of the --clients waits between its requests, on average (a "
                "person reading the page; default none: every client asks again at once)"
            ),
        )
        pages.add_argument(
            "--workers",
            type=int,
            default=4,
            help=(
                "gunicorn's processes serving the --clients (default 4, as the README deploys "
                "it: PUTRIGHT_WEB_WORKERS)"
            ),
        )
        pages.add_argument(
            "--seconds",
            type=float,
            default=30.0,
            help="seconds the --clients ask for pages (after a warm-up)",
        )
        pages.add_argument("--seeded", action="store_true", help=argparse.SUPPRESS)
        pages.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
        pages.add_argument("--json", action="store_true")
        reports = which.add_parser(
            "reports",
            help="CH01/CH02 and the quarterly performance report against bare SQL, on PostgreSQL",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog=(
                "Seeds a scratch PostgreSQL database with `putright seed` (or uses --database),\n"
                "then times each report beside one hand-written SQL aggregate over the same data.\n"
                "example:\n  putright bench reports --organisations 12 --homes 600000 --years 10\n"
                "  putright bench reports --database postgres://postgres@127.0.0.1:5432/sector"
            ),
        )
        reports.add_argument("--organisations", type=int, default=12)
        reports.add_argument("--homes", type=int, default=600_000, help="homes across the sector")
        reports.add_argument("--years", type=int, default=10)
        reports.add_argument("--seed", type=int, default=1)
        reports.add_argument("--repeats", type=int, default=5)
        reports.add_argument(
            "--postgres",
            default=os.environ.get(
                "PUTRIGHT_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"
            ),
            help="server to create the scratch database on",
        )
        reports.add_argument(
            "--database", help="an already seeded database to measure (kept, not dropped)"
        )
        reports.add_argument("--keep", action="store_true", help="keep the scratch database")
        reports.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
        reports.add_argument("--json", action="store_true")

    def handle(self, *args: Any, benchmark: str, **options: Any) -> None:
        if benchmark == "reports":
            self.reports(**options)
            return
        if benchmark == "lifecycle":
            self.lifecycle(**options)
            return
        if benchmark == "api":
            self.api(**options)
            return
        if benchmark == "pages":
            self.pages(**options)
            return
        from putright.benchmarks.calendar import run_calendar_benchmark

        for name in ("scalar_size", "bulk_size", "repeats"):
            if options[name] < 1:
                raise self.fail(f"--{name.replace('_', '-')} must be at least 1")
        results = run_calendar_benchmark(
            scalar_size=options["scalar_size"],
            bulk_size=options["bulk_size"],
            repeats=options["repeats"],
        )
        machine = describe_machine()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"machine": machine, "results": [r.as_dict() for r in results]}, indent=2
                )
            )
            return
        table = Table("operation", "size", "PutRight", "numpy", "ratio", "target", "met", box=None)
        for r in results:
            table.add_row(
                r.name,
                f"{r.size:,}",
                f"{r.ours_seconds * 1000:.1f} ms",
                f"{r.baseline_seconds * 1000:.1f} ms",
                f"{r.ratio:.2f}x",
                f"<= {r.target:g}x",
                "yes" if r.met else "NO",
            )
        console = Console(file=self.stdout, width=120, highlight=False)  # type: ignore[arg-type]
        console.print(f"Calendar benchmark on {machine}")
        console.print(table)

    def pages(self, **options: Any) -> None:
        """Staff pages' server time on a fresh SQLite database, in a child process."""
        from putright.benchmarks.databases import run_child, sqlite_database

        for name in ("cases", "requests"):
            if options[name] < 1:
                raise self.fail(f"--{name} must be at least 1")
        if options["clients"] < 1:
            raise self.fail("--clients must be at least 1")
        if options["workers"] < 1:
            raise self.fail("--workers must be at least 1")
        if options["seconds"] <= 0:
            raise self.fail("--seconds must be more than 0")
        if not 0 <= options["pause"] <= 60:
            raise self.fail("--pause must be between 0 and 60 seconds")
        if options["here"] and options["seeded"]:
            from putright.benchmarks import seeded_pages

            result = seeded_pages.measure(
                requests=options["requests"],
                clients=options["clients"],
                pause=options["pause"],
                workers=options["workers"],
                seconds=options["seconds"],
                progress=self.progress,
            )
            self.stdout.write(json.dumps(result))
            return
        if options["here"]:
            from putright.benchmarks.pages import measure

            result = measure(
                cases=options["cases"], requests=options["requests"], progress=self.progress
            )
            self.stdout.write(json.dumps(result))
            return
        if options["database"]:
            args = ["pages", "--seeded", "--requests", str(options["requests"])]
            results = [
                run_child(
                    url,
                    [
                        *args,
                        *("--clients", str(options["clients"]), "--pause", str(options["pause"])),
                        *("--workers", str(options["workers"])),
                        *("--seconds", str(options["seconds"])),
                    ],
                )
                for url in options["database"]
            ]
        else:
            with sqlite_database() as url:
                args = ["pages", "--cases", str(options["cases"])]
                results = [run_child(url, [*args, "--requests", str(options["requests"])])]
        machine = describe_machine()
        differences = _differences(results)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"machine": machine, "results": results, "different_answers": differences},
                    indent=2,
                )
            )
            return
        for result in results:
            self.print_pages(machine, result)
        if len(results) > 1:
            compared = len(results[0].get("answers", {}))
            if differences:
                first = differences[0]
                raise self.fail(
                    f"Search results differ between the databases for {len(differences)} of "
                    f"{compared} searches, e.g. {first['text']!r}: {first['listed']}"
                )
            self.stdout.write(
                f"Search results: the same on every database for all {compared} searches "
                "(the first 50 references of each, in the queue's order)."
            )

    def print_pages(self, machine: str, result: dict[str, Any]) -> None:
        table = Table("page", "p50", "p95", "max", "target", "met", box=None)
        for name, row in result["pages"].items():
            table.add_row(
                name,
                f"{row['p50_ms']} ms",
                f"{row['p95_ms']} ms",
                f"{row['max_ms']} ms",
                f"< {row['target_ms']:g} ms",
                "yes" if row["met"] else "NO",
            )
        console = Console(file=self.stdout, width=120, highlight=False)  # type: ignore[arg-type]
        database = result.get("database", "sqlite")
        console.print(
            f"Staff pages, server time, {result['cases']:,} cases on {database}, on {machine}"
        )
        console.print(table)
        many = result.get("many_clients")
        if many:
            paused = many.get("pause_seconds") or 0
            waits = f", each pausing {paused:g} s on average" if paused else ""
            console.print(
                f"{many['clients']} clients at once{waits}, a page at random each time, "
                f"{many['server']}: {many['requests']:,} "
                f"requests, {many['requests_per_second']} a second, p50 {many['p50_ms']} ms, "
                f"p95 {many['p95_ms']} ms (target < {many['target_ms']:g} ms: "
                f"{'met' if many['met'] else 'MISSED'}); cores used: gunicorn "
                f"{many['server_cpu_cores']}, database and the rest {many['other_cpu_cores']}, "
                f"clients {many['client_cpu_cores']}"
            )
            loaded = Table("page, under that load", "requests", "p50", "p95", box=None)
            for name, row in many["pages"].items():
                loaded.add_row(
                    name, str(row["requests"]), f"{row['p50_ms']} ms", f"{row['p95_ms']} ms"
                )
            console.print(loaded)

    def lifecycle(self, **options: Any) -> None:
        from putright.benchmarks.databases import postgres_database, run_child, sqlite_database

        for name in ("cases", "intake"):
            if options[name] < 1:
                raise self.fail(f"--{name} must be at least 1")
        if options["here"]:
            from putright.benchmarks.lifecycle import measure

            result = measure(
                cases=options["cases"], intake=options["intake"], progress=self.progress
            )
            self.stdout.write(json.dumps(result))
            return
        child_args = [
            "lifecycle",
            "--cases",
            str(options["cases"]),
            "--intake",
            str(options["intake"]),
        ]
        results: dict[str, Any] = {}
        with sqlite_database() as url:
            results["SQLite"] = run_child(url, child_args)
        if not options["skip_postgres"]:
            try:
                with postgres_database(options["postgres"]) as url:
                    results["PostgreSQL"] = run_child(url, child_args)
            except Exception as error:  # report, do not hide: the figures say it was skipped
                results["PostgreSQL"] = {"skipped": f"{type(error).__name__}: {error}".strip()}
        machine = describe_machine()
        if options["json"]:
            self.stdout.write(json.dumps({"machine": machine, "results": results}, indent=2))
            return
        self.print_lifecycle(machine, results)

    def api(self, **options: Any) -> None:
        if options["threads"] is None:
            options["threads"] = 8 if options["server"] == "waitress" else 1
        for name in ("cases", "clients", "threads", "workers"):
            if options[name] < 1:
                raise self.fail(f"--{name} must be at least 1")
        if options["seconds"] <= 0 or options["warmup"] < 0:
            raise self.fail("--seconds must be positive and --warmup not negative")
        if options["here"]:
            from putright.benchmarks.api import load

            self.stdout.write(json.dumps(load(cases=options["cases"], progress=self.progress)))
            return
        from putright.benchmarks.api import run_api_benchmark

        try:
            result = run_api_benchmark(
                cases=options["cases"],
                clients=options["clients"],
                seconds=options["seconds"],
                warmup=options["warmup"],
                threads=options["threads"],
                server=options["server"],
                workers=options["workers"],
                postgres=options["postgres"],
                progress=self.progress,
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        result = {"machine": describe_machine(), **result}
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self.print_api(result)

    def print_api(self, result: dict[str, Any]) -> None:
        table = Table(
            "scenario",
            "requests",
            "req/s",
            "p50",
            "p95",
            "p99",
            "errors",
            "vs baseline",
            "server CPU",
            "client CPU",
            "other CPU",
            box=None,
        )

        def ms(value: float | None) -> str:
            return "-" if value is None else f"{value:.1f} ms"

        for name, r in result["results"].items():
            table.add_row(
                f"{name}: {r['label']}",
                f"{r['requests']:,}",
                f"{r['rps']:,.1f}",
                *(ms(r[key]) for key in ("p50_ms", "p95_ms", "p99_ms")),
                f"{r['errors']:,}",
                f"{r['ratio_to_baseline']:.1%}" if "ratio_to_baseline" in r else "",
                *(
                    "?" if r[key] is None else f"{r[key]:.2f} cores"
                    for key in ("server_cpu_cores", "client_cpu_cores", "other_cpu_cores")
                ),
            )
            if name == "mixed":
                for kind, k in r["kinds"].items():
                    table.add_row(
                        f"  mixed, {kind}",
                        f"{k['requests']:,}",
                        f"{k['rps']:,.1f}",
                        *(ms(k[key]) for key in ("p50_ms", "p95_ms", "p99_ms")),
                    )
        console = Console(file=self.stdout, width=160, highlight=False)  # type: ignore[arg-type]
        console.print(f"API benchmark on {result['machine']}")
        console.print(
            f"{result['database']}, {result['cases']:,} cases ({result['events']:,} events), "
            f"{result['clients']} clients, {result['server']} with "
            f"{result['server_workers']} process(es) x {result['server_threads']} threads "
            "and the worker running, "
            f"{result['seconds_per_scenario']:g} s per scenario after "
            f"{result['warmup_seconds']:g} s of warm-up (CPU in cores; other: what the "
            "machine spent on anything but the server, its worker and the clients)"
        )
        console.print(table)
        for name, target in result["targets"].items():
            line = f"{name}: "
            if "ratio_to_baseline" in target:
                line += (
                    f"{target['ratio_to_baseline']:.1%} of its baseline "
                    f"({target['baseline_rps']:,.1f} req/s), target at least "
                    f"{result['target_ratio']:.0%}: {_verdict(target['ratio_met'])}; "
                )
            p95 = "-" if target["p95_ms"] is None else f"{target['p95_ms']:.1f}"
            line += (
                f"p95 {p95} ms, target under {result['target_p95_ms']:g} ms: "
                f"{_verdict(target['p95_met'])}"
            )
            console.print(line + ("" if target["no_errors"] else "; with errors"))
        for name, r in result["results"].items():
            if r["error_sample"]:
                console.print(f"{name}, first error: {r['error_sample']}")
        for line in result["server_errors"]:
            console.print(f"server: {line}")

    def progress(self, what: str, done: int, total: int) -> None:
        self.stderr.write(f"\r{what}: {done:,}/{total:,}", ending="")
        if done >= total:
            self.stderr.write("")

    def print_lifecycle(self, machine: str, results: dict[str, Any]) -> None:
        table = Table("measure", *results, "target", box=None)

        def row(label: str, render: Any, target: str = "") -> None:
            cells = []
            for result in results.values():
                cells.append("skipped" if "skipped" in result else render(result))
            table.add_row(label, *cells, target)

        row("intake through services", lambda r: f"{r['intake_services_per_second']:,.0f} cases/s")
        row(
            "bare bulk_create, same rows",
            lambda r: f"{r['intake_bulk_create_per_second']:,.0f} cases/s",
        )
        row("intake / bulk_create", lambda r: f"{r['intake_ratio']:.1%}", ">= 10%")
        row("open cases", lambda r: f"{r['open_cases']:,}")
        row("due today (bare query finds)", lambda r: f"{r['due_today']:,}")
        row("bare SQL query for those due", lambda r: f"{r['bare_query_seconds'] * 1000:.1f} ms")
        row(
            "sweep, a later tick of the day",
            lambda r: (
                f"{r['sweep_tick_seconds'] * 1000:.1f} ms "
                f"({r['sweep_tick_seconds'] / r['bare_query_seconds']:.2f}x)"
            ),
            "<= 3x",
        )
        row(
            "sweep, first tick of a new day",
            lambda r: (
                f"{r['sweep_new_day_seconds'] * 1000:,.0f} ms, "
                f"{r['sweep_new_day_actions']:,} actions "
                f"({r['sweep_new_day_seconds'] / max(r['sweep_new_day_actions'], 1) * 1000:.2f} ms each)"
            ),
        )
        console = Console(file=self.stdout, width=160, highlight=False)  # type: ignore[arg-type]
        console.print(f"Lifecycle benchmark on {machine}")
        console.print(table)
        for name, result in results.items():
            if "skipped" in result:
                console.print(f"{name} skipped: {result['skipped']}")

    def reports(self, **options: Any) -> None:
        from putright.benchmarks.reports import run_bench

        for name in ("organisations", "homes", "years", "repeats"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1")
        result = run_bench(
            organisations=options["organisations"],
            homes=options["homes"],
            years=options["years"],
            seed=options["seed"],
            repeats=options["repeats"],
            postgres=options["postgres"],
            database=options["database"],
            keep=options["keep"],
            here=options["here"],
            progress=self.progress,
        )
        if options["json"] or options["here"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        from putright.benchmarks.reports import print_result

        print_result(result, Console(file=self.stdout, width=160, highlight=False))  # type: ignore[arg-type]
