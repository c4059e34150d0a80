"""The embedded default (an SQLite file) serves a small office: simultaneous placements wait
their turn instead of failing with "database is locked"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("people", [2, 8])
def test_simultaneous_placements_into_the_last_seat_on_sqlite_all_succeed(tmp_path, people):
    database = tmp_path / "office.sqlite3"
    run = subprocess.run(
        [sys.executable, "-m", "tests.support.sqlite_placements", str(database), str(people)],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "leanleaders.test_settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome == {"errors": [], "enrolled": 1, "waitlisted": people - 1}


def test_the_sqlite_file_is_in_wal_mode_with_a_busy_timeout(tmp_path):
    database = tmp_path / "office.sqlite3"
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    print(cursor.execute('PRAGMA journal_mode').fetchone()[0],"
        " cursor.execute('PRAGMA busy_timeout').fetchone()[0])\n"
        "print(connection.transaction_mode)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "leanleaders.test_settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    journal_and_timeout, mode = run.stdout.split("\n")[:2]
    assert journal_and_timeout == "wal 20000"
    assert mode == "IMMEDIATE"
