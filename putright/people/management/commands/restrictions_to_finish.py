"""``putright restrictions_to_finish``: the restrictions carried over from free text that still
need their kind of behaviour and measures, with where to finish each."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.urls import reverse

from putright.people.restrictions import to_finish


class Command(BaseCommand):
    help = "List the restrictions recorded before as free text, still to finish."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organisation", help="only this organisation (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        found = [
            r
            for r in to_finish()
            if not options["organisation"] or r.person.organisation.slug == options["organisation"]
        ]
        if not found:
            self.stdout.write("No restriction is waiting to be finished.")
            return
        for restriction in found:
            url = reverse("staff:restriction-finish", args=[restriction.person_id, restriction.pk])
            self.stdout.write(
                f"{restriction.person.organisation.slug}\tperson {restriction.person_id}\t"
                f"{restriction.get_level_display()} from {restriction.starts_on:%d %b %Y}\t{url}"
            )
        self.stdout.write(f"{len(found)} to finish.")
