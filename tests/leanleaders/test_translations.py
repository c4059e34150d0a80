"""The translation catalogues (locale/<language>/LC_MESSAGES/django.po, and djangojs.po for our
JavaScript) cannot drift.

- Running `makemessages -a` (and `-d djangojs -a`) on a copy of the project changes no catalogue
  (apart from its POT-Creation-Date): every marked string is in every catalogue, and none is
  left that the code no longer has.
- Every catalogue translates everything, with nothing fuzzy, and compiles (`msgfmt --check`).
- Every language offered has a catalogue, and it is compiled (so the switcher accepts it).
- Django's own strings in the languages Django ships none for (locale_django/): each entry is
  a string Django has (a Django upgrade that rewords one shows here), and none is one of ours
  (ours would win, and the entry would never be read).
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.utils.translation import check_for_language, to_locale

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
DOMAINS = ("django", "djangojs")
DJANGOS_STRINGS = sorted((ROOT / "locale_django").glob("*/LC_MESSAGES/django.po"))
# Every string of Django and its contrib apps, as Django's English catalogues list them.
DJANGO_ENGLISH = sorted(Path(django.__file__).parent.glob("**/locale/en/LC_MESSAGES/django.po"))


def _copy_sources(destination: Path) -> None:
    """The project's files as git sees them (tracked, and new ones not ignored) copied to
    `destination`: what makemessages reads, without the virtualenvs, caches and the files other
    tests write and delete meanwhile (copying the whole tree once met one as it vanished)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet committed is listed too
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


needs_gettext = pytest.mark.skipif(
    shutil.which("msgmerge") is None and os.environ.get("CI") != "true",
    reason="needs GNU gettext (apt-get install gettext); CI always has it",
)


def _without_creation_date(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith('"POT-Creation-Date:')]


@needs_gettext
def test_makemessages_would_change_no_catalogue(tmp_path):
    copy = tmp_path / "project"
    _copy_sources(copy)
    environment = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "leanleaders.settings",
    }
    for domain in DOMAINS:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-d", domain, "-a", "--verbosity=0"],
            cwd=copy,
            env=environment,
            check=True,
            timeout=300,
        )
    changed = []
    for catalogue in CATALOGUES:
        before = _without_creation_date(catalogue.read_text())
        after = _without_creation_date((copy / catalogue.relative_to(ROOT)).read_text())
        if before != after:
            diff = difflib.unified_diff(before, after, str(catalogue), "after makemessages")
            changed.append("\n".join(list(diff)[:60]))
    assert changed == [], (
        "the catalogues are out of date: run `make messages`, translate what is new or "
        "fuzzy (docs/translation.md) and commit locale/\n" + "\n\n".join(changed)
    )


def _name(catalogue: Path) -> str:
    return str(catalogue.relative_to(ROOT).parent.parent / catalogue.stem)


@needs_gettext
@pytest.mark.parametrize("catalogue", CATALOGUES + DJANGOS_STRINGS, ids=_name)
def test_catalogue_translates_everything_and_compiles(catalogue, tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), catalogue],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages\.", statistics), statistics


def test_every_language_offered_has_a_compiled_catalogue():
    offered = {to_locale(code) for code, _ in settings.LANGUAGES} - {"en"}
    for domain in DOMAINS:
        assert offered == {path.parts[-3] for path in CATALOGUES if path.stem == domain}
    for code, _ in settings.LANGUAGES:
        assert check_for_language(code), f"{code} is not compiled: run make install"


def _msgids(po_text: str) -> list[str]:
    """The msgids, with their msgctxt, of a catalogue gettext wrote with --no-wrap (one line
    each), the header's left out."""
    starts = ("msgctxt ", "msgid ", "#~ msgctxt ", "#~ msgid ")
    return [line for line in po_text.splitlines() if line.startswith(starts)][1:]


@needs_gettext
@pytest.mark.parametrize("catalogue", DJANGOS_STRINGS, ids=_name)
def test_djangos_strings_are_djangos_and_none_of_ours(catalogue, tmp_path):
    djangos = tmp_path / "django.pot"
    subprocess.run(["msgcat", "--use-first", "-o", djangos, *DJANGO_ENGLISH], check=True)
    merged = subprocess.run(
        ["msgmerge", "--no-fuzzy-matching", "--no-wrap", "--quiet", "-o", "-", catalogue, djangos],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # What msgmerge keeps only as obsolete (#~) is no msgctxt and msgid of Django's.
    not_djangos = [line for line in _msgids(merged) if line.startswith("#~")]
    assert not_djangos == [], f"{catalogue}: not Django's strings (any more?): {not_djangos}"

    ours = LOCALE / catalogue.parts[-3] / "LC_MESSAGES" / catalogue.name
    common = subprocess.run(
        ["msgcomm", "--more-than=1", "--no-wrap", "-o", "-", ours, catalogue],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert _msgids(common) == [], f"{catalogue}: strings {ours} translates already"
