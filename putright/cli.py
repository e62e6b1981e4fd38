"""The ``putright`` command: the project's ``manage.py``, with our own subcommands."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a Django management command (``putright migrate``, ``putright serve`` ...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["putright", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as error:
        # A setting read from the environment is wrong: say which and why, not a traceback.
        sys.stderr.write(f"putright: the configuration is not usable: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
