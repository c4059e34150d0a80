"""Probes for the load balancer: `/healthz` (this process answers) and `/readyz` (it can serve).

No authentication, no data, never cached. `/readyz` asks the database one query and the broker
one PING (half a second at most), so it is cheap to poll every few seconds.
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from leanleaders import broker

# Once this process has seen every migration applied it stays so: its code cannot change under
# it, and reading the migration files on every probe would cost more than the rest together.
_migrations_applied = False


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return f"unreachable: {type(error).__name__}"
    return "ok"


def _migrations() -> str:
    global _migrations_applied
    if _migrations_applied:
        return "ok"
    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        return f"{len(unapplied)} not applied"
    _migrations_applied = True
    return "ok"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    database = _database()
    checks = {
        "database": database,
        "migrations": _migrations() if database == "ok" else "unknown",
        "broker": broker.ping(),
    }
    ready = all(value in ("ok", "not used") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
