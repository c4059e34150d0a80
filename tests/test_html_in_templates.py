"""HTML is written by templates: no app module builds markup in Python."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("leanleaders", "applications", "cohorts", "projects", "coaching", "reporting")
MARKUP = re.compile(r"format_html|mark_safe|SafeString\(|[\"']<(?:[a-z]+[ >]|/[a-z]+>)")


def test_no_app_module_writes_html():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if MARKUP.search(line)
    ]
    assert offenders == []


def test_templates_read_a_choice_label_through_choice_label():
    # get_FOO_display rebuilds a dictionary of every choice of the field on each call: on a list
    # that is each row's cost (see leanleaders_tags.choice_label).
    display = re.compile(r"\.get_\w+_display")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*"))
        if path.is_file()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if display.search(line)
    ]
    assert offenders == []
