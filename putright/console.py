"""What every ``putright`` subcommand shares: an example in ``--help``, clean failures."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

#: Exit status for bad input (an unknown pack, a bad date, an invalid file).
USAGE_ERROR = 2


class PutRightCommand(BaseCommand):
    """A management command whose ``--help`` ends with a worked example."""

    example: str = ""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        if self.example:
            parser.epilog = "example:\n  " + self.example.strip().replace("\n", "\n  ")
        return parser

    def fail(self, message: str) -> CommandError:
        """A one-line error for the operator, exit status 2."""
        return CommandError(message, returncode=USAGE_ERROR)
