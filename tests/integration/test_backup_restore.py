"""A pg_dump of the database restores into a fresh database with the same rows."""

from __future__ import annotations

import shutil
import subprocess
import uuid

import psycopg2
import pytest
from django.db import connection

from tests.applications.factories import ApplicationFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump"),
]

TABLES = [
    "applications_application",
    "projects_project",
    "projects_measurement",
]


def _dsn(name: str) -> str:
    s = connection.settings_dict
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgresql://{s['USER'] or 'postgres'}@{host}:{port}/{name}"


def _snapshot(dsn: str) -> dict[str, list]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cursor:
        result = {}
        for table in TABLES:
            cursor.execute(f"SELECT to_regclass('{table}')")
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608
            result[table] = cursor.fetchall()
    return result


def test_dump_restores_into_a_fresh_database(tmp_path, trainee, manager):
    for n in range(5):
        ApplicationFactory(
            trainee=trainee, manager=manager, title=f"Problem {n}", program_year=2000 + n
        )
    source = connection.settings_dict["NAME"]
    target = f"restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "backup.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", _dsn(source)], check=True
    )
    subprocess.run(
        [
            "createdb",
            "-h",
            connection.settings_dict["HOST"] or "127.0.0.1",
            "-U",
            connection.settings_dict["USER"] or "postgres",
            target,
        ],
        check=True,
    )
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={_dsn(target)}", str(dump)], check=True
        )
        original, restored = _snapshot(_dsn(source)), _snapshot(_dsn(target))
        assert len(original["applications_application"]) == 5
        assert restored == original
    finally:
        subprocess.run(
            [
                "dropdb",
                "-h",
                connection.settings_dict["HOST"] or "127.0.0.1",
                "-U",
                connection.settings_dict["USER"] or "postgres",
                target,
            ],
            check=False,
        )
