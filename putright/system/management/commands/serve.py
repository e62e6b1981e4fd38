"""``putright serve``: the web app and an in-process worker, for one machine."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser

from putright.console import PutRightCommand
from putright.system.scheduler import start_in_background


class Command(PutRightCommand):
    help = (
        "Serve PutRight with waitress and run the background worker and the periodic "
        "scheduler in the same process. In production run gunicorn and `putright worker` instead."
    )
    example = "putright serve --host 127.0.0.1 --port 8000"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument("--threads", type=int, default=8, help="request threads")
        parser.add_argument(
            "--no-worker", action="store_true", help="serve only; run `putright worker` apart"
        )

    def handle(self, *args: Any, host: str, port: int, threads: int, **options: Any) -> None:
        import waitress

        # Gathered before the app is built: WhiteNoise lists the static files once, when it
        # starts, and serves only those it found (unless Django's debug pages are on).
        call_command("collectstatic", interactive=False, verbosity=0)
        from config.wsgi import application

        if not options["no_worker"]:
            start_in_background()
            self.stdout.write("Background worker and scheduler running in this process.")
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Serving PutRight on http://{shown}:{port}/ (Ctrl+C to stop)")
        waitress.serve(application, host=host, port=port, threads=threads, _quiet=True)
