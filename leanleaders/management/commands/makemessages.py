"""Django's makemessages with this project's defaults, so every run (a translator's, and the
check in tests/leanleaders/test_translations.py) writes the same catalogues.

- Locations name the file without its line number: a template gaining a line elsewhere does
  not rewrite every catalogue, yet a translator still sees where a string is used.
- What is not the app is never scanned: tests, the benchmark, deploy files, collected static
  files, vendored libraries, uploads and screenshots.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.core.management.commands import makemessages

NOT_THE_APP = [
    "tests/*",
    "bench/*",
    "deploy/*",
    "docs/*",
    "staticfiles/*",
    "static/vendor/*",
    "var/*",
    "test-artifacts/*",
    "node_modules/*",
]


class Command(makemessages.Command):
    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(add_location="file")

    def handle(self, *args: Any, **options: Any) -> None:
        options["ignore_patterns"] = [*options["ignore_patterns"], *NOT_THE_APP]
        super().handle(*args, **options)
