"""The embedded default (an SQLite file) serves a small office: simultaneous placements wait
their turn instead of failing with "database is locked"."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _python(database: Path, *args: str, timeout: int) -> subprocess.CompletedProcess[str]:
    """Python in a process of its own, with the settings on the SQLite file `database`."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "leanleaders.test_settings",
        },
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """An SQLite file with every migration applied, which each test copies: migrating a file
    takes most of a run (each migration waits for the disk) and is not what is tested."""
    database = tmp_path_factory.mktemp("sqlite") / "migrated.sqlite3"
    run = _python(database, "manage.py", "migrate", "--skip-checks", "--verbosity=0", timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    return database


@pytest.mark.parametrize("people", [2, 8])
def test_simultaneous_placements_into_the_last_seat_on_sqlite_all_succeed(
    tmp_path, migrated, people
):
    database = tmp_path / "office.sqlite3"
    shutil.copyfile(migrated, database)
    run = _python(
        database, "-m", "tests.support.sqlite_placements", str(database), str(people), timeout=120
    )
    assert run.returncode == 0, run.stderr[-3000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome == {"errors": [], "enrolled": 1, "waitlisted": people - 1}


def test_the_sqlite_file_is_in_wal_mode_with_a_busy_timeout(tmp_path):
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    print(cursor.execute('PRAGMA journal_mode').fetchone()[0],"
        " cursor.execute('PRAGMA busy_timeout').fetchone()[0])\n"
        "print(connection.transaction_mode)\n"
    )
    run = _python(tmp_path / "office.sqlite3", "-c", script, timeout=60)
    assert run.returncode == 0, run.stderr[-3000:]
    journal_and_timeout, mode = run.stdout.split("\n")[:2]
    assert journal_and_timeout == "wal 20000"
    assert mode == "IMMEDIATE"
